"""Celery tasks: thin wrappers that load rows by id and call one function."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.urls import reverse

from ediplomacy.lib.mail import send_templated
from progress.models import Invitation

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
    link = settings.SITE_URL + reverse("progress:invitation", args=[invitation_token(invitation)])
    send_templated(
        "progress/email/invitation",
        {"invitation": invitation, "link": link, "expires_at": invitation.expires_at()},
        [invitation.email],
    )
    return True
