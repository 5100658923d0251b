"""The nudge rules as pure functions: when a milestone is due soon, how long
counts as inactive, when quiet hours end in each time zone, and week labels.
No database."""

import datetime
import zoneinfo

import pytest

from progress.nudges.rules import (
    COMFORT_MARGIN,
    inactive_after,
    is_due_soon,
    iso_week,
    quiet_until,
)
from progress.timemodel import Milestone, MilestoneAssessment, MilestoneWork, Pace

UTC = datetime.UTC
NOW = datetime.datetime(2026, 1, 14, 14, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
MONTH = 30 * DAY


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def assessment(
    *,
    due_in: datetime.timedelta,
    status: Pace = Pace.ON_TRACK,
    projected_in: datetime.timedelta | None = None,
) -> MilestoneAssessment:
    return MilestoneAssessment(
        milestone=Milestone.E_LISTENER,
        due_at=NOW + due_in,
        status=status,
        achieved_at=None,
        on_time=None,
        elapsed_share=0.5,
        elapsed_share_unclamped=0.5,
        work_share=0.0,
        projected_at=None if projected_in is None else NOW + projected_in,
    )


# is_due_soon


def test_without_a_pace_the_standard_pace_spreads_the_horizon_over_the_work():
    # Nothing done of 10: the work needs the whole 30-day horizon, so the
    # milestone is due soon once 45 days or less remain.
    work = MilestoneWork(done=0, required=10)
    margin = MONTH * COMFORT_MARGIN

    assert is_due_soon(assessment(due_in=margin), work, MONTH, NOW)
    assert not is_due_soon(assessment(due_in=margin + SECOND), work, MONTH, NOW)


def test_the_standard_pace_counts_only_the_remaining_share_of_the_work():
    # 6 of 10 done: the remaining 4 need 12 days, due soon from 18 days out.
    work = MilestoneWork(done=6, required=10)

    assert is_due_soon(assessment(due_in=18 * DAY), work, MONTH, NOW)
    assert not is_due_soon(assessment(due_in=18 * DAY + SECOND), work, MONTH, NOW)


def test_with_a_pace_the_projected_finish_sets_the_time_needed():
    work = MilestoneWork(done=5, required=10)

    # At this pace the work takes 10 days: due soon from 15 days out.
    assert is_due_soon(assessment(due_in=15 * DAY, projected_in=10 * DAY), work, MONTH, NOW)
    assert not is_due_soon(
        assessment(due_in=15 * DAY + SECOND, projected_in=10 * DAY), work, MONTH, NOW
    )


def test_a_learner_projected_to_finish_after_the_due_date_is_due_soon():
    work = MilestoneWork(done=1, required=10)

    assert is_due_soon(assessment(due_in=5 * DAY, projected_in=20 * DAY), work, MONTH, NOW)


@pytest.mark.parametrize(
    "status",
    [Pace.NOT_STARTED, Pace.OVERDUE, Pace.PAUSED, Pace.ACHIEVED_ON_TIME, Pace.ACHIEVED_LATE],
)
def test_only_a_pending_milestone_can_be_due_soon(status):
    work = MilestoneWork(done=0, required=10)

    assert not is_due_soon(assessment(due_in=DAY, status=status), work, MONTH, NOW)


@pytest.mark.parametrize("status", [Pace.AHEAD, Pace.ON_TRACK, Pace.AT_RISK])
def test_ahead_on_track_and_at_risk_milestones_can_be_due_soon(status):
    work = MilestoneWork(done=0, required=10)

    assert is_due_soon(assessment(due_in=DAY, status=status), work, MONTH, NOW)


def test_finished_work_or_no_work_is_never_due_soon():
    soon = assessment(due_in=SECOND)

    assert not is_due_soon(soon, MilestoneWork(done=10, required=10), MONTH, NOW)
    assert not is_due_soon(soon, MilestoneWork(done=0, required=0), MONTH, NOW)


# inactive_after


@pytest.mark.parametrize(
    ("length_days", "days"),
    [
        (365, 14),  # the standard programme
        (730, 28),  # twice as long, twice the patience
        (3650, 140),
        (182.5, 7),
        (100, 14 * 100 / 365),
    ],
)
def test_inactivity_scales_with_the_programme_length(length_days, days):
    assert inactive_after(length_days) == datetime.timedelta(days=days)


@pytest.mark.parametrize("length_days", [1, 30, 36])
def test_inactivity_is_never_judged_in_less_than_three_days(length_days):
    # A short course scales below three days; a weekend off is not inactivity.
    assert inactive_after(length_days) == datetime.timedelta(days=3)


def test_the_three_day_floor_gives_way_where_the_scale_passes_it():
    assert inactive_after(78) == datetime.timedelta(days=3)
    assert inactive_after(79) > datetime.timedelta(days=3)


# quiet_until


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 1, 14, 7, 59, 59), at(2026, 1, 14, 8)),  # the last second of the night
        (at(2026, 1, 14, 8), None),  # the first minute of the day
        (at(2026, 1, 14, 19, 59, 59), None),  # the last second of the day
        (at(2026, 1, 14, 20), at(2026, 1, 15, 8)),  # evening: held until tomorrow
        (at(2026, 1, 14, 23, 59), at(2026, 1, 15, 8)),
        (at(2026, 1, 15, 0, 0), at(2026, 1, 15, 8)),  # after midnight: this morning
    ],
)
def test_quiet_hours_run_from_20_00_to_08_00(now, expected):
    assert quiet_until(now, zone("UTC")) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 23:00 in Tokyo (UTC+9): held until 08:00 there, 23:00 UTC.
        ("Asia/Tokyo", at(2026, 1, 14, 23)),
        # 09:00 in New York (UTC-5): daytime.
        ("America/New_York", None),
        # 19:30 in Kolkata (UTC+5:30): daytime, just.
        ("Asia/Kolkata", None),
        # 03:00 the next day in Auckland (UTC+13 in summer): this morning there.
        ("Pacific/Auckland", at(2026, 1, 14, 19)),
        # 04:00 in Honolulu (UTC-10): this morning there.
        ("Pacific/Honolulu", at(2026, 1, 14, 18)),
        # 22:00 in Perth (UTC+8): tomorrow morning there.
        ("Australia/Perth", at(2026, 1, 15, 0)),
    ],
)
def test_the_same_moment_is_quiet_in_some_zones_and_not_in_others(name, expected):
    assert quiet_until(NOW, zone(name)) == expected


def test_a_half_hour_zone_is_held_until_its_own_morning():
    # 07:30 in Kolkata is 02:00 UTC; 08:00 there is 02:30 UTC.
    assert quiet_until(at(2026, 1, 14, 2), zone("Asia/Kolkata")) == at(2026, 1, 14, 2, 30)


@pytest.mark.parametrize(
    ("name", "now", "expected"),
    [
        # New York falls back on 1 November 2026 at 02:00 EDT. Evening in EDT
        # (UTC-4), morning in EST (UTC-5): 08:00 is 13:00 UTC, not 12:00.
        ("America/New_York", at(2026, 11, 1, 0, 30), at(2026, 11, 1, 13)),
        # Just after midnight, before the change: still 08:00 EST.
        ("America/New_York", at(2026, 11, 1, 4, 30), at(2026, 11, 1, 13)),
        # In the repeated hour (01:30 EST, the second time round).
        ("America/New_York", at(2026, 11, 1, 6, 30), at(2026, 11, 1, 13)),
        # London falls back on 25 October 2026: 22:00 BST, then 08:00 GMT.
        ("Europe/London", at(2026, 10, 24, 21), at(2026, 10, 25, 8)),
        # London springs forward on 29 March 2026: 00:30 GMT, then 08:00 BST.
        ("Europe/London", at(2026, 3, 29, 0, 30), at(2026, 3, 29, 7)),
        # New York springs forward on 8 March 2026: 21:00 EST, then 08:00 EDT.
        ("America/New_York", at(2026, 3, 8, 2), at(2026, 3, 8, 12)),
    ],
)
def test_a_daylight_saving_change_still_ends_quiet_hours_at_08_00_local(name, now, expected):
    until = quiet_until(now, zone(name))

    assert until == expected
    local = until.astimezone(zone(name))
    assert (local.hour, local.minute, local.second) == (8, 0, 0)


def test_the_end_of_quiet_hours_is_given_in_utc():
    until = quiet_until(NOW, zone("Asia/Tokyo"))

    assert until.utcoffset() == datetime.timedelta(0)


def test_the_end_of_quiet_hours_is_never_in_the_past_nor_more_than_12_hours_away():
    tokyo = zone("Asia/Tokyo")
    for minutes in range(0, 24 * 60, 7):
        now = NOW + datetime.timedelta(minutes=minutes)
        until = quiet_until(now, tokyo)
        if until is not None:
            assert now < until <= now + datetime.timedelta(hours=12)


# iso_week


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (at(2026, 1, 14, 14), "2026-W03"),
        (at(2026, 1, 1), "2026-W01"),  # a Thursday: week 1 of 2026
        (at(2027, 1, 1), "2026-W53"),  # a Friday: still the last week of 2026
        (at(2024, 12, 30), "2025-W01"),  # a Monday: already week 1 of 2025
        (at(2026, 2, 1), "2026-W05"),  # a Sunday, padded to two digits
        (at(2026, 2, 2), "2026-W06"),  # the Monday after starts a new week
    ],
)
def test_iso_week_labels_the_week_a_digest_belongs_to(now, week):
    assert iso_week(now) == week
