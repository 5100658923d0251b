"""The time model applied to many enrolments at once, from aggregate queries.

Five queries for any number of enrolments: required work per programme and
horizon, completions counted per enrolment and horizon, achievements, pauses
and check-ins. Cohort pages, reports and the nudge planner all use it.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from curriculum.models import HORIZON_ORDER, Activity, Horizon
from progress import timemodel
from progress.models import Completion, Enrolment, FollowingCheckin, MilestoneAchievement, Pause
from progress.state import MILESTONE_HORIZON, following_is_stable


@dataclass(frozen=True)
class Assessed:
    enrolment: Enrolment
    assessment: timemodel.EnrolmentAssessment
    work: dict[timemodel.Milestone, timemodel.MilestoneWork]


# The horizons whose work each milestone needs: a milestone needs its own and the earlier ones.
_INCLUDED = {
    milestone: [h for h in Horizon.values if HORIZON_ORDER[h] <= HORIZON_ORDER[horizon]]
    for milestone, horizon in MILESTONE_HORIZON.items()
}


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

    result = {}
    for enrolment in enrolments:
        required_by = per_horizon[enrolment.programme_id]
        work = {}
        for milestone, included in _INCLUDED.items():
            required = sum(required_by.get(h, 0) for h in included)
            finished = sum(done[enrolment.pk].get(h, 0) for h in included)
            if milestone is timemodel.Milestone.ACTIVE:
                required += 1
                finished += int(following_is_stable(checkins[enrolment.pk], enrolment.length_days))
            work[milestone] = timemodel.MilestoneWork(
                done=min(finished, required),
                required=required,
                achieved_at=achieved[enrolment.pk].get(milestone.value),
            )
        facts = timemodel.EnrolmentFacts(
            enrolment.started_at, enrolment.length_days, pauses[enrolment.pk], work=work
        )
        result[enrolment.pk] = Assessed(enrolment, timemodel.assess(facts, now), work)
    return result


# The snapshot column of each milestone's status.
MILESTONE_FIELDS = {
    timemodel.Milestone.ACQUAINTED: "acquainted",
    timemodel.Milestone.E_LISTENER: "e_listener",
    timemodel.Milestone.ACTIVE: "active_e_diplomat",
}
SNAPSHOT_FIELDS = ["pace", *MILESTONE_FIELDS.values(), "assessed_at"]


def apply_snapshot(enrolment: Enrolment, assessed: Assessed, now: datetime.datetime) -> None:
    """Copies the assessment onto the enrolment's snapshot fields (not saved)."""
    enrolment.pace = assessed.assessment.pace.value
    for item in assessed.assessment.milestones:
        setattr(enrolment, item.milestone.value, item.status.value)
    enrolment.assessed_at = now


def snapshots_refresh(enrolments: Sequence[Enrolment], now: datetime.datetime) -> None:
    """Brings the snapshots of these enrolments up to date: five queries and one update."""
    if not enrolments:
        return
    assessed = assess_enrolments(enrolments, now)
    for enrolment in enrolments:
        apply_snapshot(enrolment, assessed[enrolment.pk], now)
    Enrolment.objects.bulk_update(enrolments, SNAPSHOT_FIELDS, batch_size=500)
