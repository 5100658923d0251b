"""Server-rendered charts: geometry for the SVG templates, with no database.

Each builder returns plain data (coordinates and labels); the templates draw
it and carry the text alternative.
"""

import dataclasses
import datetime
import math
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

from progress.timemodel import (
    MILESTONE_LABELS,
    PACE_LABELS,
    MilestoneAssessment,
    Pace,
)

TIMELINE_WIDTH = 800
# Room on the left for the "Start" label, which sits before the axis.
TIMELINE_LEFT = 56
TIMELINE_RIGHT = 760
TIMELINE_AXIS_Y = 60
TODAY_LABEL_Y = 16
# Milestone labels hang below the axis, in as many rows as they need.
MARK_FIRST_ROW_Y = 96
MARK_ROW_STEP = 32
# Generous estimates of the chart's 12px text, so boxes err on the wide side.
CHAR_WIDTH = 7.0
CHAR_WIDTH_STRONG = 7.8
TEXT_ASCENT = 11  # above the baseline
TEXT_DESCENT = 3  # below it
LABEL_GAP = 10
DATE_TEXT = "30 Sep 2026"  # the longest "j M Y" date

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
class ChartLabel:
    """One line of text in a chart, with the box it covers (x from left to
    right, y from top to bottom), so a layout can keep labels apart."""

    text: str
    x: float
    y: float  # the baseline
    anchor: str  # SVG text-anchor: start, middle or end
    strong: bool = False

    @property
    def width(self) -> float:
        return len(self.text) * (CHAR_WIDTH_STRONG if self.strong else CHAR_WIDTH)

    @property
    def box(self) -> tuple[float, float, float, float]:
        left = {"start": self.x, "middle": self.x - self.width / 2, "end": self.x - self.width}[
            self.anchor
        ]
        return (left, self.y - TEXT_ASCENT, left + self.width, self.y + TEXT_DESCENT)


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

    @property
    def labels(self) -> tuple[ChartLabel, ChartLabel]:
        """The milestone's name and, on the line below, its date."""
        return (
            ChartLabel(self.label, self.x, self.label_y, self.anchor, strong=True),
            ChartLabel(DATE_TEXT, self.x, self.label_y + 14, self.anchor),
        )


@dataclass(frozen=True)
class Timeline:
    start_x: float
    end_x: float
    today_x: float
    marks: tuple[TimelineMark, ...]
    start: datetime.datetime
    now: datetime.datetime
    start_label: ChartLabel
    today_label: ChartLabel
    height: int

    @property
    def axis_y(self) -> int:
        return TIMELINE_AXIS_Y

    @property
    def today_line(self) -> tuple[float, float]:
        """Top and bottom of the dashed line for today: from under its label
        to just past the axis, above every milestone label."""
        return (self.today_label.y + 6, TIMELINE_AXIS_Y + 18)

    @property
    def labels(self) -> tuple[ChartLabel, ...]:
        return (
            self.start_label,
            self.today_label,
            *(label for mark in self.marks for label in mark.labels),
        )


def timeline(
    start: datetime.datetime,
    length_days: int,
    milestones: tuple[MilestoneAssessment, ...],
    now: datetime.datetime,
    *,
    rtl: bool = False,
) -> Timeline:
    """Places start, today and the three due dates on a logarithmic axis.

    On a linear axis the day and the month would sit on top of the start
    (1 : 30 : 365); log(1 + t), with t in standard-programme days, spreads them
    while keeping their order and the year at the far end.

    Labels never overlap, however close the dates: "Start" stands before the
    axis, "Today" alone above it, and the milestones below it, each in the
    first row where it clears the labels already placed.

    In a right-to-left language (`rtl`) time runs from right to left: the
    same layout, mirrored. The anchors stay as they are: the page's
    direction (dir="rtl") already turns "start" and "end" around for SVG
    text, so each label still grows inward from the edge.
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

    rows: list[float] = []  # the right edge of the last label in each row
    marks = []
    for m in sorted(milestones, key=lambda m: x_of(m.achieved_at or m.due_at)):
        x = x_of(m.achieved_at or m.due_at)
        anchor = _anchor(x)
        name = ChartLabel(MILESTONE_LABELS[m.milestone], x, 0, anchor, strong=True)
        date = ChartLabel(DATE_TEXT, x, 0, anchor)
        left = min(name.box[0], date.box[0])
        right = max(name.box[2], date.box[2])
        row = next((i for i, edge in enumerate(rows) if edge + LABEL_GAP <= left), len(rows))
        if row == len(rows):
            rows.append(right)
        else:
            rows[row] = right
        marks.append(
            TimelineMark(
                x=x,
                label=name.text,
                date=m.achieved_at or m.due_at,
                status=PACE_LABELS[m.status],
                tone=PACE_TONES[m.status],
                achieved=m.achieved_at is not None,
                label_y=MARK_FIRST_ROW_Y + row * MARK_ROW_STEP,
                anchor=anchor,
            )
        )
    # Back in the milestones' own order, which the text alternative follows.
    order = [MILESTONE_LABELS[m.milestone] for m in milestones]
    marks.sort(key=lambda mark: order.index(mark.label))
    today_x = x_of(now)
    placed = Timeline(
        start_x=TIMELINE_LEFT,
        end_x=TIMELINE_RIGHT,
        today_x=today_x,
        marks=tuple(marks),
        start=start,
        now=now,
        start_label=ChartLabel(
            pgettext("timeline", "Start"), TIMELINE_LEFT - 12, TIMELINE_AXIS_Y + 4, "end"
        ),
        today_label=ChartLabel(
            gettext("Today"), today_x, TODAY_LABEL_Y, _anchor(today_x), strong=True
        ),
        height=MARK_FIRST_ROW_Y + (max(len(rows), 1) - 1) * MARK_ROW_STEP + 14 + 8,
    )
    return _mirrored(placed) if rtl else placed


def _mirrored(timeline: Timeline) -> Timeline:
    """The same timeline read from right to left."""

    def x(value: float) -> float:
        return round(TIMELINE_WIDTH - value, 1)

    def label(chart_label: ChartLabel) -> ChartLabel:
        return dataclasses.replace(chart_label, x=x(chart_label.x))

    return dataclasses.replace(
        timeline,
        start_x=x(timeline.start_x),
        end_x=x(timeline.end_x),
        today_x=x(timeline.today_x),
        marks=tuple(dataclasses.replace(mark, x=x(mark.x)) for mark in timeline.marks),
        start_label=label(timeline.start_label),
        today_label=label(timeline.today_label),
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
