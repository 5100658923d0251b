"""What trainers and organisation administrators see of their cohorts."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404

from accounts.selectors import Roles
from competences.models import Competence, Standing
from progress import charts, timemodel
from progress.assessments import MILESTONE_FIELDS, assess_enrolments, snapshots_refresh
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


def cohort_learners(enrolments: list[Enrolment], now: datetime.datetime) -> list[CohortLearner]:
    """These enrolments (a page of a cohort, with their users) with their live
    pace, milestones and standings: seven queries whatever their number
    (competences, standings and the five of `assess_enrolments`)."""
    competences = list(Competence.objects.order_by("order"))
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


# The cohort page sorts, filters and counts on the enrolment snapshot (pace
# and the three milestones), which every service write refreshes and the
# planner brings up to date every 15 minutes; only the page shown is assessed
# live. A learner whose pace changed with the mere passing of time may sit one
# place off in the order until the next planner run.
SORT_LABELS = {
    "pace": "Most worrying first",
    "name": "Name",
    "activity": "Least recently active first",
}
# "Inactive" on the cohort page and in the trainer's digest.
INACTIVE_DAYS = 14
PACE_BY_LABEL = {label: pace.value for pace, label in charts.PACE_LABELS.items()}


def cohort_snapshots_complete(cohort: Cohort, now: datetime.datetime) -> None:
    """Assesses the cohort's enrolments that never were (written in bulk, or
    before snapshots existed): one query when there are none."""
    unassessed = list(Enrolment.objects.filter(cohort=cohort, assessed_at__isnull=True))
    if unassessed:
        snapshots_refresh(unassessed, now)


def cohort_rows(
    cohort: Cohort,
    now: datetime.datetime,
    *,
    sort: str = "pace",
    status: str = "",
    inactive_days: int | None = None,
    show_withdrawn: bool = False,
) -> QuerySet[Enrolment]:
    """The cohort's enrolments, with their users, filtered and ordered in SQL."""
    rows = Enrolment.objects.filter(cohort=cohort).select_related("user")
    if not show_withdrawn:
        rows = rows.exclude(status=Enrolment.Status.WITHDRAWN)
    if status == "withdrawn":
        rows = rows.filter(status=Enrolment.Status.WITHDRAWN)
    elif status:
        rows = rows.exclude(status=Enrolment.Status.WITHDRAWN).filter(
            pace=PACE_BY_LABEL.get(status, "-")
        )
    last_active = Coalesce("last_activity_at", "started_at")
    if inactive_days is not None:
        rows = rows.annotate(last_active=last_active).filter(
            last_active__lt=now - datetime.timedelta(days=inactive_days)
        )
    name = Lower(Coalesce(NullIf("user__display_name", Value("")), "user__email"))
    if sort == "name":
        return rows.order_by(name, "pk")
    if sort == "activity":
        return rows.order_by(last_active, name, "pk")
    severity = Case(
        *[When(pace=pace.value, then=Value(index)) for index, pace in enumerate(PACE_SEVERITY)],
        default=Value(len(PACE_SEVERITY)),
    )
    return rows.order_by(severity, name, "pk")


@dataclass
class CohortSummary:
    total: int = 0
    by_pace: dict[str, int] = field(default_factory=dict)
    milestones: list[dict] = field(default_factory=list)
    withdrawn: int = 0


def cohort_summary(cohort: Cohort) -> CohortSummary:
    """The cohort's counts by pace and milestone, from the snapshot: one query."""
    current = ~Q(status=Enrolment.Status.WITHDRAWN)
    counts = {
        "current": Count("pk", filter=current),
        "withdrawn": Count("pk", filter=~current),
    }
    for pace in timemodel.CURRENT_PACES:
        counts[f"pace_{pace.value}"] = Count("pk", filter=current & Q(pace=pace.value))
    for milestone, column in MILESTONE_FIELDS.items():
        for state in (
            timemodel.Pace.ACHIEVED_ON_TIME,
            timemodel.Pace.ACHIEVED_LATE,
            timemodel.Pace.OVERDUE,
        ):
            counts[f"{milestone.value}_{state.value}"] = Count(
                "pk", filter=current & Q(**{column: state.value})
            )
    totals = Enrolment.objects.filter(cohort=cohort).order_by().aggregate(**counts)
    summary = CohortSummary(total=totals["current"], withdrawn=totals["withdrawn"])
    for pace in timemodel.CURRENT_PACES:
        summary.by_pace[charts.PACE_LABELS[pace]] = totals[f"pace_{pace.value}"]
    for milestone in timemodel.Milestone:
        summary.milestones.append(
            {
                "label": charts.MILESTONE_LABELS[milestone],
                "on_time": totals[f"{milestone.value}_{timemodel.Pace.ACHIEVED_ON_TIME.value}"],
                "late": totals[f"{milestone.value}_{timemodel.Pace.ACHIEVED_LATE.value}"],
                "overdue": totals[f"{milestone.value}_{timemodel.Pace.OVERDUE.value}"],
            }
        )
    return summary


def review_queue(user, roles: Roles) -> QuerySet[Submission]:
    """Practice work waiting for review in this user's cohorts, oldest first.
    A withdrawn learner's work waits out of the queue: it comes back if they
    are restored."""
    cohorts = cohorts_visible_to(user, roles).values("pk")
    return (
        Submission.objects.filter(status=Submission.Status.SUBMITTED, enrolment__cohort__in=cohorts)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
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
