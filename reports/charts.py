"""The report's charts: geometry for the SVG templates, with no database.

Each builder returns plain data (coordinates and labels); the template draws
it and carries the text alternative.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

from progress.timemodel import CURRENT_PACES, MILESTONE_LABELS, PACE_LABELS, Milestone


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    tone: str = "neutral"
    percent: int = 0


CHART_WIDTH = 640
LABEL_WIDTH = 170
BAR_HEIGHT = 26
BAR_GAP = 12


def funnel(headline) -> list[Bar]:
    """Enrolled learners, then how many reached each milestone: centred bars."""
    current = headline.enrolled - headline.by_status.get("withdrawn", 0)
    rows = [(pgettext("funnel", "Enrolled"), current)] + [
        (MILESTONE_LABELS[Milestone(m["code"])], m["achieved"]) for m in headline.milestones
    ]
    room = CHART_WIDTH - LABEL_WIDTH - 40  # the value is written after the bars
    bars = []
    for index, (label, value) in enumerate(rows):
        width = room * value / current if current else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LABEL_WIDTH + (room - width) / 2, 1),
                y=index * (BAR_HEIGHT + BAR_GAP),
                width=round(width, 1),
                tone="ok" if index else "neutral",
                percent=round(100 * value / current) if current else 0,
            )
        )
    return bars


def stacked_pace_bars(rows: list[dict]) -> list[dict]:
    """One bar per cohort, split by pace."""
    room = CHART_WIDTH - LABEL_WIDTH
    bars = []
    for index, row in enumerate(rows):
        parts = [(PACE_LABELS[p], p.value, row[f"pace_{p.value}"]) for p in CURRENT_PACES]
        parts.append((pgettext("pace", "completed"), "completed", row["completed"]))
        total = sum(count for _, _, count in parts)
        x = float(LABEL_WIDTH)
        segments = []
        for label, tone, count in parts:
            width = room * count / total if total else 0
            if count:
                segments.append(
                    {
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "count": count,
                        "label": label,
                        "tone": tone,
                    }
                )
            x += width
        bars.append(
            {
                "label": row["cohort__name"] or gettext("Self-paced"),
                "y": index * (BAR_HEIGHT + BAR_GAP),
                "segments": segments,
                "total": total,
            }
        )
    return bars


def competence_bars(competences: list[dict]) -> list[Bar]:
    room = CHART_WIDTH - LABEL_WIDTH - 50
    return [
        Bar(
            label=item["name"],
            value=item["demonstrated"],
            x=LABEL_WIDTH,
            y=index * (BAR_HEIGHT + BAR_GAP),
            width=round(room * item["percent"] / 100, 1),
            tone="ok",
            percent=item["percent"],
        )
        for index, item in enumerate(competences)
    ]


def chart_height(count: int) -> int:
    return max(count, 1) * (BAR_HEIGHT + BAR_GAP)
