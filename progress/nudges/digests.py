"""The trainer's weekly digest: each cohort as its page shows it."""

import datetime

from accounts.selectors import user_roles
from progress.models import Nudge, Submission
from progress.nudges.delivery import Skip
from progress.selectors.cohorts import (
    INACTIVE_DAYS,
    cohort_rows,
    cohort_summary,
    cohorts_visible_to,
)


def trainer_digest(nudge: Nudge, now: datetime.datetime) -> dict:
    """The same snapshot counts as the cohort pages, a few queries per cohort."""
    trainer = nudge.recipient
    cohorts = cohorts_visible_to(trainer, user_roles(trainer)).filter(
        archived_at__isnull=True, trainers=trainer
    )
    lines = []
    for cohort in cohorts:
        summary = cohort_summary(cohort)
        inactive = cohort_rows(cohort, now, inactive_days=INACTIVE_DAYS).count()
        waiting = Submission.objects.filter(
            enrolment__cohort=cohort, status=Submission.Status.SUBMITTED
        ).count()
        lines.append(
            f"{cohort.name}: {summary.total} learners; {summary.by_pace['at risk']} at risk, "
            f"{summary.by_pace['overdue']} overdue, {inactive} inactive for {INACTIVE_DAYS} "
            f"days; {waiting} submissions waiting for review."
        )
    if not lines:
        raise Skip("no active cohort")
    return {"lines": lines}
