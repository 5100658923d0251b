"""The "todays" every calendar test runs at: the edges of months, years and
ISO years, and the daylight-saving changes of learners' time zones.

Each is an aware moment in UTC. A test parametrised over DAYS proves its
behaviour on every one of them, not only on the day it was written.
"""

import datetime
import zoneinfo

import pytest

UTC = datetime.UTC
ZONES = ["UTC", "Europe/Paris", "America/Santiago", "Asia/Kathmandu"]


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


DAYS = {
    # The day the 30-day months of the bench generator collided.
    "2026-11-29": at(2026, 11, 29),
    # The last day of 31-day months.
    "2026-08-31": at(2026, 8, 31, 23, 30),
    "2027-03-31": at(2027, 3, 31),
    # A leap day, and the first of March after it.
    "2028-02-29": at(2028, 2, 29),
    "2028-03-01": at(2028, 3, 1, 0, 30),
    # The turn of the year (31 December is in 2026's week 53).
    "2026-12-31": at(2026, 12, 31, 23, 30),
    "2027-01-01": at(2027, 1, 1, 0, 30),
    # The Sunday closing 2026's 53rd ISO week; the Monday after starts 2027-W01.
    "2027-01-03": at(2027, 1, 3, 20),
    "2027-01-04": at(2027, 1, 4, 6),
    # Daylight saving in Paris: spring forward, fall back (2026).
    "2026-03-29 Paris": at(2026, 3, 29, 1, 30),
    "2026-10-25 Paris": at(2026, 10, 25, 0, 30),
    # Santiago changes at local midnight, so the local date itself moves:
    # back to Saturday 23:00 on 5 April, on to Sunday 01:00 on 6 September.
    "2026-04-05 Santiago": at(2026, 4, 5, 3, 30),
    "2026-09-06 Santiago": at(2026, 9, 6, 4, 30),
}

# For pytest.mark.parametrize: ids are the days' names.
DAY_PARAMS = [pytest.param(moment, id=name) for name, moment in DAYS.items()]
