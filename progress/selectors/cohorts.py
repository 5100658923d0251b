"""What trainers and organisation administrators see of their cohorts."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.access import Roles
from competences.models import Competence, Standing
from progress import charts, timemodel
from progress.assessments import assess_enrolments
from progress.models import MILESTONE_FIELDS, Cohort, Enrolment, Submission
from progress.timemodel import MILESTONE_LABELS, PACE_LABELS, PACE_ORDER, Pace


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
        return PACE_LABELS[self.pace]

    @property
    def pace_tone(self) -> str:
        if self.enrolment.status == Enrolment.Status.WITHDRAWN:
            return "neutral"
        return charts.PACE_TONES[self.pace]


def cohort_learners(*, enrolments: list[Enrolment], now: datetime.datetime) -> list[CohortLearner]:
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
                        "label": MILESTONE_LABELS[m.milestone],
                        "status": PACE_LABELS[m.status],
                        "tone": charts.PACE_TONES[m.status],
                        "due_at": m.due_at,
                        "achieved_at": m.achieved_at,
                    }
                    for m in assessment.milestones
                ],
                # A standing belongs to the person, not to this cohort: once
                # withdrawn, what they do next (perhaps elsewhere) is not shown.
                standings=[
                    _standing_cell(standings.get((enrolment.user_id, c.pk)), c)
                    if enrolment.status != Enrolment.Status.WITHDRAWN
                    else _withheld_cell(c)
                    for c in competences
                ],
            )
        )
    return rows


def _withheld_cell(competence: Competence) -> dict:
    return {"competence": competence.name, "shown": False, "label": _("not shown"), "level": 0}


def _standing_cell(standing: Standing | None, competence: Competence) -> dict:
    state = standing.state if standing else Standing.State.NOT_STARTED
    share = standing.share_done if standing else 0.0
    return {
        "competence": competence.name,
        "shown": True,
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
    "pace": gettext_lazy("Most worrying first"),
    "name": gettext_lazy("Name"),
    "activity": gettext_lazy("Least recently active first"),
}
# "Inactive" on the cohort page and in the trainer's digest.
INACTIVE_DAYS = 14


def cohort_rows(
    *,
    cohort: Cohort,
    now: datetime.datetime,
    sort: str = "pace",
    pace: str = "",
    status: str = "",
    inactive_days: int | None = None,
    show_withdrawn: bool = False,
) -> QuerySet[Enrolment]:
    """The cohort's enrolments, with their users, filtered and ordered in SQL.

    `pace` is a pace code and `status` an enrolment status, as in the
    report's filters; withdrawn learners are left out unless shown or asked for."""
    rows = Enrolment.objects.filter(cohort=cohort).select_related("user")
    if status:
        rows = rows.filter(status=status)
    elif not show_withdrawn:
        rows = rows.exclude(status=Enrolment.Status.WITHDRAWN)
    if pace:
        rows = rows.exclude(status=Enrolment.Status.WITHDRAWN).filter(pace=pace)
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
    # Most worrying first, in the time model's one order.
    severity = Case(
        *[When(pace=code.value, then=Value(rank)) for rank, code in enumerate(PACE_ORDER)],
        default=Value(len(PACE_ORDER)),
    )
    return rows.order_by(severity, name, "pk")


@dataclass
class CohortSummary:
    total: int = 0
    by_pace: dict[Pace, int] = field(default_factory=dict)
    milestones: list[dict] = field(default_factory=list)
    withdrawn: int = 0


def cohort_summary(*, cohort: Cohort) -> CohortSummary:
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
        summary.by_pace[pace] = totals[f"pace_{pace.value}"]
    for milestone in timemodel.Milestone:
        summary.milestones.append(
            {
                "label": MILESTONE_LABELS[milestone],
                "on_time": totals[f"{milestone.value}_{timemodel.Pace.ACHIEVED_ON_TIME.value}"],
                "late": totals[f"{milestone.value}_{timemodel.Pace.ACHIEVED_LATE.value}"],
                "overdue": totals[f"{milestone.value}_{timemodel.Pace.OVERDUE.value}"],
            }
        )
    return summary


def review_queue(*, user, roles: Roles) -> QuerySet[Submission]:
    """Practice work waiting for review in this person's cohorts, oldest first.
    A withdrawn learner's work waits out of the queue: it comes back if they
    are restored."""
    return (
        access.submissions_reviewable(user=user, roles=roles)
        .filter(status=Submission.Status.SUBMITTED)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .select_related("enrolment__user", "enrolment__cohort", "activity__module__stage")
        .order_by("created_at", "pk")
    )
