import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from accounts.models import Membership
from tests.browser.conftest import log_in, screenshot
from tests.credentials.helpers import reach_acquainted
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    cohort_with_learners,
    enrol,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_shares_a_credential_and_an_outsider_verifies_it(
    page, programme, assert_accessible
):
    ministry = OrganisationFactory(name="Ministry of Foreign Affairs of Demoland")
    trainer = MembershipFactory(organisation=ministry, role=Membership.Role.TRAINER).user
    farid = UserFactory(email="farid@ministry.example", display_name="Farid Haddad")
    MembershipFactory(user=farid, organisation=ministry)
    cohort = cohort_with_learners(
        0, organisation=ministry, trainer=trainer, programme=programme
    ).cohort
    reach_acquainted(enrol(cohort, farid))
    call_command("issue_credentials", stdout=io.StringIO())

    log_in(page, farid.email)
    page.get_by_role("link", name="Credentials").click()
    page.get_by_role("heading", name="My credentials").wait_for()
    card = page.locator(".credential-card").filter(has_text="Acquainted")
    card.get_by_label("Share by link").check()
    card.get_by_label("Show my name on the public page").check()
    card.get_by_role("button", name="Save sharing").click()
    page.get_by_text("is shared: anyone with its link").wait_for()
    assert_accessible(page, name="my credentials")
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"credentials-mine-{label}")

    card = page.locator(".credential-card").filter(has_text="Acquainted")
    public_url = card.get_by_role("link", name="Public page").get_attribute("href")
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.wait_for()

    # The link is absolute, on SITE_URL; the live server has its own port.
    page.goto(urlsplit(public_url).path)
    assert "Verified." in page.get_by_role("status").inner_text()
    assert page.get_by_text("Earned by Farid Haddad").is_visible()
    assert "farid@ministry.example" not in page.content()
    assert_accessible(page, name="public verification page")
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"credentials-verify-{label}")


def test_an_organisation_administrator_chooses_what_earns_a_credential(
    page, programme, organisation, org_admin, assert_accessible
):
    log_in(page, org_admin.email)
    page.get_by_role("link", name="Credentials").click()
    page.get_by_role("link", name=f"Credential settings of {organisation.name}").click()
    page.get_by_label("Competence: Critique").uncheck()
    page.get_by_label("Name on credentials").fill("Farnesina")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("The credential settings are saved.").wait_for()

    assert not page.get_by_label("Competence: Critique").is_checked()
    assert page.get_by_label("Milestone: Acquainted").is_checked()
    assert_accessible(page, name="credential settings")
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"credentials-settings-{label}")
