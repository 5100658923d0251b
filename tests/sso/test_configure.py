"""An organisation's administrator sets its sign-in on a page of the site."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from sso.models import IdentityProvider
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers import assert_queries_do_not_grow
from tests.sso.idp import SamlProvider


@pytest.fixture
def admin(ministry):
    person = UserFactory(email="head@mfa.test")
    MembershipFactory(user=person, organisation=ministry, role=Membership.Role.ORG_ADMIN)
    return person


def page(ministry) -> str:
    return reverse("sso:configure", args=[ministry.slug])


OIDC = {
    "action": "save",
    "protocol": "openid_connect",
    "issuer_url": "https://login.mfa.test/realms/mfa",
    "client_id": "ediplomacy",
    "client_secret": "the-secret-value-42",
    "group_claim": "groups",
    "trainer_groups": "trainers, tutors",
    "admin_groups": "",
}


def test_the_client_secret_is_stored_encrypted_and_never_shown(client, ministry, admin):
    client.force_login(admin)

    client.post(page(ministry), OIDC)
    shown = client.get(page(ministry)).content.decode()

    provider = IdentityProvider.objects.get(organisation=ministry)
    assert provider.app.secret.startswith("fernet:")
    assert "the-secret-value-42" not in provider.app.secret
    assert "the-secret-value-42" not in shown
    assert provider.trainer_groups == ["trainers", "tutors"]
    # The page gives the redirect URI to hand to the provider.
    assert "/accounts/oidc/oidc-mfa/login/callback/" in shown


def test_an_empty_secret_keeps_the_stored_one(client, ministry, admin):
    from sso.adapters import SocialAccountAdapter

    client.force_login(admin)
    client.post(page(ministry), OIDC)

    client.post(page(ministry), {**OIDC, "client_secret": "", "client_id": "renamed"})

    (app,) = SocialAccountAdapter().list_apps(None, provider="oidc-mfa")
    assert app.client_id == "renamed"
    assert app.secret == "the-secret-value-42"


def test_oidc_needs_its_fields_and_https(client, ministry, admin):
    client.force_login(admin)

    answer = client.post(page(ministry), {**OIDC, "issuer_url": "http://login.mfa.test"})

    assert "Use an https:// address." in answer.content.decode()
    assert not IdentityProvider.objects.exists()


def test_saml_metadata_xml_is_read(client, ministry, admin, tmp_path):
    idp = SamlProvider(tmp_path)
    idp.url = "https://idp.mfa.test"
    client.force_login(admin)

    client.post(
        page(ministry), {"action": "save", "protocol": "saml", "metadata_xml": idp.metadata()}
    )
    shown = client.get(page(ministry)).content.decode()

    settings = IdentityProvider.objects.get(organisation=ministry).app.settings
    assert settings["idp"]["entity_id"] == "https://idp.mfa.test/metadata"
    assert settings["idp"]["sso_url"] == "https://idp.mfa.test/sso"
    assert "/accounts/saml/mfa/acs/" in shown
    assert "/accounts/saml/mfa/metadata/" in shown


def test_saml_metadata_that_is_not_metadata_is_refused(client, ministry, admin):
    client.force_login(admin)

    answer = client.post(
        page(ministry), {"action": "save", "protocol": "saml", "metadata_xml": "<nonsense/>"}
    )

    assert answer.status_code == 200
    assert "not IdP metadata" in answer.content.decode()
    assert not IdentityProvider.objects.exists()


def test_an_administrator_claims_a_domain_and_only_staff_verify_it(client, ministry, admin):
    client.force_login(admin)
    client.post(page(ministry), {"action": "add_domain", "domain": "@Embassy.MFA.test"})
    domain = ministry.email_domains.get(domain="embassy.mfa.test")

    refused = client.post(page(ministry), {"action": "verify_domain", "domain": domain.pk})
    domain.refresh_from_db()
    assert refused.status_code == 404
    assert not domain.is_verified

    client.force_login(UserFactory(is_staff=True))
    client.post(page(ministry), {"action": "verify_domain", "domain": domain.pk})
    domain.refresh_from_db()
    assert domain.is_verified


def test_a_domain_verified_elsewhere_cannot_be_verified_again(client, ministry):
    other = OrganisationFactory(slug="impostor")
    claim = other.email_domains.create(domain="mfa.test")  # the ministry's, verified
    client.force_login(UserFactory(is_staff=True))

    answer = client.post(
        reverse("sso:configure", args=["impostor"]),
        {"action": "verify_domain", "domain": claim.pk},
        follow=True,
    )

    claim.refresh_from_db()
    assert not claim.is_verified
    assert "Another organisation has this domain verified" in answer.content.decode()


def test_another_organisations_domain_is_not_found(client, ministry, admin):
    other = OrganisationFactory(slug="other")
    theirs = other.email_domains.create(domain="other.test")
    client.force_login(admin)

    answer = client.post(page(ministry), {"action": "remove_domain", "domain": theirs.pk})

    assert answer.status_code == 404
    assert other.email_domains.filter(pk=theirs.pk).exists()


def test_the_sign_in_page_runs_the_same_queries_whatever_the_domains(client, ministry, admin):
    client.force_login(admin)
    client.post(page(ministry), OIDC)

    def grow(size):
        for number in range(ministry.email_domains.count(), size):
            ministry.email_domains.create(domain=f"post{number}.mfa.test")

    def request(_):
        response = client.get(page(ministry))
        assert response.status_code == 200
        return response

    # Session, user, roles, the organisation, its provider and app, its domains.
    measured = assert_queries_do_not_grow(request, grow, sizes=(2, 20), warm=True)
    assert len(measured.large) <= 8, measured.large


@pytest.mark.parametrize(
    "email",
    ["amina@mfa.test", "AMINA@MFA.TEST", "someone@elsewhere.test", "no-at-sign"],
)
def test_discovery_is_one_query(ministry, email, django_assert_num_queries):
    from sso import selectors

    with django_assert_num_queries(0 if "@" not in email else 1):
        selectors.identity_provider_for_email(email=email)


def test_turning_sso_off_asks_first(client, ministry, admin):
    client.force_login(admin)
    client.post(page(ministry), OIDC)

    asked = client.post(page(ministry), {"action": "remove"})
    assert "Turn single sign-on off for Ministry of Foreign Affairs?" in asked.content.decode()
    assert IdentityProvider.objects.filter(organisation=ministry).exists()

    client.post(page(ministry), {"action": "remove", "confirm": "yes"})
    assert not IdentityProvider.objects.filter(organisation=ministry).exists()


@pytest.mark.postgres
def test_the_database_keeps_a_verified_domain_to_one_organisation(ministry):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    other = OrganisationFactory(slug="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        other.email_domains.create(domain="mfa.test", verified_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        other.email_domains.create(domain="Upper.Case.test")
    # Claimed, unverified, by another organisation too: allowed, it waits.
    assert other.email_domains.create(domain="mfa.test").verified_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_verifications_of_one_domain_at_once_leave_one():
    from sso import services
    from sso.models import OrganisationDomain
    from tests.helpers import race

    first = OrganisationFactory(slug="first").email_domains.create(domain="shared.test")
    second = OrganisationFactory(slug="second").email_domains.create(domain="shared.test")
    staff = UserFactory(is_staff=True)

    outcomes = race(
        lambda: services.domain_verify(domain=first, by=staff),
        lambda: services.domain_verify(domain=second, by=staff),
    )

    # Whichever came second met the other's row or the database's constraint.
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["DomainTaken", "NoneType"]
    assert OrganisationDomain.objects.filter(verified_at__isnull=False).count() == 1
