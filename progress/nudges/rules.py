"""When a nudge is due, and when it may be e-mailed: pure functions, no database."""

import datetime
import zoneinfo

from ediplomacy.lib.periods import iso_week_label, local_date, month_label
from progress.timemodel import MilestoneAssessment, MilestoneWork, Pace

# A milestone is "due soon" when the time left is no more than the time the
# remaining work needs at the learner's pace, with this margin: late enough to
# matter, early enough to act on.
COMFORT_MARGIN = 1.5
# No e-mail between these local hours; held until the morning instead.
QUIET_FROM = 20
QUIET_UNTIL = 8
# The daily digest of a local day goes at this hour of the next day unless its
# recipient chooses another (`User.digest_hour`, 8 to 19): by default in the
# morning, when the e-mails held by the quiet hours go too.
DIGEST_HOUR = QUIET_UNTIL
DIGEST_HOURS = range(QUIET_UNTIL, QUIET_FROM)
STANDARD_INACTIVE_DAYS = 14
PENDING_PACES = {Pace.AHEAD, Pace.ON_TRACK, Pace.AT_RISK}


def is_due_soon(
    assessment: MilestoneAssessment,
    work: MilestoneWork,
    horizon: datetime.timedelta,
    now: datetime.datetime,
) -> bool:
    """The last moment the milestone is still comfortably reachable at this pace.

    Without a pace yet (nothing done), the standard pace stands in: the
    horizon spread evenly over the required work.
    """
    if assessment.status not in PENDING_PACES or work.required == 0:
        return False
    remaining = work.required - work.done
    if remaining <= 0:
        return False
    if assessment.projected_at is not None:
        needed = assessment.projected_at - now
    else:
        needed = horizon * (remaining / work.required)
    return assessment.due_at - now <= needed * COMFORT_MARGIN


def inactive_after(length_days: int) -> datetime.timedelta:
    """How long without activity counts as inactive, scaled with the programme."""
    return datetime.timedelta(days=max(3.0, STANDARD_INACTIVE_DAYS * length_days / 365))


def quiet_until(now: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime | None:
    """When quiet hours end, if `now` falls in them in `zone`; None otherwise."""
    local = now.astimezone(zone)
    if QUIET_UNTIL <= local.hour < QUIET_FROM:
        return None
    morning = local.replace(hour=QUIET_UNTIL, minute=0, second=0, microsecond=0)
    if local.hour >= QUIET_FROM:
        morning = morning + datetime.timedelta(days=1)
    # Through the wall clock, so a daylight-saving change still lands at 08:00.
    return morning.replace(tzinfo=None).replace(tzinfo=zone).astimezone(datetime.UTC)


def iso_week(now: datetime.datetime, zone: datetime.tzinfo = datetime.UTC) -> str:
    """The digest's period: the ISO week of the recipient's local date."""
    return iso_week_label(local_date(now, zone))


def calendar_month(now: datetime.datetime, zone: datetime.tzinfo = datetime.UTC) -> str:
    """The summary's period: the calendar month of the recipient's local date."""
    return month_label(local_date(now, zone))


def digest_day(now: datetime.datetime, zone: datetime.tzinfo = datetime.UTC) -> str:
    """The daily digest's period: the recipient's local date, as "2026-02-29"."""
    return local_date(now, zone).isoformat()


def digest_due(
    now: datetime.datetime, zone: datetime.tzinfo = datetime.UTC, hour: int = DIGEST_HOUR
) -> datetime.datetime:
    """When the digest of `now`'s local day goes: `hour` (the recipient's
    choice, outside the quiet hours) on the next local date, on the wall clock
    (a daylight-saving change that night moves the instant, never the hour)."""
    return digest_due_of(local_date(now, zone), zone, hour)


def digest_due_of(
    day: datetime.date, zone: datetime.tzinfo = datetime.UTC, hour: int = DIGEST_HOUR
) -> datetime.datetime:
    """When the digest of the local `day` goes: `hour` on the day after."""
    if hour not in DIGEST_HOURS:
        raise ValueError(f"A digest hour lies between {QUIET_UNTIL} and {QUIET_FROM - 1}")
    sent = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(hour), zone)
    return sent.astimezone(datetime.UTC)
