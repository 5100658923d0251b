"""Server-rendered charts: geometry for the SVG templates, with no database.

Each builder returns plain data (coordinates and labels); the templates draw
it and carry the text alternative.
"""

import datetime
import math
from dataclasses import dataclass

from progress.timemodel import (
    MILESTONE_LABELS,
    PACE_LABELS,
    MilestoneAssessment,
    Pace,
)

TIMELINE_WIDTH = 800
TIMELINE_LEFT = 40
TIMELINE_RIGHT = 760

# CSS class per status: the colours live in the stylesheet, not in the SVG.
PACE_TONES = {
    Pace.NOT_STARTED: "neutral",
    Pace.AHEAD: "ok",
    Pace.ON_TRACK: "ok",
    Pace.AT_RISK: "warn",
    Pace.OVERDUE: "bad",
    Pace.PAUSED: "neutral",
    Pace.ACHIEVED_ON_TIME: "ok",
    Pace.ACHIEVED_LATE: "warn",
}


@dataclass(frozen=True)
class TimelineMark:
    x: float
    label: str
    date: datetime.datetime
    status: str
    tone: str
    achieved: bool
    label_y: int
    anchor: str


@dataclass(frozen=True)
class Timeline:
    start_x: float
    end_x: float
    today_x: float
    marks: tuple[TimelineMark, ...]
    start: datetime.datetime
    now: datetime.datetime


def timeline(
    start: datetime.datetime,
    length_days: int,
    milestones: tuple[MilestoneAssessment, ...],
    now: datetime.datetime,
) -> Timeline:
    """Places start, today and the three due dates on a logarithmic axis.

    On a linear axis the day and the month would sit on top of the start
    (1 : 30 : 365); log(1 + t), with t in standard-programme days, spreads them
    while keeping their order and the year at the far end.
    """
    unit = length_days / 365  # one standard day, in this programme's days
    latest = max(
        [now, *(m.due_at for m in milestones), *(m.achieved_at or now for m in milestones)]
    )
    span = max((latest - start).total_seconds() / 86400 / unit, 1.0)

    def x_of(moment: datetime.datetime) -> float:
        standard_days = max((moment - start).total_seconds() / 86400 / unit, 0.0)
        share = math.log1p(standard_days) / math.log1p(span)
        return round(TIMELINE_LEFT + share * (TIMELINE_RIGHT - TIMELINE_LEFT), 1)

    marks = tuple(
        TimelineMark(
            x=x_of(m.achieved_at or m.due_at),
            label=MILESTONE_LABELS[m.milestone],
            date=m.achieved_at or m.due_at,
            status=PACE_LABELS[m.status],
            tone=PACE_TONES[m.status],
            achieved=m.achieved_at is not None,
            # Alternate label rows so close marks never overlap.
            label_y=96 if index % 2 == 0 else 122,
            anchor=_anchor(x_of(m.achieved_at or m.due_at)),
        )
        for index, m in enumerate(milestones)
    )
    return Timeline(
        start_x=TIMELINE_LEFT,
        end_x=TIMELINE_RIGHT,
        today_x=x_of(now),
        marks=marks,
        start=start,
        now=now,
    )


def _anchor(x: float) -> str:
    # Labels near either end grow inward, so none is cut off by the edge.
    if x > TIMELINE_RIGHT - 60:
        return "end"
    if x < TIMELINE_LEFT + 60:
        return "start"
    return "middle"


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    x: int
    y: int
    logged: bool


@dataclass(frozen=True)
class ListeningCalendar:
    days: tuple[CalendarDay, ...]
    width: int
    height: int
    logged_count: int
    first: datetime.date
    last: datetime.date


CELL = 16
GAP = 3


def listening_calendar(
    logged: set[datetime.date], today: datetime.date, weeks: int = 8
) -> ListeningCalendar:
    """A week-per-column grid of the last `weeks` weeks, Monday at the top."""
    last_monday = today - datetime.timedelta(days=today.weekday())
    first = last_monday - datetime.timedelta(weeks=weeks - 1)
    days = []
    for offset in range((today - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        days.append(
            CalendarDay(
                day=day,
                x=(offset // 7) * (CELL + GAP) + 30,
                y=day.weekday() * (CELL + GAP),
                logged=day in logged,
            )
        )
    return ListeningCalendar(
        days=tuple(days),
        width=30 + weeks * (CELL + GAP),
        height=7 * (CELL + GAP),
        logged_count=sum(1 for d in days if d.logged),
        first=first,
        last=today,
    )


@dataclass(frozen=True)
class CheckinPoint:
    x: float
    y: float
    day: datetime.date
    followers: int


@dataclass(frozen=True)
class CheckinChart:
    points: tuple[CheckinPoint, ...]
    polyline: str
    width: int
    height: int
    low: int
    high: int


def checkin_chart(
    checkins: list[tuple[datetime.date, int]], width: int = 320, height: int = 120
) -> CheckinChart | None:
    if not checkins:
        return None
    pad = 24
    first, last = checkins[0][0], checkins[-1][0]
    days = max((last - first).days, 1)
    low = min(n for _, n in checkins)
    high = max(n for _, n in checkins)
    spread = max(high - low, 1)
    points = tuple(
        CheckinPoint(
            x=round(pad + (day - first).days / days * (width - 2 * pad), 1)
            if len(checkins) > 1
            else width / 2,
            y=round(height - pad - (followers - low) / spread * (height - 2 * pad), 1),
            day=day,
            followers=followers,
        )
        for day, followers in checkins
    )
    return CheckinChart(
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        width=width,
        height=height,
        low=low,
        high=high,
    )
