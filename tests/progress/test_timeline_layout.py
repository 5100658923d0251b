"""The timeline's labels never overlap, however close start, today and the
due dates fall: pure geometry, no database."""

import datetime
from itertools import combinations

import pytest

from progress.charts import TIMELINE_WIDTH, ChartLabel, timeline
from progress.timemodel import Milestone, MilestoneAssessment, Pace, horizons

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def milestone(kind, due_at, achieved_at=None):
    return MilestoneAssessment(
        milestone=kind,
        due_at=due_at,
        status=Pace.ACHIEVED_ON_TIME if achieved_at else Pace.ON_TRACK,
        achieved_at=achieved_at,
        on_time=True if achieved_at else None,
        elapsed_share=0.0,
        elapsed_share_unclamped=0.0,
        work_share=0.0,
        projected_at=None,
    )


def milestones(length_days=365, achieved=None):
    achieved = achieved or {}
    return tuple(
        milestone(kind, START + horizon, achieved.get(kind))
        for kind, horizon in horizons(length_days).items()
    )


def overlaps(a: ChartLabel, b: ChartLabel) -> bool:
    a_left, a_top, a_right, a_bottom = a.box
    b_left, b_top, b_right, b_bottom = b.box
    return a_left < b_right and b_left < a_right and a_top < b_bottom and b_top < a_bottom


def assert_laid_out(chart):
    for a, b in combinations(chart.labels, 2):
        assert not overlaps(a, b), (a, b)
    top, bottom = chart.today_line
    for label in chart.labels:
        left, label_top, right, label_bottom = label.box
        assert left >= 0 and right <= TIMELINE_WIDTH, label
        assert label_top >= 0 and label_bottom <= chart.height, label
        # The dashed line for today crosses no text.
        crossed = left < chart.today_x < right and label_top < bottom and top < label_bottom
        assert not crossed, label


CASES = {
    "today is the start day": {"now": START},
    "an hour after the start": {"now": START + datetime.timedelta(hours=1)},
    "today is one day after the start": {"now": START + datetime.timedelta(days=1)},
    "the day's milestone is due today": {"now": START + horizons(365)[Milestone.ACQUAINTED]},
    "the month's milestone is due today": {"now": START + horizons(365)[Milestone.E_LISTENER]},
    "the year's milestone is due today": {"now": START + horizons(365)[Milestone.ACTIVE]},
    "long after the year": {"now": START + datetime.timedelta(days=900)},
    "a 30-day programme, started today": {"now": START, "length_days": 30},
    "everything achieved on the first day": {
        "now": START + datetime.timedelta(days=2),
        "achieved": {
            kind: START + datetime.timedelta(hours=hour)
            for hour, kind in enumerate(Milestone, start=1)
        },
    },
}


@pytest.mark.parametrize("case", CASES)
def test_no_two_labels_overlap(case):
    spec = CASES[case]
    length_days = spec.get("length_days", 365)
    chart = timeline(START, length_days, milestones(length_days, spec.get("achieved")), spec["now"])

    assert_laid_out(chart)


def test_start_and_today_on_the_same_day_keep_apart():
    chart = timeline(START, 365, milestones(), START)

    assert chart.today_x == chart.start_x
    assert not overlaps(chart.start_label, chart.today_label)
    # "Start" stands before the axis, so the line for today never strikes it.
    assert chart.start_label.box[2] < chart.start_x


def test_milestones_keep_their_order_for_the_text_alternative():
    chart = timeline(START, 365, milestones(), START + datetime.timedelta(days=40))

    assert [mark.label for mark in chart.marks] == [kind.label for kind in Milestone]


def test_marks_far_apart_share_one_row_and_close_ones_do_not():
    spread = timeline(START, 365, milestones(), START + datetime.timedelta(days=10))
    crowded = timeline(
        START,
        365,
        milestones(
            achieved={
                kind: START + datetime.timedelta(hours=hour)
                for hour, kind in enumerate(Milestone, start=1)
            }
        ),
        START + datetime.timedelta(days=1),
    )

    assert len({mark.label_y for mark in spread.marks}) < len(spread.marks)
    assert len({mark.label_y for mark in crowded.marks}) == len(crowded.marks)
    assert crowded.height > spread.height
