"""Calendar periods (ediplomacy.lib.periods): months are calendar months and
weeks are ISO weeks of a local date, whatever the day."""

import datetime
import itertools

import pytest

from ediplomacy.lib.periods import (
    at_local_time,
    iso_week_label,
    local_date,
    month_label,
    months_before,
    previous_month,
    week_start,
    zone_named,
)
from tests.calendar.days import DAY_PARAMS, ZONES, at, zone

D = datetime.date


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2026, 12, 28), "2026-W53"),  # 2026 starts on a Thursday: it has 53 weeks
        (D(2027, 1, 3), "2026-W53"),  # the Sunday closing that week
        (D(2027, 1, 4), "2027-W01"),
        (D(2028, 2, 29), "2028-W09"),
        (D(2024, 12, 30), "2025-W01"),  # a Monday already in the next ISO year
        (D(2026, 2, 1), "2026-W05"),
    ],
)
def test_an_iso_week_is_labelled_by_its_iso_year(day, label):
    assert iso_week_label(day) == label


@pytest.mark.parametrize(
    ("day", "months", "first"),
    [
        (D(2026, 11, 29), 3, D(2026, 8, 1)),
        (D(2026, 11, 29), 4, D(2026, 7, 1)),  # never a second August
        (D(2026, 3, 31), 1, D(2026, 2, 1)),  # no 31 February
        (D(2028, 3, 31), 1, D(2028, 2, 1)),
        (D(2027, 1, 1), 1, D(2026, 12, 1)),
        (D(2027, 1, 31), 13, D(2025, 12, 1)),
        (D(2026, 12, 31), -1, D(2027, 1, 1)),
        (D(2026, 8, 31), 0, D(2026, 8, 1)),
    ],
)
def test_months_before_counts_calendar_months(day, months, first):
    assert months_before(day, months) == first


@pytest.mark.parametrize("today", DAY_PARAMS)
def test_stepping_back_month_by_month_names_each_month_once(today):
    day = today.date()
    labels = [month_label(months_before(day, n)) for n in range(25)]

    assert len(set(labels)) == 25
    assert labels[0] == f"{day:%Y-%m}"
    # Each is the month before the last, with nothing skipped.
    for later, earlier in itertools.pairwise(labels):
        assert month_label(previous_month(D.fromisoformat(later + "-01"))) == earlier


@pytest.mark.parametrize("today", DAY_PARAMS)
@pytest.mark.parametrize("name", ZONES)
def test_stepping_back_week_by_week_names_each_iso_week_once(today, name):
    monday = week_start(local_date(today, zone(name)))
    labels = [iso_week_label(monday - datetime.timedelta(weeks=n)) for n in range(60)]

    assert len(set(labels)) == 60
    assert monday.weekday() == 0


@pytest.mark.parametrize(
    ("moment", "name", "day"),
    [
        # Monday 00:30 in Kathmandu (UTC+05:45) is still Sunday in UTC.
        (at(2027, 1, 3, 18, 45), "Asia/Kathmandu", D(2027, 1, 4)),
        # Santiago falls back at midnight: 03:30 UTC is Saturday 23:30 again.
        (at(2026, 4, 5, 3, 30), "America/Santiago", D(2026, 4, 4)),
        (at(2026, 4, 5, 2, 30), "America/Santiago", D(2026, 4, 4)),
        # ... and springs forward at midnight: 04:30 UTC is Sunday 01:30.
        (at(2026, 9, 6, 4, 30), "America/Santiago", D(2026, 9, 6)),
        (at(2026, 8, 31, 23, 30), "Europe/Paris", D(2026, 9, 1)),
        (at(2026, 8, 31, 23, 30), "UTC", D(2026, 8, 31)),
    ],
)
def test_the_local_date_is_the_one_on_the_recipients_wall(moment, name, day):
    assert local_date(moment, zone(name)) == day


def test_a_naive_moment_has_no_local_date():
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime.datetime(2026, 8, 31, 12))


def test_an_unknown_zone_reads_as_utc():
    assert zone_named("Mars/Olympus_Mons") is datetime.UTC
    assert zone_named("") is datetime.UTC
    assert str(zone_named("Asia/Kathmandu")) == "Asia/Kathmandu"


@pytest.mark.parametrize(
    ("day", "name", "expected"),
    [
        # 08:00 in Paris on the day clocks spring forward is 06:00 UTC (CEST).
        (D(2026, 3, 29), "Europe/Paris", at(2026, 3, 29, 6)),
        (D(2026, 3, 28), "Europe/Paris", at(2026, 3, 28, 7)),
        # Santiago's spring-forward day: 08:00 is in UTC-3.
        (D(2026, 9, 6), "America/Santiago", at(2026, 9, 6, 11)),
        (D(2026, 9, 5), "America/Santiago", at(2026, 9, 5, 12)),
        (D(2027, 1, 4), "Asia/Kathmandu", at(2027, 1, 4, 2, 15)),
    ],
)
def test_a_local_wall_time_is_found_across_daylight_saving(day, name, expected):
    assert at_local_time(day, datetime.time(8), zone(name)) == expected
