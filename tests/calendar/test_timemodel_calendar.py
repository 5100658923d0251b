"""The time model counts elapsed time, not the wall clock: the same moments
give the same decisions whichever time zone they are written in, and a
horizon is as long on the day clocks change as on any other."""

import datetime

import pytest

from progress import timemodel
from progress.timemodel import Milestone, MilestoneWork, Pause
from tests.calendar.days import DAY_PARAMS, ZONES, zone

UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)
# (hours since the start, activities done per milestone)
POINTS = [(2, 1), (20, 3), (23.5, 4), (25, 5), (24 * 12, 9), (24 * 40, 15)]


def work(done: int) -> dict[Milestone, MilestoneWork]:
    return {
        Milestone.ACQUAINTED: MilestoneWork(min(done, 6), 6),
        Milestone.E_LISTENER: MilestoneWork(min(done, 20), 20),
        Milestone.ACTIVE: MilestoneWork(done, 60),
    }


def in_zone(moment: datetime.datetime, name: str) -> datetime.datetime:
    return moment.astimezone(zone(name))


@pytest.mark.parametrize("today", DAY_PARAMS)
@pytest.mark.parametrize("name", ZONES)
@pytest.mark.parametrize("length_days", [365, 36])
def test_the_same_moments_give_the_same_assessment_in_any_zone(today, name, length_days):
    # Started the day before, so every horizon crosses the edge of `today`.
    start = today - 22 * HOUR
    pause = (start + 5 * HOUR, start + 9 * HOUR)
    for hours, done in POINTS:
        now = start + hours * HOUR
        in_utc = timemodel.assess(
            timemodel.EnrolmentFacts(start, length_days, [Pause(*pause)], work=work(done)), now
        )
        local = timemodel.assess(
            timemodel.EnrolmentFacts(
                in_zone(start, name),
                length_days,
                [Pause(in_zone(pause[0], name), in_zone(pause[1], name))],
                work=work(done),
            ),
            in_zone(now, name),
        )
        assert local == in_utc, (name, hours)


@pytest.mark.parametrize("today", DAY_PARAMS)
@pytest.mark.parametrize("name", ZONES)
def test_each_horizon_is_its_share_of_elapsed_time_from_a_local_start(today, name):
    start = in_zone(today - 3 * HOUR, name)
    due = timemodel.due_dates(start, 365, [], in_zone(today, name))

    assert due[Milestone.ACQUAINTED] - start == datetime.timedelta(days=1)
    assert due[Milestone.E_LISTENER] - start == datetime.timedelta(days=30)
    assert due[Milestone.ACTIVE] - start == datetime.timedelta(days=365)
    half_a_day_later = start.astimezone(UTC) + 12 * HOUR
    assert timemodel.time_share(
        Milestone.ACQUAINTED, start, 365, [], in_zone(half_a_day_later, name)
    ) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Europe/Paris", datetime.datetime(2026, 10, 10, 12, tzinfo=UTC)),
        ("America/Santiago", datetime.datetime(2026, 3, 20, 12, tzinfo=UTC)),
    ],
)
def test_monthly_check_ins_are_spaced_in_elapsed_time(name, first):
    # Readings just more than the least spacing that counts as a new month
    # (three quarters of 30 days) apart, across the night clocks fall back: on
    # the wall clock the interval is an hour shorter, in time it is not.
    least = timemodel.horizons(365)[Milestone.E_LISTENER] * timemodel.CHECKIN_SPACING_TOLERANCE
    spacing = least + datetime.timedelta(minutes=30)
    readings = [(in_zone(first + n * spacing, name), 100 + n) for n in range(3)]

    assert timemodel.stable_following(readings, 365)
