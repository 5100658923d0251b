"""Calendar periods: the day, ISO week and month a moment falls in, somewhere.

Periods are calendar facts, never spans of days: a month is not 30 days (31
August and 1 August are the same month, 1 March follows 28 or 29 February),
and a week is the ISO week of a local date, so the Sunday after the 53rd week
of 2026 is still "2026-W53". Pure functions, no Django.
"""

import datetime
import zoneinfo

UTC = datetime.UTC


def zone_named(name: str) -> datetime.tzinfo:
    """The time zone called `name`; UTC for an empty or unknown name, so a stale
    profile never stops a whole planning run."""
    try:
        return zoneinfo.ZoneInfo(name) if name else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def local_date(moment: datetime.datetime, zone: datetime.tzinfo = UTC) -> datetime.date:
    """The calendar day `moment` (an aware datetime) falls on in `zone`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(zone).date()


def iso_week_label(day: datetime.date) -> str:
    """The ISO year and week of `day` (Monday to Sunday), as "2026-W53"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_label(day: datetime.date) -> str:
    """The calendar month of `day`, as "2026-08"."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The first day of the calendar month `months` before the month of `day`
    (0 gives the first of its own month; negative counts go forward)."""
    index = day.year * 12 + (day.month - 1) - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the calendar month before the month of `day`."""
    return months_before(day, 1)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


def at_local_time(
    day: datetime.date, time: datetime.time, zone: datetime.tzinfo
) -> datetime.datetime:
    """The moment the wall clock in `zone` shows `time` on `day`, in UTC.

    A wall time skipped by a daylight-saving change is read with the offset
    before it (zoneinfo's fold=0), so it lands just after the change.
    """
    return datetime.datetime.combine(day, time, tzinfo=zone).astimezone(UTC)
