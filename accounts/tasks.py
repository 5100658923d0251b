"""Celery tasks of accounts: thin wrappers that load rows by id and call one function."""

from celery import shared_task
from django.core import signing

from accounts.invitation_emails import EMAIL_TASK, invitation_email_send, invitation_unsent_ids
from accounts.models import OrganisationInvitation, mail_language
from ediplomacy.lib.queue import queue_after_commit

ORGANISATION_INVITATION_SALT = "accounts.organisation-invitation"


def organisation_invitation_token(invitation: OrganisationInvitation) -> str:
    return signing.dumps(invitation.pk, salt=ORGANISATION_INVITATION_SALT)


@shared_task(**EMAIL_TASK)
def send_organisation_invitation(invitation_id: int) -> bool:
    """E-mails the invitation link (see `invitation_email_send`)."""
    return invitation_email_send(
        pending=_pending().select_related("organisation", "created_by"),
        pk=invitation_id,
        template="accounts/email/organisation_invitation",
        url_name="accounts:invitation",
        token=organisation_invitation_token,
        language=lambda invitation: mail_language(
            email=invitation.email, organisation=invitation.organisation
        ),
    )


def enqueue_organisation_invitation(invitation_id: int) -> None:
    """Queues the e-mail after commit; if the broker is away, the sweep sends it."""
    queue_after_commit(send_organisation_invitation, invitation_id)


@shared_task(acks_late=True)
def send_unsent_organisation_invitations() -> int:
    """Queues pending invitations whose latest sending never reached the mail server."""
    unsent = invitation_unsent_ids(_pending())
    for invitation_id in unsent:
        send_organisation_invitation.delay(invitation_id)
    return len(unsent)


def _pending():
    return OrganisationInvitation.objects.filter(status=OrganisationInvitation.Status.PENDING)
