"""Nudges for something that just happened: recorded in the caller's
transaction, delivered once it commits."""

import datetime

from progress.models import Enrolment, Nudge
from progress.tasks import enqueue_delivery


def nudge_event(
    *,
    recipient_id: int,
    rule: str,
    subject: str,
    period: str,
    now: datetime.datetime,
    enrolment: Enrolment | None = None,
    milestone: str = "",
    submission=None,
) -> Nudge | None:
    """Records a nudge for something that just happened (inside the caller's
    transaction) and queues its delivery once that transaction commits."""

    nudge, created = Nudge.objects.get_or_create(
        recipient_id=recipient_id,
        rule=rule,
        subject=subject,
        period=period,
        defaults={
            "enrolment": enrolment,
            "milestone": milestone,
            "submission": submission,
            "not_before": now,
            "created_at": now,
        },
    )
    if created:
        enqueue_delivery([nudge.pk])
    return nudge if created else None
