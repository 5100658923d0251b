"""Single sign-on in Chromium: an administrator sets the ministry's OpenID
Connect provider on the sign-in page, and a diplomat of the ministry logs in
through it from the log-in page, with no password."""

import pytest

from accounts.models import Membership, User
from tests.browser.conftest import log_in, screenshot
from tests.factories import MembershipFactory, UserFactory
from tests.sso.conftest import ministry_with_domain, served_oidc_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ministry(db):
    return ministry_with_domain()


@pytest.fixture
def page(chromium, live_server):
    """The identity provider's certificate is the test's own: this browser
    trusts it as a ministry's machines trust their authority's."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", ignore_https_errors=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def oidc_idp(live_server):
    with served_oidc_provider(live_server.url) as provider:
        yield provider


def test_administrator_sets_up_oidc_and_a_diplomat_logs_in_through_it(
    page, settings, ministry, oidc_idp, assert_accessible
):
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    admin = UserFactory(email="head@mfa.test")
    MembershipFactory(user=admin, organisation=ministry, role=Membership.Role.ORG_ADMIN)

    log_in(page, "head@mfa.test")
    page.goto(f"/organisation/{ministry.slug}/sign-in/")
    # Only the chosen protocol's fields are shown.
    page.get_by_label("SAML 2.0").first.check()
    assert page.get_by_label("IdP metadata URL").is_visible()
    assert not page.get_by_label("Issuer URL").is_visible()
    page.get_by_label("OpenID Connect").first.check()
    assert not page.get_by_label("IdP metadata URL").is_visible()
    page.get_by_label("Issuer URL").fill(oidc_idp.issuer)
    page.get_by_label("Client ID").fill(oidc_idp.client_id)
    page.get_by_label("Client secret").fill(oidc_idp.client_secret)
    page.get_by_label("Group claim or attribute").fill("groups")
    page.get_by_label("Groups that make a trainer").fill("trainers")
    page.get_by_role("button", name="Save the sign-in settings").click()
    page.get_by_text("The sign-in settings are saved.").wait_for()
    assert oidc_idp.client_secret not in page.content()
    assert_accessible(page, name="sso settings")
    screenshot(page, "sso-settings-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "sso-settings-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Log out").click()

    oidc_idp.person = {
        "sub": "u-31",
        "email": "yasmin@mfa.test",
        "name": "Yasmin Haddad",
        "groups": ["trainers"],
    }
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("yasmin@mfa.test")
    assert_accessible(page, name="log-in with single sign-on")
    screenshot(page, "sso-log-in-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "sso-log-in-phone")
    page.get_by_role("button", name="Continue with single sign-on").click()

    page.get_by_role("button", name="Log out").wait_for()
    user = User.objects.get(email="yasmin@mfa.test")
    assert user.display_name == "Yasmin Haddad"
    assert ministry.memberships.get(user=user).role == Membership.Role.TRAINER
