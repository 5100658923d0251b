"""Which organisation an e-mail address belongs to, for signing in.

Each answer is one query: the verified domain, its organisation and that
organisation's identity provider, joined.
"""

from __future__ import annotations

from sso.models import IdentityProvider, OrganisationDomain


def email_domain(email: str) -> str:
    """The domain of an address, lower case; empty for something with no @."""
    local, at, domain = email.rpartition("@")
    return domain.strip().lower() if local and at else ""


def _verified(email: str) -> OrganisationDomain | None:
    domain = email_domain(email)
    if not domain:
        return None
    return (
        OrganisationDomain.objects.filter(domain=domain, verified_at__isnull=False)
        .select_related("organisation__identity_provider__app")
        .first()
    )


def identity_provider_for_email(*, email: str) -> IdentityProvider | None:
    """The identity provider that signs this address in, if its domain is
    verified for an organisation that has one."""
    found = _verified(email)
    if found is None:
        return None
    return getattr(found.organisation, "identity_provider", None)


def sso_required_for_email(*, email: str) -> bool:
    """Whether this address must sign in through its organisation's provider."""
    provider = identity_provider_for_email(email=email)
    return provider is not None and provider.sso_required


def identity_provider_of_app(*, app_id: int | None) -> IdentityProvider | None:
    if app_id is None:
        return None
    return IdentityProvider.objects.select_related("organisation").filter(app_id=app_id).first()


def provider_speaks_for(*, provider: IdentityProvider, email: str) -> bool:
    """An identity provider vouches only for addresses in its organisation's
    verified domains: another organisation's provider cannot claim them."""
    found = _verified(email)
    return found is not None and found.organisation_id == provider.organisation_id
