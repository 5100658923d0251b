"""Reads for pages and reports, each within a fixed number of queries."""

from progress.selectors.cohorts import (
    CohortLearner,
    CohortSummary,
    cohort_learners,
    cohort_rows,
    cohort_summary,
    review_queue,
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
    "cohort_learners",
    "cohort_rows",
    "cohort_summary",
    "learner_dashboard",
    "learner_progress",
    "review_queue",
]
