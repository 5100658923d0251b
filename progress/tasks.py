"""Celery tasks: thin wrappers that load rows by id and call one function."""

from smtplib import SMTPException

from celery import shared_task
from django.core import signing
from django.utils import timezone

from accounts.invitation_emails import EMAIL_TASK, invitation_email_send, invitation_unsent_ids
from accounts.models import mail_language
from ediplomacy.lib.queue import queue_after_commit
from progress.models import Invitation
from progress.nudges.delivery import BATCH, due_ids, nudges_deliver, release_stale
from progress.nudges.planner import nudges_plan

INVITATION_SALT = "progress.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


@shared_task(**EMAIL_TASK)
def send_invitation(invitation_id: int) -> bool:
    """E-mails a cohort invitation's link (see `invitation_email_send`), in the
    language chosen for the address when the trainer gave one."""
    return invitation_email_send(
        pending=_pending().select_related("cohort__organisation", "created_by"),
        pk=invitation_id,
        template="progress/email/invitation",
        url_name="progress:invitation",
        token=invitation_token,
        language=lambda invitation: mail_language(
            email=invitation.email,
            organisation=invitation.cohort.organisation,
            chosen=invitation.language,
        ),
    )


def enqueue_invitation(invitation_id: int) -> None:
    """Queues the invitation e-mail after commit; if the broker is away, the
    periodic sweep sends it later."""
    queue_after_commit(send_invitation, invitation_id)


@shared_task(acks_late=True)
def send_unsent_invitations() -> int:
    """Queues pending invitations whose latest sending never reached the mail server."""
    unsent = invitation_unsent_ids(_pending())
    for invitation_id in unsent:
        send_invitation.delay(invitation_id)
    return len(unsent)


def _pending():
    return Invitation.objects.filter(status=Invitation.Status.PENDING)


def enqueue_delivery(ids: list[int]) -> None:
    """Queues delivery once the current transaction commits.

    If the broker is down the rows stay pending and the periodic sweep sends
    them: a study action never fails because Redis is away.
    """
    queue_after_commit(deliver_nudges, ids)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def plan_nudges() -> dict:
    """Plans due nudges, then fans delivery out in chunks."""
    counts = nudges_plan(now=timezone.now())
    deliver_due_nudges.delay()
    return dict(counts)


@shared_task(acks_late=True)
def deliver_due_nudges() -> int:
    """Returns stale claims to the queue and fans the due rows (pending nudges and
    e-mails whose wait is over) out in chunks."""
    now = timezone.now()
    release_stale(now)
    due = due_ids(now, limit=5000)
    for start in range(0, len(due), BATCH):
        deliver_nudges.delay(due[start : start + BATCH])
    return len(due)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def deliver_nudges(self, ids: list[int]) -> dict:
    return dict(nudges_deliver(ids=ids))
