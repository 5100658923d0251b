"""The ledger of invitation e-mails, whoever sends them: the daily cap per address.

Cohort and organisation invitations alike write here when an e-mail leaves,
so one address never receives more than `INVITATION_EMAILS_PER_ADDRESS_PER_DAY`
invitations in a day, from anyone.
"""

import datetime

from django.conf import settings

from accounts.models import InvitationEmail


def invitation_emails_allowed(*, email: str, now: datetime.datetime) -> bool:
    """Whether `email` may receive one more invitation e-mail now: at most
    `INVITATION_EMAILS_PER_ADDRESS_PER_DAY` in any 24 hours, from anyone."""
    sent = InvitationEmail.objects.filter(
        email=email.lower(), sent_at__gt=now - datetime.timedelta(days=1)
    ).count()
    return sent < settings.INVITATION_EMAILS_PER_ADDRESS_PER_DAY


def invitation_email_record(*, email: str, now: datetime.datetime) -> None:
    InvitationEmail.objects.create(email=email.lower(), sent_at=now)
