"""The time model applied to many enrolments at once, from aggregate queries.

Six queries for any number of enrolments: required work per programme and
horizon, completions counted per enrolment and horizon, achievements, pauses,
check-ins and approved alternative evidence. Cohort pages, reports and the
nudge planner all use it.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from curriculum.models import Activity
from progress import timemodel
from progress.models import (
    SNAPSHOT_FIELDS,
    AlternativeEvidence,
    Completion,
    Enrolment,
    FollowingCheckin,
    MilestoneAchievement,
    Pause,
)
from progress.state import following_is_stable


@dataclass(frozen=True)
class Assessed:
    enrolment: Enrolment
    assessment: timemodel.EnrolmentAssessment
    work: dict[timemodel.Milestone, timemodel.MilestoneWork]


def _live_activities():
    return Activity.objects.live().filter(module__stage__retired_at__isnull=True)


def assess_enrolments(
    enrolments: Sequence[Enrolment], now: datetime.datetime
) -> dict[int, Assessed]:
    ids = [e.pk for e in enrolments]
    programmes = {e.programme_id for e in enrolments}
    live = _live_activities().filter(module__stage__programme_id__in=programmes)
    per_horizon: dict[int, dict[str, int]] = defaultdict(dict)
    for programme_id, horizon, count in live.values_list(
        "module__stage__programme_id", "module__horizon"
    ).annotate(n=Count("id")):
        per_horizon[programme_id][horizon] = count
    done: dict[int, dict[str, int]] = defaultdict(dict)
    for enrolment_id, horizon, count in (
        Completion.objects.filter(enrolment_id__in=ids, activity__in=live)
        .values_list("enrolment_id", "activity__module__horizon")
        .annotate(n=Count("id"))
    ):
        done[enrolment_id][horizon] = count
    achieved: dict[int, dict[str, datetime.datetime]] = defaultdict(dict)
    for enrolment_id, milestone, at in MilestoneAchievement.objects.filter(
        enrolment_id__in=ids
    ).values_list("enrolment_id", "milestone", "achieved_at"):
        achieved[enrolment_id][milestone] = at
    pauses: dict[int, list[timemodel.Pause]] = defaultdict(list)
    for enrolment_id, started_at, ended_at in Pause.objects.filter(
        enrolment_id__in=ids
    ).values_list("enrolment_id", "started_at", "ended_at"):
        pauses[enrolment_id].append(timemodel.Pause(started_at, ended_at))
    checkins: dict[int, list] = defaultdict(list)
    for enrolment_id, day, followers in FollowingCheckin.objects.filter(
        enrolment_id__in=ids
    ).values_list("enrolment_id", "recorded_on", "followers"):
        checkins[enrolment_id].append((day, followers))
    alternative = set(
        AlternativeEvidence.objects.filter(
            enrolment_id__in=ids, status=AlternativeEvidence.Status.APPROVED
        ).values_list("enrolment_id", flat=True)
    )

    result = {}
    for enrolment in enrolments:
        work = timemodel.milestone_work(
            per_horizon[enrolment.programme_id],
            done[enrolment.pk],
            stable_following=following_is_stable(
                checkins[enrolment.pk],
                enrolment.length_days,
                alternative_approved=enrolment.pk in alternative,
            ),
            achieved=achieved[enrolment.pk],
        )
        facts = timemodel.EnrolmentFacts(
            enrolment.started_at, enrolment.length_days, pauses[enrolment.pk], work=work
        )
        result[enrolment.pk] = Assessed(enrolment, timemodel.assess(facts, now), work)
    return result


def snapshots_refresh(enrolments: Sequence[Enrolment], now: datetime.datetime) -> None:
    """Brings the snapshots of these enrolments up to date: six queries and one update."""
    if not enrolments:
        return
    assessed = assess_enrolments(enrolments, now)
    for enrolment in enrolments:
        enrolment.snapshot_apply(assessed[enrolment.pk].assessment, now)
    Enrolment.objects.bulk_update(enrolments, SNAPSHOT_FIELDS, batch_size=500)
