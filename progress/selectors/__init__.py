"""Reads for pages and reports, each within a fixed number of queries."""

from progress.selectors.cohorts import (
    CohortLearner,
    CohortSummary,
    cohort_for,
    cohort_learners,
    cohort_rows,
    cohort_snapshots_complete,
    cohort_summary,
    cohorts_visible_to,
    enrolment_for_trainer,
    review_queue,
    submission_for_reviewer,
)
from progress.selectors.learner import (
    Dashboard,
    activity_detail,
    learner_dashboard,
    learner_progress,
)

__all__ = [
    "CohortLearner",
    "CohortSummary",
    "Dashboard",
    "activity_detail",
    "cohort_for",
    "cohort_learners",
    "cohort_rows",
    "cohort_snapshots_complete",
    "cohort_summary",
    "cohorts_visible_to",
    "enrolment_for_trainer",
    "learner_dashboard",
    "learner_progress",
    "review_queue",
    "submission_for_reviewer",
]
