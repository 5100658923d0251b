"""Where single sign-on is required, passwords are refused; an address with
no organisation's provider logs in with its password as before."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from sso import services
from tests.factories import PASSWORD, MembershipFactory, UserFactory

REFUSAL = "Your organisation signs you in through its own log-in service"


@pytest.fixture
def required(ministry):
    return services.identity_provider_save(
        organisation=ministry,
        by=UserFactory(),
        protocol="openid_connect",
        issuer_url="https://login.mfa.test",
        client_id="ediplomacy",
        client_secret="secret",
        sso_required=True,
    )


def log_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_required_sso_refuses_a_password_log_in_with_a_clear_message(client, required):
    member = UserFactory(email="hana@mfa.test")
    MembershipFactory(user=member, organisation=required.organisation)

    answer = log_in(client, "hana@mfa.test")

    assert answer.status_code == 200
    assert REFUSAL in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_required_sso_refuses_password_reset_and_sign_up(client, required):
    UserFactory(email="hana@mfa.test")

    reset = client.post(reverse("account_reset_password"), {"email": "hana@mfa.test"})
    signup = client.post(
        reverse("account_signup"),
        {
            "email": "new@mfa.test",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )

    assert REFUSAL in reset.content.decode()
    assert REFUSAL in signup.content.decode()
    assert not required.organisation.memberships.exists()


def test_sso_not_required_leaves_passwords_working(client, required):
    required.sso_required = False
    required.save()
    UserFactory(email="hana@mfa.test")

    answer = log_in(client, "hana@mfa.test")

    assert answer.status_code == 302
    assert "_auth_user_id" in client.session


def test_other_domains_still_log_in_with_a_password(client, required):
    UserFactory(email="visitor@elsewhere.test")

    assert log_in(client, "visitor@elsewhere.test").status_code == 302


def test_unknown_domain_falls_back_to_the_password_log_in(client, required):
    answer = client.post(reverse("sso:discover"), {"login": "someone@elsewhere.test"}, follow=True)

    assert answer.redirect_chain[-1][0] == reverse("account_login")
    assert "log in with your password" in answer.content.decode()


def test_an_unverified_domain_leads_nowhere(client, required):
    required.organisation.email_domains.create(domain="embassy.test")

    answer = client.post(reverse("sso:discover"), {"login": "consul@embassy.test"})

    assert answer.url == reverse("account_login")


def test_a_verified_domain_leads_to_its_provider(client, required, settings, monkeypatch):
    # The redirect reads the provider's discovery document; this one is not
    # served, so the test stops where the browser would leave for the IdP.
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    monkeypatch.setattr(
        OpenIDConnectOAuth2Adapter,
        "openid_config",
        {
            "authorization_endpoint": "https://login.mfa.test/authorize",
            "token_endpoint": "https://login.mfa.test/token",
        },
    )

    page = client.post(reverse("sso:discover"), {"login": "Hana@MFA.test"})
    answer = client.get(page.context["start_url"])

    assert page.status_code == 200
    assert answer.status_code == 302
    assert answer.url.startswith("https://login.mfa.test/authorize?")
    assert "client_id=ediplomacy" in answer.url


def test_a_provider_that_does_not_answer_gets_a_clear_message(client, required):
    app = required.app
    app.settings = {"server_url": "http://127.0.0.1:9"}  # nothing listens there
    app.save()

    page = client.post(reverse("sso:discover"), {"login": "hana@mfa.test"})
    answer = client.get(page.context["start_url"], follow=True)

    assert answer.status_code == 200
    assert "does not answer right now" in answer.content.decode()


def test_the_way_to_the_provider_is_for_this_session_once(client, required):
    page = client.post(reverse("sso:discover"), {"login": "hana@mfa.test"})
    forged = client.get(reverse("sso:start") + "?token=guessed")

    assert forged.url == reverse("account_login")
    # The token was spent with the failed try: the real one is gone too.
    assert client.get(page.context["start_url"]).url == reverse("account_login")


def test_a_bad_address_is_asked_again(client, required):
    answer = client.post(reverse("sso:discover"), {"login": "not an address"}, follow=True)

    assert "Enter your e-mail address first" in answer.content.decode()


def test_group_mapping_never_demotes_the_last_administrator(ministry):
    provider = services.identity_provider_save(
        organisation=ministry,
        by=UserFactory(),
        protocol="openid_connect",
        issuer_url="https://login.mfa.test",
        client_id="c",
        client_secret="s",
        group_claim="groups",
        admin_groups=["it"],
    )
    admin = UserFactory(email="chief@mfa.test")
    MembershipFactory(user=admin, organisation=ministry, role=Membership.Role.ORG_ADMIN)

    services.sso_member_sync(provider=provider, user=admin, groups=["everyone"])

    assert ministry.memberships.get(user=admin).role == Membership.Role.ORG_ADMIN


def test_no_group_claim_sent_keeps_the_role(ministry):
    provider = services.identity_provider_save(
        organisation=ministry,
        by=UserFactory(),
        protocol="openid_connect",
        issuer_url="https://login.mfa.test",
        client_id="c",
        client_secret="s",
        group_claim="groups",
        trainer_groups=["trainers"],
    )
    trainer = UserFactory(email="t@mfa.test")
    MembershipFactory(user=trainer, organisation=ministry, role=Membership.Role.TRAINER)

    services.sso_member_sync(provider=provider, user=trainer, groups=provider.groups_in({}))

    assert ministry.memberships.get(user=trainer).role == Membership.Role.TRAINER


@pytest.mark.parametrize(
    "login", ["a\x00@mfa.test", "hana@mfa.te\x00st", "x" * 5000 + "@mfa.test", "@mfa.test"]
)
def test_discovery_answers_bad_input_with_the_log_in_page(client, required, login):
    answer = client.post(reverse("sso:discover"), {"login": login, "next": "https://evil.test/"})

    assert answer.status_code == 302
    assert answer.url == reverse("account_login")


def test_the_password_fallback_keeps_the_next_page(client, required):
    answer = client.post(
        reverse("sso:discover"), {"login": "someone@elsewhere.test", "next": "/programme/"}
    )

    assert answer.url == reverse("account_login") + "?next=%2Fprogramme%2F"


def test_discovery_keeps_only_a_local_next_page(client, required):
    client.post(reverse("sso:discover"), {"login": "hana@mfa.test", "next": "https://evil.test/"})
    assert client.session["sso_start"]["next"] is None

    client.post(reverse("sso:discover"), {"login": "hana@mfa.test", "next": "/programme/"})
    assert client.session["sso_start"]["next"] == "/programme/"


def test_a_new_issuer_forgets_which_person_each_old_id_was(required):
    from allauth.socialaccount.models import SocialAccount

    person = UserFactory(email="hana@mfa.test")
    SocialAccount.objects.create(user=person, provider="oidc-mfa", uid="sub-1")
    same = {
        "organisation": required.organisation,
        "by": person,
        "protocol": "openid_connect",
        "client_id": "ediplomacy",
        "issuer_url": "https://login.mfa.test",
    }

    services.identity_provider_save(**same, sso_required=True)
    assert SocialAccount.objects.filter(user=person).exists()

    services.identity_provider_save(**{**same, "issuer_url": "https://new-idp.mfa.test"})
    assert not SocialAccount.objects.filter(user=person).exists()


def test_turning_sso_off_unlinks_everyone(required):
    from allauth.socialaccount.models import SocialAccount

    person = UserFactory(email="hana@mfa.test")
    SocialAccount.objects.create(user=person, provider="oidc-mfa", uid="sub-1")

    services.identity_provider_remove(organisation=required.organisation, by=person)

    assert not SocialAccount.objects.exists()
    # The domains stay theirs, ready for the next provider.
    assert required.organisation.email_domains.filter(domain="mfa.test").exists()


def test_after_sso_is_off_someone_without_a_password_can_set_one(client, required, mailoutbox):
    person = UserFactory(email="hana@mfa.test")
    person.set_unusable_password()
    person.save()
    services.identity_provider_remove(organisation=required.organisation, by=person)

    client.post(reverse("account_reset_password"), {"email": "hana@mfa.test"})

    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
