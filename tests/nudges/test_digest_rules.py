"""The daily digest's day and hour: the recipient's local date, and 08:00 the
next local morning, whatever daylight saving, leap years or the year end do.
Pure functions, no database."""

import datetime
import zoneinfo

import pytest

from progress.nudges.rules import DIGEST_HOUR, digest_day, digest_due, digest_due_of

UTC = datetime.UTC
ROME = zoneinfo.ZoneInfo("Europe/Rome")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KATHMANDU = zoneinfo.ZoneInfo("Asia/Kathmandu")
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")


def at(*fields) -> datetime.datetime:
    return datetime.datetime(*fields, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "day", "due"),
    [
        # 23:30 UTC is already the next day in Rome: the message joins that day.
        (at(2026, 1, 14, 23, 30), ROME, "2026-01-15", at(2026, 1, 16, 7, 0)),
        (at(2026, 1, 14, 22, 59), ROME, "2026-01-14", at(2026, 1, 15, 7, 0)),
        # Still yesterday in New York at 03:00 UTC.
        (at(2026, 1, 15, 3, 0), NEW_YORK, "2026-01-14", at(2026, 1, 15, 13, 0)),
        # A quarter-hour offset.
        (at(2026, 1, 14, 18, 14), KATHMANDU, "2026-01-14", at(2026, 1, 15, 2, 15)),
        (at(2026, 1, 14, 18, 15), KATHMANDU, "2026-01-15", at(2026, 1, 16, 2, 15)),
    ],
)
def test_the_day_is_the_recipients_local_date(now, zone, day, due):
    assert digest_day(now, zone) == day
    assert digest_due(now, zone) == due


def test_the_digest_goes_at_the_morning_hour_on_the_wall_clock_across_a_dst_change():
    # Rome springs forward in the night of 28-29 March 2026 (02:00 -> 03:00):
    # the 28th's digest goes at 08:00 summer time, 06:00 UTC, not 07:00.
    evening = at(2026, 3, 28, 19, 0)
    assert digest_day(evening, ROME) == "2026-03-28"
    assert digest_due(evening, ROME) == at(2026, 3, 29, 6, 0)
    assert digest_due(evening, ROME).astimezone(ROME).hour == DIGEST_HOUR
    # New York falls back in the night of 1-2 November 2026: 08:00 is 13:00 UTC again.
    assert digest_due(at(2026, 11, 1, 20, 0), NEW_YORK) == at(2026, 11, 2, 13, 0)
    assert digest_due(at(2026, 10, 31, 20, 0), NEW_YORK) == at(2026, 11, 1, 13, 0)


def test_the_day_of_a_dst_change_is_one_day_whatever_its_length():
    # 29 March 2026 in Rome has 23 hours: from 23:00 UTC on the 28th to 22:00 on the 29th.
    assert digest_day(at(2026, 3, 28, 23, 0), ROME) == "2026-03-29"
    assert digest_day(at(2026, 3, 29, 21, 59), ROME) == "2026-03-29"
    assert digest_day(at(2026, 3, 29, 22, 0), ROME) == "2026-03-30"


def test_29_february_has_its_own_digest_which_goes_on_1_march():
    leap = at(2028, 2, 29, 12, 0)
    assert digest_day(leap, UTC) == "2028-02-29"
    assert digest_due(leap, UTC) == at(2028, 3, 1, 8, 0)
    assert digest_due(at(2026, 2, 28, 12, 0), UTC) == at(2026, 3, 1, 8, 0)


def test_new_years_eve_goes_on_new_years_morning_in_each_zone():
    # In Auckland (summer, UTC+13) 31 December ends at 11:00 UTC.
    assert digest_day(at(2026, 12, 31, 10, 59), AUCKLAND) == "2026-12-31"
    assert digest_due(at(2026, 12, 31, 10, 59), AUCKLAND) == at(2026, 12, 31, 19, 0)
    assert digest_day(at(2026, 12, 31, 11, 0), AUCKLAND) == "2027-01-01"
    assert digest_due(at(2026, 12, 31, 23, 59), UTC) == at(2027, 1, 1, 8, 0)
    assert digest_day(at(2027, 1, 1, 4, 0), NEW_YORK) == "2026-12-31"


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        digest_day(datetime.datetime(2026, 1, 14, 12, 0), ROME)


def test_a_chosen_hour_is_kept_on_the_wall_clock_across_a_dst_change():
    # The 28th's digest at 17:00 in Rome, the day summer time starts: 15:00 UTC.
    assert digest_due(at(2026, 3, 28, 19, 0), ROME, 17) == at(2026, 3, 29, 15, 0)
    # The day before, still winter time: 16:00 UTC.
    assert digest_due(at(2026, 3, 27, 19, 0), ROME, 17) == at(2026, 3, 28, 16, 0)
    # 29 February's digest at 19:00 in Auckland goes on 1 March (06:00 UTC).
    assert digest_due_of(datetime.date(2028, 2, 29), AUCKLAND, 19) == at(2028, 3, 1, 6, 0)


@pytest.mark.parametrize("hour", [0, 7, 20, 23])
def test_no_digest_goes_in_the_quiet_hours(hour):
    with pytest.raises(ValueError):
        digest_due(at(2026, 1, 14, 12, 0), ROME, hour)
