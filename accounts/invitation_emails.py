"""The ledger of invitation e-mails, whoever sends them: the daily cap per address.

Cohort and organisation invitations alike write here when an e-mail leaves,
so one address never receives more than `INVITATION_EMAILS_PER_ADDRESS_PER_DAY`
invitations in a day, from anyone.
"""

import datetime
from collections.abc import Callable
from smtplib import SMTPException

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import InvitationEmail
from ediplomacy.lib.mail import send_templated

# How an invitation e-mail's task retries a mail server that is away: a few
# times, waiting longer each time; then the periodic sweep takes it up.
EMAIL_TASK = {
    "acks_late": True,
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 5,
}

# The sweep leaves an invitation this long to the task queued at its sending.
SWEEP_GRACE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 500


def invitation_emails_allowed(*, email: str, now: datetime.datetime) -> bool:
    """Whether `email` may receive one more invitation e-mail now: at most
    `INVITATION_EMAILS_PER_ADDRESS_PER_DAY` in any 24 hours, from anyone."""
    sent = InvitationEmail.objects.filter(
        email=email.lower(), sent_at__gt=now - datetime.timedelta(days=1)
    ).count()
    return sent < settings.INVITATION_EMAILS_PER_ADDRESS_PER_DAY


def invitation_email_record(*, email: str, now: datetime.datetime) -> None:
    InvitationEmail.objects.create(email=email.lower(), sent_at=now)


def invitation_email_send(
    *,
    pending: QuerySet,
    pk: int,
    template: str,
    url_name: str,
    token: Callable[[object], str],
    language: Callable[[object], str],
) -> bool:
    """E-mails the link of the pending invitation `pk` (a cohort's or an
    organisation's: `pending` is its model's pending invitations, with what
    the e-mail names already joined). Nothing for one answered or revoked
    meanwhile, and nothing yet when the address has had its day's invitations
    (the periodic sweep sends it later). Returns whether an e-mail left."""
    invitation = pending.filter(pk=pk).first()
    if invitation is None:
        return False
    now = timezone.now()
    if not invitation_emails_allowed(email=invitation.email, now=now):
        return False
    send_templated(
        template,
        {
            "invitation": invitation,
            "link": settings.SITE_URL + reverse(url_name, args=[token(invitation)]),
            "expires_at": invitation.expires_at(),
        },
        [invitation.email],
        language=language(invitation),
    )
    invitation_email_record(email=invitation.email, now=now)
    type(invitation).objects.filter(pk=invitation.pk).update(emailed_at=now)
    return True


def invitation_unsent_ids(pending: QuerySet) -> list[int]:
    """Pending invitations whose latest sending never reached the mail server
    (never e-mailed, or sent again since), a batch at a time."""
    return list(
        pending.filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=F("sent_at")))
        .filter(sent_at__lt=timezone.now() - SWEEP_GRACE)
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
