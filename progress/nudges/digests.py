"""The trainer's weekly digest: each cohort as its page shows it."""

import datetime

from accounts import access
from progress.models import Nudge, Submission
from progress.nudges.delivery import Skip
from progress.selectors.cohorts import INACTIVE_DAYS, cohort_rows, cohort_summary
from progress.timemodel import Pace


def trainer_digest(nudge: Nudge, now: datetime.datetime) -> dict:
    """The cohorts the recipient trains today, with the same snapshot counts
    as their pages: a few queries per cohort."""
    cohorts = access.cohorts_trained(user=nudge.recipient).filter(archived_at__isnull=True)
    lines = []
    for cohort in cohorts:
        summary = cohort_summary(cohort=cohort)
        inactive = cohort_rows(cohort=cohort, now=now, inactive_days=INACTIVE_DAYS).count()
        waiting = Submission.objects.filter(
            enrolment__cohort=cohort, status=Submission.Status.SUBMITTED
        ).count()
        lines.append(
            f"{cohort.name}: {summary.total} learners; {summary.by_pace[Pace.AT_RISK]} at risk, "
            f"{summary.by_pace[Pace.OVERDUE]} overdue, {inactive} inactive for {INACTIVE_DAYS} "
            f"days; {waiting} submissions waiting for review."
        )
    if not lines:
        raise Skip("no active cohort")
    return {"lines": lines}
