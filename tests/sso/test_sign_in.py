"""Log-in through an organisation's identity provider, against real
providers served locally (tests/sso/idp.py): OpenID Connect and SAML 2.0."""

from types import SimpleNamespace

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import Membership, User
from sso import services
from sso.forms import IdentityProviderForm
from tests.factories import PASSWORD, UserFactory
from tests.sso.idp import key_and_certificate

AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"  # eduPersonAffiliation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("plain_http_cookies"),
]


def configure_oidc(organisation, idp, **mapping):
    admin = UserFactory()
    return services.identity_provider_save(
        organisation=organisation,
        by=admin,
        protocol="openid_connect",
        issuer_url=idp.issuer,
        client_id=idp.client_id,
        client_secret=idp.client_secret,
        **mapping,
    )


def configure_saml(organisation, idp, visitor, *, pasted=False, **mapping):
    """The provider's metadata by its URL, or pasted as XML on the sign-in page."""
    if pasted:
        form = IdentityProviderForm({"protocol": "saml", "metadata_xml": idp.metadata()})
        assert form.is_valid(), form.errors
        saml_idp = form.cleaned_data["saml_idp"]
    else:
        saml_idp = {"metadata_url": f"{idp.url}/metadata", "entity_id": idp.entity_id}
    provider = services.identity_provider_save(
        organisation=organisation, by=UserFactory(), protocol="saml", saml_idp=saml_idp, **mapping
    )
    # The identity provider is given our metadata, as its administrator would be.
    idp.sp_metadata = visitor.http.get(
        f"{visitor.site}/accounts/saml/{organisation.slug}/metadata/", timeout=10
    ).text
    return provider


def test_oidc_first_log_in_provisions_a_trainee(visitor_at, ministry, oidc_idp):
    configure_oidc(ministry, oidc_idp)
    oidc_idp.person = {"sub": "u-100", "email": "amina@mfa.test", "name": "Amina Diallo"}
    visitor = visitor_at()

    visitor.sso("amina@mfa.test")

    assert visitor.logged_in()
    assert oidc_idp.pkce_checked
    user = User.objects.get(email="amina@mfa.test")
    assert user.display_name == "Amina Diallo"
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    assert user.socialaccount_set.get().provider == "oidc-mfa"
    assert ministry.memberships.get(user=user).role == Membership.Role.TRAINEE


def test_oidc_group_claim_makes_a_trainer_and_follows_the_provider(visitor_at, ministry, oidc_idp):
    configure_oidc(
        ministry, oidc_idp, group_claim="groups", trainer_groups=["trainers"], admin_groups=["it"]
    )
    oidc_idp.person = {"sub": "u-7", "email": "lea@mfa.test", "name": "Léa", "groups": ["trainers"]}
    visitor = visitor_at()
    visitor.sso("lea@mfa.test")
    user = User.objects.get(email="lea@mfa.test")
    assert ministry.memberships.get(user=user).role == Membership.Role.TRAINER

    # The provider moves her to the IT group: the next log-in follows it.
    oidc_idp.person["groups"] = ["it", "staff"]
    again = visitor_at()
    again.sso("lea@mfa.test")

    assert again.logged_in()
    assert ministry.memberships.get(user=user).role == Membership.Role.ORG_ADMIN
    assert User.objects.filter(email="lea@mfa.test").count() == 1


def test_oidc_existing_password_account_is_the_same_person(visitor_at, ministry, oidc_idp):
    existing = UserFactory(email="omar@mfa.test")
    configure_oidc(ministry, oidc_idp)
    oidc_idp.person = {"sub": "u-9", "email": "omar@mfa.test", "name": "Omar"}
    visitor = visitor_at()

    visitor.sso("omar@mfa.test")

    assert visitor.logged_in()
    assert User.objects.filter(email="omar@mfa.test").count() == 1
    assert ministry.memberships.get(user=existing).role == Membership.Role.TRAINEE


def test_oidc_forged_id_token_signature_is_refused(visitor_at, ministry, oidc_idp):
    configure_oidc(ministry, oidc_idp)
    oidc_idp.person = {"sub": "u-1", "email": "eve@mfa.test", "name": "Eve"}
    oidc_idp.forge_signatures()
    visitor = visitor_at()

    visitor.sso("eve@mfa.test")

    assert not visitor.logged_in()
    assert not User.objects.filter(email="eve@mfa.test").exists()

    # The same log-in signed with the published key goes through: the
    # signature, and nothing else, was refused.
    oidc_idp.sign_honestly()
    honest = visitor_at()
    honest.sso("eve@mfa.test")
    assert honest.logged_in()


def test_oidc_address_outside_the_verified_domains_is_refused(visitor_at, ministry, oidc_idp):
    configure_oidc(ministry, oidc_idp)
    # The ministry's provider speaks for someone of another organisation.
    oidc_idp.person = {"sub": "u-2", "email": "minister@other.test", "name": "Not theirs"}
    victim = UserFactory(email="minister@other.test")
    visitor = visitor_at()

    answer = visitor.sso("someone@mfa.test")

    assert answer.status_code == 403
    assert "not in one of the organisation" in answer.text
    assert not visitor.logged_in()
    assert not victim.socialaccount_set.exists()


@pytest.mark.parametrize("pasted", [False, True], ids=["metadata-url", "metadata-xml"])
def test_saml_first_log_in_provisions_with_the_group_mapped_role(
    visitor_at, ministry, saml_idp, pasted
):
    visitor = visitor_at()
    # The attribute's name as the provider sends it (pysaml2: URI names).
    configure_saml(
        ministry,
        saml_idp,
        visitor,
        pasted=pasted,
        group_claim=AFFILIATION,
        admin_groups=["faculty"],
    )
    saml_idp.uid = "saml-42"
    saml_idp.person = {
        "mail": ["kofi@mfa.test"],
        "displayName": ["Kofi Mensah"],
        "eduPersonAffiliation": ["member", "faculty"],
    }

    idp_page = visitor.sso("kofi@mfa.test")
    visitor.post_form(idp_page)

    assert visitor.logged_in()
    user = User.objects.get(email="kofi@mfa.test")
    assert user.display_name == "Kofi Mensah"
    assert ministry.memberships.get(user=user).role == Membership.Role.ORG_ADMIN


def test_saml_forged_signature_is_refused(visitor_at, ministry, saml_idp, caplog):
    visitor = visitor_at()
    configure_saml(ministry, saml_idp, visitor)
    saml_idp.uid = "saml-66"
    saml_idp.person = {"mail": ["mallory@mfa.test"], "displayName": ["Mallory"]}
    saml_idp.forge_signatures()

    idp_page = visitor.sso("mallory@mfa.test")
    visitor.post_form(idp_page)

    assert not visitor.logged_in()
    assert not User.objects.filter(email="mallory@mfa.test").exists()
    assert "Signature validation failed" in caplog.text


def test_saml_address_outside_the_verified_domains_is_refused(visitor_at, ministry, saml_idp):
    visitor = visitor_at()
    configure_saml(ministry, saml_idp, visitor)
    saml_idp.uid = "saml-99"
    saml_idp.person = {"mail": ["ambassador@other.test"], "displayName": ["Not theirs"]}

    answer = visitor.post_form(visitor.sso("someone@mfa.test"))

    assert answer.status_code == 403
    assert not visitor.logged_in()
    assert not User.objects.filter(email="ambassador@other.test").exists()


def test_saml_log_in_started_by_the_identity_provider_is_refused(
    visitor_at, ministry, saml_idp, caplog
):
    visitor = visitor_at()
    configure_saml(ministry, saml_idp, visitor)
    saml_idp.uid = "saml-7"
    saml_idp.person = {"mail": ["pushed@mfa.test"], "displayName": ["Pushed"]}
    metadata = f"{visitor.site}/accounts/saml/{ministry.slug}/metadata/"
    form = saml_idp.unsolicited(
        acs_url=f"{visitor.site}/accounts/saml/{ministry.slug}/acs/", sp_entity_id=metadata
    )

    visitor.post_form(SimpleNamespace(text=form))

    assert not visitor.logged_in()
    assert not User.objects.filter(email="pushed@mfa.test").exists()
    # Refused as unsolicited, not for a broken signature.
    assert "IdP initiated SSO rejected" in caplog.text


def test_oidc_connecting_a_colleagues_identity_to_ones_own_account_is_refused(
    visitor_at, ministry, oidc_idp
):
    UserFactory(email="intern@elsewhere.test")
    configure_oidc(ministry, oidc_idp)
    oidc_idp.person = {"sub": "u-55", "email": "ambassador@mfa.test", "name": "Ambassador"}
    visitor = visitor_at()
    visitor.http.post(
        f"{visitor.site}/accounts/login/",
        data={
            "csrfmiddlewaretoken": visitor.csrf(),
            "login": "intern@elsewhere.test",
            "password": PASSWORD,
        },
        timeout=10,
    )
    assert visitor.logged_in()

    answer = visitor.http.post(
        f"{visitor.site}/accounts/oidc/oidc-mfa/login/",
        data={"csrfmiddlewaretoken": visitor.csrf(), "process": "connect"},
        timeout=20,
    )

    assert answer.status_code == 403
    assert "not the address of the account you are logged in to" in answer.text
    assert not SocialAccount.objects.exists()


@pytest.fixture
def sp_key_pair(tmp_path, settings):
    key_file, cert_file = key_and_certificate(tmp_path, "sp")
    settings.SAML_SP_PRIVATE_KEY = key_file.read_text()
    settings.SAML_SP_CERTIFICATE = cert_file.read_text()
    return cert_file.read_text()


def test_saml_requests_are_signed_for_a_provider_that_wants_them(
    visitor_at, ministry, saml_idp, sp_key_pair
):
    saml_idp.wants_signed_requests = True
    visitor = visitor_at()
    configure_saml(ministry, saml_idp, visitor)
    saml_idp.uid = "saml-signed"
    saml_idp.person = {"mail": ["nadia@mfa.test"], "displayName": ["Nadia"]}

    visitor.post_form(visitor.sso("nadia@mfa.test"))

    assert visitor.logged_in()
    assert saml_idp.refused == []
    # Our metadata says so, and carries the certificate the provider checks with.
    assert 'AuthnRequestsSigned="true"' in saml_idp.sp_metadata
    body = "".join(sp_key_pair.strip().splitlines()[1:-1])
    assert body in "".join(saml_idp.sp_metadata.split())


def test_an_unsigned_request_is_refused_by_a_provider_that_wants_it_signed(
    visitor_at, ministry, saml_idp
):
    saml_idp.wants_signed_requests = True
    visitor = visitor_at()
    configure_saml(ministry, saml_idp, visitor)
    saml_idp.uid = "saml-unsigned"
    saml_idp.person = {"mail": ["omar@mfa.test"], "displayName": ["Omar"]}

    answer = visitor.sso("omar@mfa.test")

    assert answer.status_code == 403
    assert saml_idp.refused
    assert not visitor.logged_in()
