"""What trainers and organisation administrators see of their cohorts."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.selectors import Roles
from competences.models import Competence, Standing
from progress import charts, timemodel
from progress.assessments import assess_enrolments
from progress.models import Cohort, Enrolment, Submission

# Trainers look at the most worrying learners first.
PACE_SEVERITY = [
    timemodel.Pace.OVERDUE,
    timemodel.Pace.AT_RISK,
    timemodel.Pace.PAUSED,
    timemodel.Pace.NOT_STARTED,
    timemodel.Pace.ON_TRACK,
    timemodel.Pace.AHEAD,
    timemodel.Pace.ACHIEVED_LATE,
    timemodel.Pace.ACHIEVED_ON_TIME,
]


def cohorts_visible_to(user, roles: Roles) -> QuerySet[Cohort]:
    """Staff see every cohort; an org admin their organisation's; a trainer theirs."""
    cohorts = Cohort.objects.select_related("organisation", "programme")
    if roles.is_staff:
        return cohorts
    return cohorts.filter(Q(organisation_id__in=roles.admin_of) | Q(trainers=user)).distinct()


def cohort_for(user, roles: Roles, pk: int) -> Cohort:
    """The cohort, if this user may see it; 404 otherwise (never "forbidden")."""
    cohort = cohorts_visible_to(user, roles).filter(pk=pk).first()
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def enrolment_for_trainer(user, roles: Roles, cohort: Cohort, pk: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(pk=pk, cohort=cohort).select_related("user", "programme").first()
    )
    if enrolment is None:
        raise Http404("No such learner in this cohort.")
    return enrolment


@dataclass
class CohortLearner:
    enrolment: Enrolment
    pace: timemodel.Pace
    next_milestone: timemodel.Milestone | None
    milestones: list[dict]
    standings: list[dict]

    @property
    def user(self):
        return self.enrolment.user

    @property
    def pace_label(self) -> str:
        if self.enrolment.status == Enrolment.Status.WITHDRAWN:
            return "withdrawn"
        return charts.PACE_LABELS[self.pace]

    @property
    def pace_tone(self) -> str:
        if self.enrolment.status == Enrolment.Status.WITHDRAWN:
            return "neutral"
        return charts.PACE_TONES[self.pace]

    @property
    def severity(self) -> int:
        return PACE_SEVERITY.index(self.pace)

    def inactive_since(self, now: datetime.datetime, days: int) -> bool:
        last = self.enrolment.last_activity_at or self.enrolment.started_at
        return now - last > datetime.timedelta(days=days)


def cohort_learners(cohort: Cohort, now: datetime.datetime) -> list[CohortLearner]:
    """Every learner of the cohort with their pace, milestones and standings.

    Eight queries whatever the cohort's size: competences, enrolments with
    their users, standings, and the five of `assess_enrolments`.
    """
    competences = list(Competence.objects.order_by("order"))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("user")
        .order_by("user__display_name")
    )
    assessed = assess_enrolments(enrolments, now)
    standings: dict[tuple[int, int], Standing] = {
        (s.user_id, s.competence_id): s
        for s in Standing.objects.filter(user_id__in=[e.user_id for e in enrolments])
    }
    rows = []
    for enrolment in enrolments:
        assessment = assessed[enrolment.pk].assessment
        rows.append(
            CohortLearner(
                enrolment=enrolment,
                pace=assessment.pace,
                next_milestone=assessment.next_milestone,
                milestones=[
                    {
                        "label": charts.MILESTONE_LABELS[m.milestone],
                        "status": charts.PACE_LABELS[m.status],
                        "tone": charts.PACE_TONES[m.status],
                        "due_at": m.due_at,
                        "achieved_at": m.achieved_at,
                    }
                    for m in assessment.milestones
                ],
                standings=[
                    _standing_cell(standings.get((enrolment.user_id, c.pk)), c) for c in competences
                ],
            )
        )
    return rows


def _standing_cell(standing: Standing | None, competence: Competence) -> dict:
    state = standing.state if standing else Standing.State.NOT_STARTED
    share = standing.share_done if standing else 0.0
    return {
        "competence": competence.name,
        "state": state,
        "label": Standing.State(state).label,
        "percent": round(100 * share),
        # Five shades, so the heatmap reads at a glance.
        "level": 4 if state == Standing.State.DEMONSTRATED else min(3, int(share * 4)),
    }


@dataclass
class CohortSummary:
    total: int = 0
    by_pace: dict[str, int] = field(default_factory=dict)
    milestones: list[dict] = field(default_factory=list)
    withdrawn: int = 0


def cohort_summary(rows: list[CohortLearner]) -> CohortSummary:
    """Counts from the rows `cohort_learners` already computed: no query."""
    summary = CohortSummary()
    current = [row for row in rows if row.enrolment.status != Enrolment.Status.WITHDRAWN]
    summary.total = len(current)
    summary.withdrawn = len(rows) - len(current)
    pace_order = [
        timemodel.Pace.AHEAD,
        timemodel.Pace.ON_TRACK,
        timemodel.Pace.AT_RISK,
        timemodel.Pace.OVERDUE,
        timemodel.Pace.PAUSED,
    ]
    for pace in pace_order:
        summary.by_pace[charts.PACE_LABELS[pace]] = sum(1 for r in current if r.pace == pace)
    for index, milestone in enumerate(timemodel.Milestone):
        statuses = [row.milestones[index]["status"] for row in current]
        summary.milestones.append(
            {
                "label": charts.MILESTONE_LABELS[milestone],
                "on_time": statuses.count("achieved on time"),
                "late": statuses.count("achieved late"),
                "overdue": statuses.count("overdue"),
            }
        )
    return summary


def review_queue(user, roles: Roles) -> QuerySet[Submission]:
    """Practice work waiting for review in this user's cohorts, oldest first."""
    cohorts = cohorts_visible_to(user, roles).values("pk")
    return (
        Submission.objects.filter(status=Submission.Status.SUBMITTED, enrolment__cohort__in=cohorts)
        .select_related("enrolment__user", "enrolment__cohort", "activity__module__stage")
        .order_by("created_at", "pk")
    )


def submission_for_reviewer(user, roles: Roles, pk: int) -> Submission:
    cohorts = cohorts_visible_to(user, roles).values("pk")
    submission = (
        Submission.objects.filter(pk=pk, enrolment__cohort__in=cohorts)
        .select_related(
            "enrolment__user", "enrolment__cohort", "activity__module__stage", "reviewed_by"
        )
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission
