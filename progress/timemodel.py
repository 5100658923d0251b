"""The day / month / year time model: dates and counts in, decisions out.

The essay's timeframes are not literal: they fix the ratio 1 : 30 : 365. An
enrolment of length L days therefore has three horizons, all counted from its
start: a *day* of L/365 days, a *month* of 30·L/365 days and a *year* of L
days. Each horizon closes one milestone (acquainted, e-listener, active
e-diplomat).

Time spent paused does not count. The model measures *active time*: wall-clock
time since the start minus the paused time elapsed up to ``now`` (an open pause
counts until ``now``; pauses in the future count for nothing yet). A milestone
is due when its horizon's worth of active time has passed, which is start +
horizon + the paused time that fell before that moment. A pause that begins
after a milestone was already due does not move it: the learner was already
late, or already done.

A milestone needs its own horizon's work and all the earlier horizons' work,
but the earlier work is due by its own, earlier, date. So pace compares, for a
pending milestone, the work done with what the standard schedule expects by
now: each earlier horizon's work by its due date, and the milestone's own work
spread evenly over its own stretch (from the previous horizon to its own).
The projected finishing date extends the rate of the milestone's own work over
its stretch, once there is enough evidence for one (a share of the stretch
elapsed and a share of the own work done), never sooner than work that counts
only on distinct days allows. Everything is judged as known at ``now``: an
achievement dated after ``now`` has not happened yet.

No Django and no database: callers pass facts and an aware ``now``. Every
moment is read in UTC: arithmetic on datetimes of one local zone follows the
wall clock, which would make a day 23 or 25 hours long across a
daylight-saving change.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import pgettext_lazy

STANDARD_YEAR_DAYS = 365

# Pace compares the work done with what the standard schedule expects by now,
# the gap measured as a share of the milestone's own work (see `assess`).
# Work arrives in lumps (finishing a module completes several activities at
# once), so small gaps are noise. Praise needs a clear
# lead; a warning needs a wider gap still, because AT_RISK draws a trainer's
# attention and triggers nudges, and a false alarm costs more than a missed
# compliment.
AHEAD_MARGIN = 0.15
AT_RISK_TOLERANCE = 0.2

# A rate read from too little evidence is noise: an hour after starting, one
# module finished in a sitting would project the finish for today. A date is
# projected only once a tenth of the milestone's horizon has passed (about
# three days of the month, five weeks of the year) and a fifth of its work is
# done; until then a page says what is due and when.
PROJECTION_MIN_ELAPSED_SHARE = 0.1
PROJECTION_MIN_WORK_SHARE = 0.2

# "Monthly" check-ins are taken by people, not cron: one a few days early is
# still the next month's reading. A quarter of a month early is the most we
# accept before two readings describe the same month.
CHECKIN_SPACING_TOLERANCE = 0.75
# Three readings span two month-long intervals: the smallest run that shows a
# trend rather than a single comparison.
STABLE_FOLLOWING_MIN_CHECKINS = 3


class Milestone(enum.StrEnum):
    ACQUAINTED = "acquainted"
    E_LISTENER = "e_listener"
    ACTIVE = "active_e_diplomat"

    @property
    def label(self) -> str:
        return MILESTONE_LABELS[self]


MILESTONE_LABELS: dict[Milestone, str] = {
    Milestone.ACQUAINTED: pgettext_lazy("milestone", "Acquainted"),
    Milestone.E_LISTENER: pgettext_lazy("milestone", "e-Listener"),
    Milestone.ACTIVE: pgettext_lazy("milestone", "Active e-diplomat"),
}

# The curriculum horizon (`curriculum.models.Horizon`) whose modules each
# milestone closes, in the programme's order: a milestone needs the work of
# its own horizon and of every earlier one.
MILESTONE_HORIZONS: dict[Milestone, str] = {
    Milestone.ACQUAINTED: "day",
    Milestone.E_LISTENER: "month",
    Milestone.ACTIVE: "year",
}
# The milestone that also needs a stable following, beyond its activities.
FOLLOWING_MILESTONE = Milestone.ACTIVE


# Days per horizon in the standard 365-day programme; other lengths scale.
_STANDARD_HORIZON_DAYS: dict[Milestone, int] = {
    Milestone.ACQUAINTED: 1,
    Milestone.E_LISTENER: 30,
    Milestone.ACTIVE: STANDARD_YEAR_DAYS,
}


class Pace(enum.StrEnum):
    NOT_STARTED = "not_started"
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    PAUSED = "paused"
    ACHIEVED_ON_TIME = "achieved_on_time"
    ACHIEVED_LATE = "achieved_late"

    @property
    def label(self) -> str:
        return PACE_LABELS[self]


# Lower case: pages put them inside sentences, and capitalise them in lists.
# Translated when shown (lazily): the time model itself never reads them.
PACE_LABELS: dict[Pace, str] = {
    Pace.NOT_STARTED: pgettext_lazy("pace", "not started"),
    Pace.AHEAD: pgettext_lazy("pace", "ahead"),
    Pace.ON_TRACK: pgettext_lazy("pace", "on track"),
    Pace.AT_RISK: pgettext_lazy("pace", "at risk"),
    Pace.OVERDUE: pgettext_lazy("pace", "overdue"),
    Pace.PAUSED: pgettext_lazy("pace", "paused"),
    Pace.ACHIEVED_ON_TIME: pgettext_lazy("pace", "achieved on time"),
    Pace.ACHIEVED_LATE: pgettext_lazy("pace", "achieved late"),
}

# Worst first: the order in which a trainer looks at learners, and the scale
# on which "better" and "worse" are judged (`pace_rank`). Every pending pace
# comes before both settled ones: a late achievement is over, and nothing the
# learner or a trainer does now changes it, whereas a learner who has not
# started, or is on track, can still slip. Achieved late stays just behind
# achieved on time, so finishing on time still ranks best. It also ranks above
# PAUSED, which can hide a milestone that was overdue before the pause:
# finishing that milestone, even late, must never read as a step back.
PACE_ORDER: tuple[Pace, ...] = (
    Pace.OVERDUE,
    Pace.AT_RISK,
    Pace.PAUSED,
    Pace.NOT_STARTED,
    Pace.ON_TRACK,
    Pace.AHEAD,
    Pace.ACHIEVED_LATE,
    Pace.ACHIEVED_ON_TIME,
)


# The paces a current learner is counted under in summaries, in display order.
CURRENT_PACES: tuple[Pace, ...] = (
    Pace.AHEAD,
    Pace.ON_TRACK,
    Pace.AT_RISK,
    Pace.OVERDUE,
    Pace.PAUSED,
)


def pace_rank(pace: Pace) -> int:
    """0 for the best pace; higher is worse (`PACE_ORDER` read from its end)."""
    return len(PACE_ORDER) - 1 - PACE_ORDER.index(pace)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


def _utc(value: datetime, name: str) -> datetime:
    """`value` in UTC, so durations are elapsed time, never wall-clock time."""
    _require_aware(value, name)
    return value.astimezone(UTC)


def _require_length(length_days: int) -> None:
    if length_days < 1:
        raise ValueError(f"length_days must be at least 1, got {length_days!r}")


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None = None  # None: still paused

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _utc(self.start, "Pause.start"))
        if self.end is not None:
            object.__setattr__(self, "end", _utc(self.end, "Pause.end"))
            if self.end < self.start:
                raise ValueError(f"Pause ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class MilestoneWork:
    done: int
    required: int
    achieved_at: datetime | None = None
    # Days after today on which work must still be logged, because it counts
    # only on distinct days (the listening habit): no rate finishes sooner.
    days_to_go: int = 0
    # The part of `done` and `required` that belongs to earlier milestones'
    # horizons: the schedule expects it by their own due dates.
    done_before: int = 0
    required_before: int = 0

    def __post_init__(self) -> None:
        if self.done < 0 or self.required < 0:
            raise ValueError(f"work counts cannot be negative: {self.done}/{self.required}")
        if not 0 <= self.required_before <= self.required:
            raise ValueError(
                f"earlier work {self.required_before} must lie within {self.required} required"
            )
        if not 0 <= self.done_before <= min(self.done, self.required_before):
            raise ValueError(
                f"earlier work done {self.done_before} must lie within {self.done} done "
                f"and {self.required_before} required before"
            )
        if self.days_to_go < 0:
            raise ValueError(f"days_to_go cannot be negative: {self.days_to_go}")
        if self.achieved_at is not None:
            achieved_at = _utc(self.achieved_at, "MilestoneWork.achieved_at")
            object.__setattr__(self, "achieved_at", achieved_at)


def horizons_needed(milestone: Milestone) -> tuple[str, ...]:
    """The curriculum horizons whose work `milestone` needs: its own and the earlier ones."""
    order = list(MILESTONE_HORIZONS)
    return tuple(MILESTONE_HORIZONS[item] for item in order[: order.index(milestone) + 1])


def milestone_work(
    required: Mapping[str, int],
    done: Mapping[str, int],
    *,
    stable_following: bool,
    achieved: Mapping[Milestone, datetime] | None = None,
) -> dict[Milestone, MilestoneWork]:
    """Each milestone's work, from activity counts per curriculum horizon.

    `required` counts the programme's live activities per horizon and `done`
    the learner's completions among them. A milestone needs the activities of
    its own horizon and of every earlier one; the year also needs a stable
    following, which counts as one more item of work. `achieved` gives the
    moment each milestone was reached, when it was.
    """
    achieved = achieved or {}
    work = {}
    for milestone in Milestone:
        *earlier, own = horizons_needed(milestone)
        required_before = sum(required.get(h, 0) for h in earlier)
        done_before = sum(min(done.get(h, 0), required.get(h, 0)) for h in earlier)
        required_count = required_before + required.get(own, 0)
        done_count = done_before + min(done.get(own, 0), required.get(own, 0))
        if milestone is FOLLOWING_MILESTONE:
            required_count += 1
            done_count += int(stable_following)
        work[milestone] = MilestoneWork(
            done=done_count,
            required=required_count,
            achieved_at=achieved.get(milestone),
            done_before=done_before,
            required_before=required_before,
        )
    return work


@dataclass(frozen=True)
class EnrolmentFacts:
    start: datetime
    length_days: int = STANDARD_YEAR_DAYS
    pauses: Sequence[Pause] = ()
    # Keyword-only so it can be required although it follows defaulted fields.
    work: Mapping[Milestone, MilestoneWork] = field(kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _utc(self.start, "EnrolmentFacts.start"))
        _require_length(self.length_days)
        missing = [milestone.value for milestone in Milestone if milestone not in self.work]
        if missing:
            raise ValueError(f"work is missing for milestones: {', '.join(missing)}")
        # Copies keep the frozen facts from changing under the caller's feet.
        object.__setattr__(self, "pauses", tuple(self.pauses))
        object.__setattr__(self, "work", dict(self.work))


@dataclass(frozen=True)
class MilestoneAssessment:
    milestone: Milestone
    due_at: datetime
    status: Pace
    achieved_at: datetime | None
    on_time: bool | None  # None until achieved
    elapsed_share: float  # clamped to [0, 1] for display
    elapsed_share_unclamped: float  # above 1 tells how far past the horizon
    work_share: float
    projected_at: datetime | None
    # The share of the work the standard schedule expects done by now; pace
    # compares `work_share` with it (see `assess`).
    expected_share: float = 0.0


@dataclass(frozen=True)
class EnrolmentAssessment:
    milestones: tuple[MilestoneAssessment, ...]
    next_milestone: Milestone | None
    pace: Pace

    def for_milestone(self, milestone: Milestone) -> MilestoneAssessment:
        return next(item for item in self.milestones if item.milestone == milestone)


def horizons(length_days: int) -> dict[Milestone, timedelta]:
    return dict(_horizons(length_days))  # the caller's own dict


@functools.lru_cache(maxsize=64)
def _horizons(length_days: int) -> tuple[tuple[Milestone, timedelta], ...]:
    # Memoised: the planner asks for the same few lengths 100,000 times a run.
    _require_length(length_days)
    year = timedelta(days=length_days)
    # Multiply before dividing so L=365 gives exactly 1, 30 and 365 days.
    return tuple(
        (milestone, year * standard_days / STANDARD_YEAR_DAYS)
        for milestone, standard_days in _STANDARD_HORIZON_DAYS.items()
    )


# A stretch of paused wall-clock time: (begin, end).
_Interval = tuple[datetime, datetime]


def _paused_intervals(start: datetime, pauses: Sequence[Pause], now: datetime) -> list[_Interval]:
    """Pauses clipped to [start, now], sorted and merged so overlaps count once."""
    clipped = sorted(
        (max(pause.start, start), min(pause.end or now, now))
        for pause in pauses
        if max(pause.start, start) < min(pause.end or now, now)
    )
    merged: list[_Interval] = []
    for begin, end in clipped:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _active_elapsed(start: datetime, paused: list[_Interval], now: datetime) -> timedelta:
    if now <= start:
        return timedelta(0)
    return (now - start) - sum((end - begin for begin, end in paused), timedelta(0))


def _due_at(start: datetime, horizon: timedelta, paused: list[_Interval]) -> datetime:
    due_at = start + horizon
    # Intervals are sorted, so each shift is seen by the next comparison: a
    # pause that begins before the (already shifted) due date stops the clock.
    for begin, end in paused:
        if begin < due_at:
            due_at += end - begin
    return due_at


def _is_paused(pauses: Sequence[Pause], now: datetime) -> bool:
    return any(pause.start <= now and (pause.end is None or pause.end > now) for pause in pauses)


def due_dates(
    start: datetime, length_days: int, pauses: Sequence[Pause], now: datetime
) -> dict[Milestone, datetime]:
    start, now = _utc(start, "start"), _utc(now, "now")
    paused = _paused_intervals(start, pauses, now)
    return {
        milestone: _due_at(start, horizon, paused)
        for milestone, horizon in horizons(length_days).items()
    }


def has_projection_evidence(work: MilestoneWork, elapsed_share: float) -> bool:
    """Enough time and enough work behind the learner for a rate to mean something."""
    return (
        work.done > 0
        and elapsed_share >= PROJECTION_MIN_ELAPSED_SHARE
        and work.done >= work.required * PROJECTION_MIN_WORK_SHARE
    )


def _projected_at(
    work: MilestoneWork, in_stretch: timedelta, stretch: timedelta, now: datetime
) -> datetime | None:
    """When the work is done at the rate the learner has kept on this
    milestone's own work since its stretch began, never sooner than its
    distinct days allow; None without enough evidence for a rate.

    The earlier milestones' work is left out of the rate: it was done on a
    faster schedule (a day, a month), and counting it would promise the year
    months too soon."""
    own = MilestoneWork(
        done=work.done - work.done_before, required=work.required - work.required_before
    )
    if in_stretch <= timedelta(0) or not has_projection_evidence(own, in_stretch / stretch):
        return None
    remaining = max(work.required - work.done, 0)
    try:
        at_rate = now + in_stretch * (remaining / own.done)
        earliest = now + timedelta(days=work.days_to_go)
    except OverflowError:
        # Beyond datetime's range: at this rate the learner will not finish.
        return None
    return max(at_rate, earliest)


def listening_days_after_today(required_days: int, days_logged: int, logged_today: bool) -> int:
    """Days after today on which listening must still be logged to reach
    `required_days` distinct days (see `required_listening_days`): today can
    be one of them only while it has no entry yet."""
    missing = max(required_days - days_logged, 0)
    if missing and not logged_today:
        missing -= 1
    return missing


def _pending_pace(*, started: bool, paused: bool, overdue: bool, lead: float) -> Pace:
    """`lead`: how far the work done is ahead of the schedule (negative:
    behind), as a share of the milestone's own work."""
    if not started:
        return Pace.NOT_STARTED
    if paused:
        return Pace.PAUSED
    if overdue:
        return Pace.OVERDUE
    if lead >= AHEAD_MARGIN:
        return Pace.AHEAD
    if lead < -AT_RISK_TOLERANCE:
        return Pace.AT_RISK
    return Pace.ON_TRACK


def assess(enrolment: EnrolmentFacts, now: datetime) -> EnrolmentAssessment:
    now = _utc(now, "now")
    start = enrolment.start
    paused = _paused_intervals(start, enrolment.pauses, now)
    active_elapsed = _active_elapsed(start, paused, now)
    is_paused = _is_paused(enrolment.pauses, now)

    assessments = []
    # Where each milestone's own stretch begins (the previous horizon), and
    # how much of the earlier milestones' work the schedule expects by now.
    stretch_start, expected_before = timedelta(0), 0.0
    for milestone, horizon in horizons(enrolment.length_days).items():
        work = enrolment.work[milestone]
        due_at = _due_at(start, horizon, paused)
        elapsed_unclamped = active_elapsed / horizon
        work_share = 1.0 if work.required == 0 else min(work.done / work.required, 1.0)
        stretch = horizon - stretch_start
        into_stretch = min(max((active_elapsed - stretch_start) / stretch, 0.0), 1.0)
        expected_done = (
            min(expected_before, work.required_before)
            + (work.required - work.required_before) * into_stretch
        )
        expected_share = into_stretch if work.required == 0 else expected_done / work.required
        achieved_at = work.achieved_at if work.achieved_at and work.achieved_at <= now else None
        if achieved_at is not None:
            on_time: bool | None = achieved_at <= due_at
            status = Pace.ACHIEVED_ON_TIME if on_time else Pace.ACHIEVED_LATE
            projected_at = None
        else:
            on_time = None
            status = _pending_pace(
                started=now >= start,
                paused=is_paused,
                overdue=now > due_at,
                # Measured against the milestone's own work, so a fifth behind
                # means the same for the month as for the year, whose own
                # work is two thirds of what it needs.
                lead=(min(work.done, work.required) - expected_done)
                / ((work.required - work.required_before) or work.required or 1),
            )
            # While paused the clock stands still, and so does any rate.
            projected_at = (
                None
                if status in (Pace.PAUSED, Pace.NOT_STARTED)
                else _projected_at(work, active_elapsed - stretch_start, stretch, now)
            )
        assessments.append(
            MilestoneAssessment(
                milestone=milestone,
                due_at=due_at,
                status=status,
                achieved_at=achieved_at,
                on_time=on_time,
                elapsed_share=min(max(elapsed_unclamped, 0.0), 1.0),
                elapsed_share_unclamped=elapsed_unclamped,
                work_share=work_share,
                projected_at=projected_at,
                expected_share=expected_share,
            )
        )
        stretch_start, expected_before = horizon, expected_done

    pending = [item for item in assessments if item.achieved_at is None]
    next_assessment = pending[0] if pending else assessments[-1]
    return EnrolmentAssessment(
        milestones=tuple(assessments),
        next_milestone=pending[0].milestone if pending else None,
        pace=next_assessment.status,
    )


def stable_following(checkins: Sequence[tuple[datetime, int]], length_days: int) -> bool:
    """True once some run of monthly follower check-ins holds or grows.

    Check-ins are walked in time order. One that comes less than
    ``CHECKIN_SPACING_TOLERANCE`` of a month after the last counted reading is
    skipped: it is a second reading of the same month and adds no evidence,
    and the earlier reading keeps anchoring the window. The first reading a
    month or more later is the next in the run, whatever the gap: a missed
    month still shows the following held. A drop starts a new run from the
    lower reading. A later drop does not undo a run already shown.
    """
    _require_length(length_days)
    checkins = [(_utc(taken_at, "check-in time"), count) for taken_at, count in checkins]
    min_spacing = horizons(length_days)[Milestone.E_LISTENER] * CHECKIN_SPACING_TOLERANCE
    run: list[tuple[datetime, int]] = []
    for taken_at, count in sorted(checkins, key=lambda checkin: checkin[0]):
        if run and taken_at - run[-1][0] < min_spacing:
            continue
        if run and count < run[-1][1]:
            run = []
        run.append((taken_at, count))
        if len(run) >= STABLE_FOLLOWING_MIN_CHECKINS:
            return True
    return False


def required_listening_days(required_days: int, length_days: int) -> int:
    """Distinct listening days to ask for within this programme's month.

    The content is written for a 30-day month. A habit needs distinct days,
    so the count is only capped where the month horizon has fewer whole days
    than that (a 36-day course has a month of under three days).
    """
    _require_length(length_days)
    if required_days < 1:
        raise ValueError(f"required_days must be at least 1, got {required_days!r}")
    whole_days_in_month = (
        _STANDARD_HORIZON_DAYS[Milestone.E_LISTENER] * length_days // STANDARD_YEAR_DAYS
    )
    return max(1, min(required_days, whole_days_in_month))


def required_listening_weeks(required_weeks: int, length_days: int) -> int:
    """Calendar weeks the listening days must spread over, within this
    programme's month.

    Capped, like the days, where the month is too short: its whole days
    always touch at least ceil(days / 7) weeks, whatever weekday it starts on,
    so the cap can always be met in time. Never more weeks than days.
    """
    _require_length(length_days)
    if required_weeks < 1:
        raise ValueError(f"required_weeks must be at least 1, got {required_weeks!r}")
    whole_days_in_month = (
        _STANDARD_HORIZON_DAYS[Milestone.E_LISTENER] * length_days // STANDARD_YEAR_DAYS
    )
    weeks_touched = -(-whole_days_in_month // 7)
    return max(1, min(required_weeks, weeks_touched))


@dataclass(frozen=True)
class ListeningProgress:
    days: int
    days_required: int
    weeks: int
    weeks_required: int

    @property
    def met(self) -> bool:
        return self.days >= self.days_required and self.weeks >= self.weeks_required


def listening_progress(
    days: Iterable[date], *, required_days: int, required_weeks: int, length_days: int
) -> ListeningProgress:
    """How far a learner's listening entries go toward the habit the month asks
    for: entries on enough distinct days, spread over enough calendar weeks.

    `days` are the learner's local dates, so a week is an ISO week (Monday to
    Sunday) in their own time zone: a Sunday-night and a Monday-morning entry
    fall in two weeks.
    """
    distinct = set(days)
    return ListeningProgress(
        days=len(distinct),
        days_required=required_listening_days(required_days, length_days),
        weeks=len({day.isocalendar()[:2] for day in distinct}),
        weeks_required=min(
            required_listening_weeks(required_weeks, length_days),
            required_listening_days(required_days, length_days),
        ),
    )


def time_share(
    milestone: Milestone, start: datetime, length_days: int, pauses: Sequence[Pause], now: datetime
) -> float:
    """Active time since the start, as a share of the milestone's horizon (1.0 = on the day)."""
    start, now = _utc(start, "start"), _utc(now, "now")
    active = _active_elapsed(start, _paused_intervals(start, pauses, now), now)
    return active / horizons(length_days)[milestone]
