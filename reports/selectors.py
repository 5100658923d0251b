"""Completion reports: every figure from aggregate queries over the enrolment
snapshot, a fixed number of queries whatever the number of learners."""

import statistics
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q, QuerySet

from competences.models import Competence, Standing
from curriculum.models import RubricLevel
from progress.models import MILESTONE_FIELDS, CriterionMark, Enrolment, MilestoneAchievement
from progress.timemodel import CURRENT_PACES, Milestone, Pace

MILESTONE_STATES = {
    "on_time": [Pace.ACHIEVED_ON_TIME],
    "late": [Pace.ACHIEVED_LATE],
    "overdue": [Pace.OVERDUE],
    "pending": [Pace.AHEAD, Pace.ON_TRACK, Pace.AT_RISK, Pace.NOT_STARTED, Pace.PAUSED, ""],
}
PACES = CURRENT_PACES
STATUSES = [s for s, _ in Enrolment.Status.choices]


class Median(Aggregate):
    """PostgreSQL's exact median; other databases compute it from the values."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Filters:
    """Narrows enrolments already limited to what the person may see
    (`access.enrolments_visible`, which also takes the organisation)."""

    cohort: int | None = None
    started_from: object = None
    started_to: object = None
    status: str = ""
    pace: str = ""
    milestone: str = ""
    state: str = ""

    def apply(self, enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
        if self.cohort:
            enrolments = enrolments.filter(cohort_id=self.cohort)
        if self.started_from:
            enrolments = enrolments.filter(started_at__date__gte=self.started_from)
        if self.started_to:
            enrolments = enrolments.filter(started_at__date__lte=self.started_to)
        if self.status:
            enrolments = enrolments.filter(status=self.status)
        elif self.pace or (self.milestone and self.state):
            # As the figures count them: a figure's link lists its learners.
            enrolments = enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        if self.pace:
            enrolments = enrolments.filter(pace=self.pace)
        if self.milestone and self.state:
            column = MILESTONE_FIELDS[Milestone(self.milestone)]
            enrolments = enrolments.filter(**{f"{column}__in": MILESTONE_STATES[self.state]})
        return enrolments


@dataclass
class Headline:
    enrolled: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_pace: dict[str, int] = field(default_factory=dict)
    milestones: list[dict] = field(default_factory=list)
    competences: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "enrolled": self.enrolled,
            "status": self.by_status,
            "pace": self.by_pace,
            "milestones": {
                m["code"]: {key: m[key] for key in ("on_time", "late", "overdue", "pending")}
                | {"median_time_share": m["median"]}
                for m in self.milestones
            },
            "competences": {c["slug"]: c["demonstrated"] for c in self.competences},
        }


def _medians(enrolments: QuerySet[Enrolment]) -> dict[str, float | None]:
    current = enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
    achievements = MilestoneAchievement.objects.filter(
        enrolment__in=current.values("pk"), time_share__isnull=False
    )
    if connection.vendor == "postgresql":
        rows = achievements.values("milestone").annotate(median=Median("time_share"))
        return {row["milestone"]: row["median"] for row in rows}
    shares: dict[str, list[float]] = {}
    for milestone, share in achievements.values_list("milestone", "time_share"):
        shares.setdefault(milestone, []).append(share)
    return {milestone: statistics.median(values) for milestone, values in shares.items()}


def _counts() -> dict[str, Count]:
    """Every count of the headline, each over the enrolments of a group."""
    current = ~Q(status=Enrolment.Status.WITHDRAWN)
    counts = {"enrolled": Count("pk")}
    for status in STATUSES:
        counts[f"status_{status}"] = Count("pk", filter=Q(status=status))
    for pace in PACES:
        counts[f"pace_{pace.value}"] = Count("pk", filter=Q(pace=pace.value) & current)
    for milestone, column in MILESTONE_FIELDS.items():
        for state, values in MILESTONE_STATES.items():
            counts[f"{milestone.value}_{state}"] = Count(
                "pk", filter=Q(**{f"{column}__in": values}) & current
            )
    return counts


def _counts_by_cohort(enrolments: QuerySet[Enrolment]) -> list[dict]:
    """The headline's counts per cohort, in the comparison's order: one grouped scan."""
    return list(
        enrolments.order_by()
        .values("cohort_id", "cohort__name", "cohort__organisation__name")
        .annotate(**_counts())
        .order_by("cohort__organisation__name", "cohort__name")
    )


def _comparison_row(group: dict) -> dict:
    row = {
        "cohort_id": group["cohort_id"],
        "cohort__name": group["cohort__name"],
        "cohort__organisation__name": group["cohort__organisation__name"],
        "total": group["enrolled"] - group["status_withdrawn"],
        "completed": group["status_completed"],
    }
    row.update({f"pace_{pace.value}": group[f"pace_{pace.value}"] for pace in PACES})
    for milestone in MILESTONE_FIELDS:
        row[f"{milestone.value}_done"] = (
            group[f"{milestone.value}_on_time"] + group[f"{milestone.value}_late"]
        )
    return row


def report_figures(enrolments: QuerySet[Enrolment]) -> tuple["Headline", list[dict]]:
    """The headline and every cohort's comparison row from one grouped scan of
    the enrolments (the headline is the sum of the cohorts), plus the
    headline's medians, standings and competences: four queries."""
    groups = _counts_by_cohort(enrolments)
    totals = {key: sum(group[key] for group in groups) for key in _counts()}
    return _headline(enrolments, totals), [_comparison_row(group) for group in groups]


def report_headline(enrolments: QuerySet[Enrolment]) -> Headline:
    """Four queries: the counts, the medians, the competences, the standings."""
    return _headline(enrolments, enrolments.order_by().aggregate(**_counts()))


def _headline(enrolments: QuerySet[Enrolment], totals: dict[str, int]) -> Headline:
    current = ~Q(status=Enrolment.Status.WITHDRAWN)
    medians = _medians(enrolments)
    headline = Headline(enrolled=totals["enrolled"])
    headline.by_status = {status: totals[f"status_{status}"] for status in STATUSES}
    headline.by_pace = {pace.value: totals[f"pace_{pace.value}"] for pace in PACES}
    for milestone in MILESTONE_FIELDS:
        row = {state: totals[f"{milestone.value}_{state}"] for state in MILESTONE_STATES}
        median = medians.get(milestone.value)
        row.update(
            code=milestone.value,
            achieved=row["on_time"] + row["late"],
            median=round(median, 3) if median is not None else None,
        )
        headline.milestones.append(row)
    # A semi-join on the learners in scope, and one standing per learner and
    # competence (standing_one_per_user): counting rows counts learners, with
    # no DISTINCT over a join repeated per enrolment.
    demonstrated = dict(
        Standing.objects.filter(
            user_id__in=enrolments.filter(current).values("user_id"),
            state=Standing.State.DEMONSTRATED,
        )
        .order_by()
        .values_list("competence_id")
        .annotate(n=Count("pk"))
    )
    population = headline.enrolled - headline.by_status.get("withdrawn", 0)
    for competence in Competence.objects.order_by("order"):
        done = demonstrated.get(competence.pk, 0)
        headline.competences.append(
            {
                "slug": competence.slug,
                "name": competence.name,
                "demonstrated": done,
                "percent": round(100 * done / population) if population else 0,
            }
        )
    return headline


def cohort_comparison(enrolments: QuerySet[Enrolment], limit: int = 100) -> list[dict]:
    """Pace and milestone counts per cohort: one grouped query."""
    return [_comparison_row(group) for group in _counts_by_cohort(enrolments)[:limit]]


def organisation_rates(metric_milestone: Milestone = Milestone.E_LISTENER) -> dict[int, float]:
    """Each organisation's share of current learners who reached the milestone: one query."""
    column = MILESTONE_FIELDS[metric_milestone]
    rows = (
        Enrolment.objects.exclude(status=Enrolment.Status.WITHDRAWN)
        .filter(cohort__isnull=False)
        .values("cohort__organisation_id")
        .annotate(
            total=Count("pk"),
            done=Count(
                "pk", filter=Q(**{f"{column}__in": [Pace.ACHIEVED_ON_TIME, Pace.ACHIEVED_LATE]})
            ),
        )
    )
    return {
        row["cohort__organisation_id"]: row["done"] / row["total"] for row in rows if row["total"]
    }


LEARNER_ORDER = ("cohort__name", "user__display_name", "pk")


def learner_rows(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.select_related("user", "cohort__organisation").order_by(*LEARNER_ORDER)


def learner_page(enrolments: QuerySet[Enrolment], number, per_page: int = 50):
    """One page of `learner_rows`: the order and the cut on ids alone, then
    the page's rows with their user, cohort and organisation. Sorting 100,000
    narrow rows is a third of the cost of sorting the joined ones. Three
    queries: the count, the page's ids, its rows."""
    ids = enrolments.order_by(*LEARNER_ORDER).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    chosen = list(page.object_list)
    rows = {row.pk: row for row in learner_rows(Enrolment.objects.filter(pk__in=chosen))}
    page.object_list = [rows[pk] for pk in chosen if pk in rows]
    return page


# Programme order of a criterion: its stage, module, task, then its place in the rubric.
CRITERION_ORDER = (
    "criterion__activity__module__stage__order",
    "criterion__activity__module__order",
    "criterion__activity__order",
    "criterion__order",
)


def _level_counts() -> dict[str, Count]:
    return {level.value: Count("pk", filter=Q(level=level.value)) for level in RubricLevel}


def _marks_of(enrolments: QuerySet[Enrolment]) -> QuerySet[CriterionMark]:
    """The rubric marks of these enrolments' reviewed work (every review counts,
    a returned attempt as well as the accepted one)."""
    return CriterionMark.objects.filter(
        submission__enrolment__in=enrolments.order_by().values("pk")
    )


def criterion_totals(enrolments: QuerySet[Enrolment]) -> list[dict]:
    """How many marks each criterion got at each level over these enrolments,
    in programme order: one grouped query, at most a row per criterion."""
    return list(
        _marks_of(enrolments)
        .values("criterion_id", "criterion__name", "criterion__activity__title", *CRITERION_ORDER)
        .annotate(**_level_counts())
        .order_by(*CRITERION_ORDER)
    )


def criterion_results_by_cohort(enrolments: QuerySet[Enrolment]) -> QuerySet:
    """The same counts per cohort, cohort by cohort: one grouped query, for the CSV."""
    return (
        _marks_of(enrolments)
        .values(
            "submission__enrolment__cohort_id",
            "submission__enrolment__cohort__name",
            "criterion_id",
            "criterion__name",
            "criterion__activity__title",
            *CRITERION_ORDER,
        )
        .annotate(**_level_counts())
        .order_by(
            "submission__enrolment__cohort__name",
            "submission__enrolment__cohort_id",
            *CRITERION_ORDER,
        )
    )
