from django.core.cache import cache
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import access
from accounts.middleware import organisation_language_key
from accounts.models import AuditEvent, Membership, Organisation, User


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
    membership, _unused = organisation.memberships.update_or_create(
        user=user, defaults={"role": role}
    )
    return membership


def membership_revoke(*, user: User, organisation: Organisation) -> bool:
    deleted, _unused = organisation.memberships.filter(user=user).delete()
    return bool(deleted)


class MembershipError(Exception):
    """A change to an organisation's people that cannot be made, with a message."""


@transaction.atomic
def membership_change(
    *, organisation: Organisation, user: User, role: str | None, by: User | None = None
) -> None:
    """Sets or removes (`role=None`) someone's role, never leaving an
    organisation without an administrator who can log in.

    Whoever stops holding a training role there is also taken off the
    organisation's cohorts' trainer lists, in the same transaction.
    """
    # One role change per organisation at a time: two administrators demoting
    # each other at once must not both see the other still in place.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    current = organisation.memberships.filter(user=user).first()
    # A closed account keeps no role, but one may linger from before; it
    # administers nothing, so it never counts as the other administrator.
    usable_admins = organisation.memberships.filter(
        role=Membership.Role.ORG_ADMIN, user__is_active=True
    )
    last_admin = (
        current is not None
        and current.role == Membership.Role.ORG_ADMIN
        and role != Membership.Role.ORG_ADMIN
        and user.is_active
        and not usable_admins.exclude(user=user).exists()
    )
    if last_admin:
        raise MembershipError(
            _("%(organisation)s needs at least one administrator: appoint another one first.")
            % {"organisation": organisation.name}
        )
    if role is None:
        membership_revoke(user=user, organisation=organisation)
    else:
        membership_grant(user=user, organisation=organisation, role=role)
    cohorts_left = 0
    if role not in Membership.TRAINING_ROLES:
        cohorts_left = _stop_training(user=user, organisation=organisation)
    audit_record(
        actor=by,
        action="membership.remove" if role is None else "membership.role",
        target=user.email,
        organisation=organisation,
        role=role or "",
        previous=current.role if current else "",
        cohorts_left=cohorts_left,
    )


def _stop_training(*, user: User, organisation: Organisation) -> int:
    """Takes `user` off the trainer lists of the organisation's cohorts; returns how many."""
    deleted, _unused = access.trainer_places(user=user, organisation=organisation).delete()
    return deleted


@transaction.atomic
def memberships_end(*, user: User, by: User | None = None) -> None:
    """Ends every role `user` holds (their account is closing), each one audited.

    Raises MembershipError, and changes nothing, if they are the only
    administrator of an organisation.
    """
    for membership in user.memberships.select_related("organisation"):
        membership_change(organisation=membership.organisation, user=user, role=None, by=by)


def organisation_pause_nudges(*, organisation: Organisation, until, by: User | None = None) -> None:
    """Holds every reminder to the organisation's people until `until` (None: resume now)."""
    Organisation.objects.filter(pk=organisation.pk).update(nudges_paused_until=until)
    audit_record(
        actor=by,
        action="reminders.pause" if until else "reminders.resume",
        target=organisation.name,
        organisation=organisation,
        until=until or "",
    )


@transaction.atomic
def organisation_set_language(*, organisation: Organisation, language: str, by: User) -> None:
    """Sets the language the organisation's people get when they have chosen none."""
    Organisation.objects.filter(pk=organisation.pk).update(default_language=language)
    organisation.default_language = language
    members = organisation.memberships.values_list("user_id", flat=True)
    cache.delete_many([organisation_language_key(user_id) for user_id in members])
    audit_record(
        actor=by,
        action="organisation.language",
        target=organisation.name,
        organisation=organisation,
        language=language,
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: str,
    organisation: Organisation | int | None = None,
    **detail,
) -> None:
    """Writes one line of the audit log, in the caller's transaction."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation_id=organisation_id,
        action=action,
        target=str(target)[:200],
        detail={key: str(value) for key, value in detail.items()},
    )
