"""Quiet hours hold e-mail from 20:00 to 08:00 on the learner's own wall
clock, on the days that clock jumps or repeats an hour."""

import datetime

import pytest

from progress.nudges.rules import QUIET_FROM, QUIET_UNTIL, quiet_until
from tests.calendar.days import at, zone

STEP = datetime.timedelta(minutes=10)

# (zone, a moment two days before a change); Kathmandu has no daylight saving
# and an offset of 05:45, so its hours never start on a UTC hour.
CHANGES = [
    pytest.param("Europe/Paris", at(2026, 3, 27), id="Paris spring forward"),
    pytest.param("Europe/Paris", at(2026, 10, 23), id="Paris fall back"),
    pytest.param("America/Santiago", at(2026, 4, 3), id="Santiago fall back"),
    pytest.param("America/Santiago", at(2026, 9, 4), id="Santiago spring forward"),
    pytest.param("Asia/Kathmandu", at(2026, 12, 30), id="Kathmandu new year"),
]


@pytest.mark.parametrize(("name", "since"), CHANGES)
def test_quiet_hours_follow_the_wall_clock_through_a_change(name, since):
    place = zone(name)
    now = since
    while now < since + datetime.timedelta(days=4):
        local = now.astimezone(place)
        until = quiet_until(now, place)
        if QUIET_UNTIL <= local.hour < QUIET_FROM:
            assert until is None, f"{local} is daytime"
        else:
            assert until is not None, f"{local} is night"
            morning = until.astimezone(place)
            assert (morning.hour, morning.minute) == (QUIET_UNTIL, 0)
            # The next morning, never one skipped or repeated: at most 12 hours
            # of night, give or take the hour a change adds or takes.
            assert now < until <= now + datetime.timedelta(hours=13)
            expected = local.date()
            if local.hour >= QUIET_FROM:
                expected += datetime.timedelta(days=1)
            assert morning.date() == expected
        now += STEP
