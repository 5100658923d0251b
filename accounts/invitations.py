"""Invitations to an organisation, and the rule for sending any invitation again.

Services in the style of `accounts/services.py`: keyword-only, one
transaction each. An administrator invites an address to a role; the person
accepts (or declines) on the invitation's page, logged in with that address.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, OrganisationInvitation, User
from accounts.services import MembershipError, audit_record, membership_change
from accounts.tasks import enqueue_organisation_invitation


class InvitationError(Exception):
    """An invitation that cannot be sent, answered or changed, with a message."""


def invitation_resend_check(
    *, send_count: int, sent_at: datetime.datetime, now: datetime.datetime
) -> None:
    """The rule for sending any invitation again, to a cohort or an
    organisation: a day after the last sending, `INVITATION_MAX_SENDS` times
    in all. Raises InvitationError saying why not."""
    if send_count >= settings.INVITATION_MAX_SENDS:
        raise InvitationError(
            _(
                "This invitation has been sent %(count)s times, the most allowed. "
                "Revoke it and check the address with the person."
            )
            % {"count": send_count}
        )
    if now - sent_at < datetime.timedelta(days=1):
        raise InvitationError(
            _(
                "This invitation was sent less than a day ago: give the person time to find it "
                "(and their spam folder) before sending it again."
            )
        )


@transaction.atomic
def organisation_invite(
    *, organisation: Organisation, email: str, role: str, by: User
) -> OrganisationInvitation:
    """Invites `email` to take `role` in `organisation`, whether or not an
    account uses the address; a pending invitation to it is updated instead."""
    if role not in Membership.Role.values:
        raise InvitationError(_("Choose a role from the list."))
    email = email.strip().lower()
    now = timezone.now()
    pending = (
        organisation.invitations.select_for_update()
        .filter(email=email, status=OrganisationInvitation.Status.PENDING)
        .first()
    )
    if pending is not None:
        pending.role = role
        pending.save(update_fields=["role"])
        invitation = pending
    else:
        invitation = OrganisationInvitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            created_by=by,
            created_at=now,
            sent_at=now,
        )
        enqueue_organisation_invitation(invitation.pk)
    audit_record(
        actor=by, action="membership.invite", target=email, organisation=organisation, role=role
    )
    return invitation


@transaction.atomic
def organisation_invitation_resend(
    *, invitation: OrganisationInvitation, by: User
) -> OrganisationInvitation:
    """Sends it again: at most once a day and `INVITATION_MAX_SENDS` times in all."""
    now = timezone.now()
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != OrganisationInvitation.Status.PENDING:
        raise InvitationError(_("Only a pending invitation can be sent again."))
    invitation_resend_check(send_count=invitation.send_count, sent_at=invitation.sent_at, now=now)
    OrganisationInvitation.objects.filter(pk=invitation.pk).update(
        sent_at=now, send_count=F("send_count") + 1
    )
    enqueue_organisation_invitation(invitation.pk)
    audit_record(
        actor=by,
        action="membership.invite_resend",
        target=invitation.email,
        organisation=invitation.organisation_id,
    )
    invitation.refresh_from_db()
    return invitation


def organisation_invitation_revoke(*, invitation: OrganisationInvitation, by: User) -> None:
    changed = OrganisationInvitation.objects.filter(
        pk=invitation.pk, status=OrganisationInvitation.Status.PENDING
    ).update(status=OrganisationInvitation.Status.REVOKED, answered_at=timezone.now())
    if not changed:
        raise InvitationError(_("Only a pending invitation can be revoked."))
    audit_record(
        actor=by,
        action="membership.invite_revoke",
        target=invitation.email,
        organisation=invitation.organisation_id,
    )


@transaction.atomic
def organisation_invitation_answer(
    *, invitation: OrganisationInvitation, user: User, accept: bool
) -> None:
    """The invited person says yes (and takes the role) or no."""
    now = timezone.now()
    invitation = (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != OrganisationInvitation.Status.PENDING:
        raise InvitationError(_("This invitation is no longer open."))
    if invitation.is_expired(now):
        raise InvitationError(_("This invitation has expired: ask for it to be sent again."))
    if not user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists():
        raise InvitationError(
            _("This invitation is for %(email)s: log in with that address.")
            % {"email": invitation.email}
        )
    if accept:
        current = invitation.organisation.memberships.filter(user=user).first()
        # An invitation never lowers a role the person already holds.
        if current is None or _rank(invitation.role) > _rank(current.role):
            try:
                membership_change(
                    organisation=invitation.organisation, user=user, role=invitation.role, by=user
                )
            except MembershipError as error:
                raise InvitationError(str(error)) from None
    invitation.status = (
        OrganisationInvitation.Status.ACCEPTED if accept else OrganisationInvitation.Status.DECLINED
    )
    invitation.answered_at = now
    invitation.answered_by = user
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    audit_record(
        actor=user,
        action="membership.invite_accept" if accept else "membership.invite_decline",
        target=invitation.email,
        organisation=invitation.organisation,
        role=invitation.role,
    )


def _rank(role: str) -> int:
    return [Membership.Role.TRAINEE, Membership.Role.TRAINER, Membership.Role.ORG_ADMIN].index(role)
