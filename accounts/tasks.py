"""Celery tasks of accounts: thin wrappers that load rows by id and call one function."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.invitation_emails import invitation_email_record, invitation_emails_allowed
from accounts.models import OrganisationInvitation, mail_language
from ediplomacy.lib.mail import send_templated
from ediplomacy.lib.queue import queue_after_commit

ORGANISATION_INVITATION_SALT = "accounts.organisation-invitation"


def organisation_invitation_token(invitation: OrganisationInvitation) -> str:
    return signing.dumps(invitation.pk, salt=ORGANISATION_INVITATION_SALT)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_organisation_invitation(invitation_id: int) -> bool:
    """E-mails the invitation link; nothing for one answered or revoked meanwhile,
    and nothing yet when the address has had its day's invitations (the
    periodic sweep sends it later)."""
    invitation = (
        OrganisationInvitation.objects.select_related("organisation", "created_by")
        .filter(pk=invitation_id, status=OrganisationInvitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return False
    now = timezone.now()
    if not invitation_emails_allowed(email=invitation.email, now=now):
        return False
    link = settings.SITE_URL + reverse(
        "accounts:invitation", args=[organisation_invitation_token(invitation)]
    )
    send_templated(
        "accounts/email/organisation_invitation",
        {"invitation": invitation, "link": link, "expires_at": invitation.expires_at()},
        [invitation.email],
        language=mail_language(email=invitation.email, organisation=invitation.organisation),
    )
    invitation_email_record(email=invitation.email, now=now)
    OrganisationInvitation.objects.filter(pk=invitation.pk).update(emailed_at=now)
    return True


def enqueue_organisation_invitation(invitation_id: int) -> None:
    """Queues the e-mail after commit; if the broker is away, the sweep sends it."""
    queue_after_commit(send_organisation_invitation, invitation_id)


@shared_task(acks_late=True)
def send_unsent_organisation_invitations() -> int:
    """Queues pending invitations whose latest sending never reached the mail server."""
    unsent = list(
        OrganisationInvitation.objects.filter(status=OrganisationInvitation.Status.PENDING)
        .filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=F("sent_at")))
        .filter(sent_at__lt=timezone.now() - datetime.timedelta(minutes=2))
        .values_list("pk", flat=True)[:500]
    )
    for invitation_id in unsent:
        send_organisation_invitation.delay(invitation_id)
    return len(unsent)
