"""Writes of single sign-on: an organisation's identity provider, its
domains, and the membership a sign-in provisions. One transaction each."""

from __future__ import annotations

import contextlib

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.services import MembershipError, audit_record, membership_change
from sso.models import IdentityProvider, OrganisationDomain
from sso.vault import secret_seal

# The SAML attributes read for a person, beyond allauth's defaults: the names
# Active Directory, Entra ID, Keycloak and Shibboleth send most often.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
    ],
    "name": [
        "urn:oid:2.16.840.1.113730.3.1.241",
        "http://schemas.microsoft.com/identity/claims/displayname",
        "displayName",
        "name",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
    ],
}


def _app_for(*, organisation: Organisation, protocol: str, current: IdentityProvider | None):
    """The organisation's allauth app; a change of protocol starts a new one,
    since its accounts (their provider and uid) belong to the old protocol."""
    if current is not None and current.protocol == protocol:
        return current.app
    prefix = "oidc" if protocol == IdentityProvider.Protocol.OIDC else "saml"
    return SocialApp(provider=protocol, provider_id=f"{prefix}-{organisation.slug}")


def _current_provider(*, organisation: Organisation) -> IdentityProvider | None:
    """The organisation's provider as stored now, its row locked: two
    administrators saving at once make one change after the other."""
    locked = (
        Organisation.objects.select_for_update(of=("self",))
        .select_related("identity_provider__app")
        .get(pk=organisation.pk)
    )
    try:
        return locked.identity_provider
    except IdentityProvider.DoesNotExist:
        return None


def _issuer_of(app: SocialApp) -> tuple:
    """Who answers for the people's ids (`sub`, NameID): the OpenID Connect
    issuer and client, or the SAML IdP's entity ID."""
    if app.provider == IdentityProvider.Protocol.OIDC:
        return (app.settings.get("server_url"), app.client_id)
    return (app.settings.get("idp", {}).get("entity_id"),)


def _unlink_people(*, app: SocialApp) -> int:
    """Forgets which person each of the app's ids was. Another provider may
    hand out the same ids to other people; those who come back are linked
    again by their address in a verified domain."""
    deleted, _ = SocialAccount.objects.filter(provider=app.provider_id).delete()
    return deleted


@transaction.atomic
def identity_provider_save(
    *,
    organisation: Organisation,
    by: User,
    protocol: str,
    client_id: str = "",
    client_secret: str = "",
    issuer_url: str = "",
    saml_idp: dict | None = None,
    group_claim: str = "",
    trainer_groups: list[str] | None = None,
    admin_groups: list[str] | None = None,
    sso_required: bool = False,
) -> IdentityProvider:
    """Sets the organisation's identity provider. An empty `client_secret`
    keeps the stored one (the page never shows it back)."""
    current = _current_provider(organisation=organisation)
    app = _app_for(organisation=organisation, protocol=protocol, current=current)
    old_app = current.app if current is not None and current.app_id != app.pk else None
    issuer_before = _issuer_of(app) if app.pk else None
    app.name = organisation.name
    if protocol == IdentityProvider.Protocol.OIDC:
        app.client_id = client_id
        if client_secret:
            app.secret = secret_seal(client_secret)
        # PKCE binds the code to this browser's log-in, even for a confidential client.
        app.settings = {"server_url": issuer_url.rstrip("/"), "oauth_pkce_enabled": True}
    else:
        # allauth's SAML URLs name the organisation by the app's client id.
        app.client_id = organisation.slug
        app.secret = ""
        app.settings = {
            "idp": saml_idp or {},
            "attribute_mapping": SAML_ATTRIBUTES,
            "advanced": {"strict": True, "reject_idp_initiated_sso": True},
        }
    app.save()
    if issuer_before is not None and issuer_before != _issuer_of(app):
        _unlink_people(app=app)
    provider = current or IdentityProvider(organisation=organisation)
    provider.protocol = protocol
    provider.app = app
    provider.group_claim = group_claim
    provider.trainer_groups = trainer_groups or []
    provider.admin_groups = admin_groups or []
    provider.sso_required = sso_required
    provider.save()
    if old_app is not None:
        _unlink_people(app=old_app)
        old_app.delete()
    audit_record(
        actor=by,
        action="sso.configure",
        target=organisation.name,
        organisation=organisation,
        protocol=protocol,
        sso_required=sso_required,
        secret_changed=bool(client_secret),
    )
    return provider


@transaction.atomic
def identity_provider_remove(*, organisation: Organisation, by: User) -> None:
    provider = _current_provider(organisation=organisation)
    if provider is None:
        return
    _unlink_people(app=provider.app)
    provider.app.delete()  # and the provider with it
    audit_record(actor=by, action="sso.remove", target=organisation.name, organisation=organisation)


@transaction.atomic
def domain_add(*, organisation: Organisation, domain: str, by: User) -> OrganisationDomain:
    """Claims a domain for the organisation; it waits for verification."""
    added, _ = organisation.email_domains.get_or_create(domain=domain.lower())
    audit_record(actor=by, action="sso.domain_add", target=added.domain, organisation=organisation)
    return added


class DomainTaken(Exception):
    """Another organisation has this domain verified already."""


@transaction.atomic
def domain_verify(*, domain: OrganisationDomain, by: User) -> None:
    taken = OrganisationDomain.objects.filter(domain=domain.domain, verified_at__isnull=False)
    if taken.exclude(pk=domain.pk).exists():
        raise DomainTaken(domain.domain)
    domain.verified_at = timezone.now()
    domain.verified_by = by
    try:
        with transaction.atomic():
            domain.save(update_fields=["verified_at", "verified_by"])
    except IntegrityError:
        # Verified for another organisation in the same moment.
        domain.verified_at = domain.verified_by = None
        raise DomainTaken(domain.domain) from None
    audit_record(
        actor=by, action="sso.domain_verify", target=domain.domain, organisation=domain.organisation
    )


@transaction.atomic
def domain_remove(*, domain: OrganisationDomain, by: User) -> None:
    domain.delete()
    audit_record(
        actor=by, action="sso.domain_remove", target=domain.domain, organisation=domain.organisation
    )


@transaction.atomic
def sso_member_sync(
    *, provider: IdentityProvider, user: User, groups: list[str] | None
) -> Membership:
    """After a sign-in through the organisation's provider: the person is a
    member (a trainee at first, just in time), and where the provider sends
    the configured group claim, their role follows it."""
    organisation = provider.organisation
    current = organisation.memberships.filter(user=user).first()
    role = provider.role_for(groups)
    if current is None:
        membership_change(
            organisation=organisation, user=user, role=role or Membership.Role.TRAINEE
        )
        audit_record(
            actor=user, action="sso.provision", target=user.email, organisation=organisation
        )
    elif role is not None and role != current.role:
        # Where the provider would demote the last administrator, the role
        # stays, and the organisation appoints another one first.
        with contextlib.suppress(MembershipError):
            membership_change(organisation=organisation, user=user, role=role)
    return organisation.memberships.get(user=user)
