"""The trainer's weekly digest: each cohort as its page shows it."""

import datetime

from django.utils.translation import gettext as _

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
        # In the recipient's language: delivery runs it under their language.
        lines.append(
            _(
                "%(cohort)s: %(total)s learners; %(at_risk)s at risk, %(overdue)s overdue, "
                "%(inactive)s inactive for %(days)s days; %(waiting)s submissions waiting "
                "for review."
            )
            % {
                "cohort": cohort.name,
                "total": summary.total,
                "at_risk": summary.by_pace[Pace.AT_RISK],
                "overdue": summary.by_pace[Pace.OVERDUE],
                "inactive": inactive,
                "days": INACTIVE_DAYS,
                "waiting": waiting,
            }
        )
    if not lines:
        raise Skip("no active cohort")
    return {"lines": lines}
