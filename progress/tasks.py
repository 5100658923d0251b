"""Celery tasks: thin wrappers that load rows by id and call one function."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.invitation_emails import invitation_email_record, invitation_emails_allowed
from accounts.models import mail_language
from ediplomacy.lib.mail import send_templated
from ediplomacy.lib.queue import queue_after_commit
from progress.models import Invitation
from progress.nudges.delivery import BATCH, due_ids, nudges_deliver, release_stale
from progress.nudges.planner import nudges_plan

INVITATION_SALT = "progress.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_invitation(invitation_id: int) -> bool:
    """E-mails an invitation link; does nothing for one revoked or accepted meanwhile."""
    invitation = (
        Invitation.objects.select_related("cohort__organisation", "created_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return False
    now = timezone.now()
    if not invitation_emails_allowed(email=invitation.email, now=now):
        return False  # the address has had its day's invitations: the sweep sends it later
    link = settings.SITE_URL + reverse("progress:invitation", args=[invitation_token(invitation)])
    send_templated(
        "progress/email/invitation",
        {"invitation": invitation, "link": link, "expires_at": invitation.expires_at()},
        [invitation.email],
        language=mail_language(
            email=invitation.email,
            organisation=invitation.cohort.organisation,
            chosen=invitation.language,
        ),
    )
    invitation_email_record(email=invitation.email, now=now)
    Invitation.objects.filter(pk=invitation.pk).update(emailed_at=now)
    return True


def enqueue_invitation(invitation_id: int) -> None:
    """Queues the invitation e-mail after commit; if the broker is away, the
    periodic sweep sends it later."""
    queue_after_commit(send_invitation, invitation_id)


@shared_task(acks_late=True)
def send_unsent_invitations() -> int:
    """Queues pending invitations whose latest sending never reached the mail server."""
    unsent = list(
        Invitation.objects.filter(status=Invitation.Status.PENDING)
        .filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=F("sent_at")))
        .filter(sent_at__lt=timezone.now() - datetime.timedelta(minutes=2))
        .values_list("pk", flat=True)[:500]
    )
    for invitation_id in unsent:
        send_invitation.delay(invitation_id)
    return len(unsent)


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
