from django.db import transaction
from django.utils.text import slugify

from accounts.models import Membership, Organisation, User


def organisation_create(*, name: str, country: str, slug: str = "") -> Organisation:
    organisation = Organisation(name=name, country=country, slug=slug or slugify(name)[:80])
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Gives `user` exactly one role in `organisation`, replacing any earlier one."""
    if role not in Membership.Role.values:
        raise ValueError(f"Unknown role {role!r}.")
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


def membership_revoke(*, user: User, organisation: Organisation) -> bool:
    deleted, _ = Membership.objects.filter(user=user, organisation=organisation).delete()
    return bool(deleted)
