"""A projected date needs evidence: a share of the milestone's own stretch of
time elapsed and a share of its own work done, and it never comes sooner
than work counted on distinct days allows. Pure: no database, `now` passed in."""

import zoneinfo
from datetime import timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from progress.timemodel import (
    PROJECTION_MIN_ELAPSED_SHARE,
    PROJECTION_MIN_WORK_SHARE,
    EnrolmentFacts,
    Milestone,
    MilestoneWork,
    Pace,
    Pause,
    assess,
    horizons,
    listening_days_after_today,
)
from progress.wording import pace_message
from tests.progress.test_timemodel import START, at, enrolments, facts, minutes, offsets

HOUR = timedelta(hours=1)
UTC_ZONE = zoneinfo.ZoneInfo("UTC")


def projection(enrolment: EnrolmentFacts, now, milestone=Milestone.E_LISTENER):
    return assess(enrolment, now).for_milestone(milestone)


def test_the_thresholds_ask_for_some_evidence_but_not_most_of_it():
    assert 0 < PROJECTION_MIN_ELAPSED_SHARE <= 0.25
    assert 0 < PROJECTION_MIN_WORK_SHARE <= 0.25


# The cases that prompted the rule


def test_an_hour_after_starting_nothing_is_projected_for_the_month_or_the_year():
    # Orientation done in the first hour: 5 of the month's 20 items, 5 of the year's 36.
    enrolment = facts(
        acquainted=MilestoneWork(done=5, required=5, achieved_at=START + HOUR),
        e_listener=MilestoneWork(done=5, required=20, days_to_go=4),
        active=MilestoneWork(done=5, required=36),
    )
    assessment = assess(enrolment, START + HOUR)

    assert assessment.for_milestone(Milestone.E_LISTENER).projected_at is None
    assert assessment.for_milestone(Milestone.ACTIVE).projected_at is None
    assert assessment.for_milestone(Milestone.E_LISTENER).status == Pace.AHEAD

    message = pace_message(assessment, UTC_ZONE, START + HOUR, remaining=15)
    assert (
        message
        == "You are ahead of schedule for e-Listener, due 5 February, with 15 items of work to go."
    )
    assert "current rate" not in message


def test_the_trainer_hears_that_it_is_too_early_for_a_date():
    enrolment = facts(
        acquainted=MilestoneWork(done=5, required=5, achieved_at=START + HOUR),
        e_listener=MilestoneWork(done=5, required=20),
    )
    message = pace_message(assess(enrolment, START + HOUR), UTC_ZONE, START + HOUR, 15, "Ada")
    assert message == (
        "Ada is ahead of schedule for e-Listener, due 5 February, with 15 items of work to go; "
        "too early to project a date."
    )


def test_with_enough_evidence_the_date_is_said():
    # The month's own stretch begins after the first day. Nine days into it,
    # 8 of its 16 items are done: nine more days at this rate.
    enrolment = facts(
        acquainted=MilestoneWork(done=4, required=4, achieved_at=at(0.5)),
        e_listener=MilestoneWork(done=12, required=20, done_before=4, required_before=4),
    )
    assessment = assess(enrolment, at(10))
    assert assessment.for_milestone(Milestone.E_LISTENER).projected_at == at(19)
    message = pace_message(assessment, UTC_ZONE, at(10), remaining=8)
    assert message.endswith("at your current rate you will get there on 25 January.")


def month_stretch():
    """Where the month's own stretch begins, and how long it is."""
    begins = horizons(365)[Milestone.ACQUAINTED]
    return begins, horizons(365)[Milestone.E_LISTENER] - begins


def test_just_below_either_threshold_there_is_no_date():
    begins, stretch = month_stretch()
    early = START + begins + stretch * PROJECTION_MIN_ELAPSED_SHARE - timedelta(seconds=1)
    assert projection(facts(e_listener=MilestoneWork(10, 20)), early).projected_at is None
    enough = early + timedelta(seconds=1)
    assert projection(facts(e_listener=MilestoneWork(10, 20)), enough).projected_at is not None

    little = facts(e_listener=MilestoneWork(done=3, required=20))  # 15%
    assert projection(little, at(20)).projected_at is None


def test_the_listening_days_still_needed_push_the_date_back():
    # At this rate done in two days, but listening is missing on five more days.
    enrolment = facts(e_listener=MilestoneWork(done=16, required=20, days_to_go=5))
    assert projection(enrolment, at(8)).projected_at == at(13)


def test_no_date_while_paused():
    enrolment = facts(pauses=(Pause(at(9)),), e_listener=MilestoneWork(done=10, required=20))
    assert projection(enrolment, at(10)).projected_at is None


@pytest.mark.parametrize(
    "required, logged, today, after_today",
    [
        (5, 0, False, 4),  # today can be the first of five
        (5, 0, True, 5),  # impossible input (logged today but none logged) stays safe
        (5, 3, False, 1),
        (5, 3, True, 2),
        (5, 4, False, 0),  # the last one can be today
        (5, 4, True, 1),
        (5, 5, True, 0),
        (5, 9, False, 0),
    ],
)
def test_listening_days_after_today(required, logged, today, after_today):
    assert listening_days_after_today(required, logged, today) == after_today


# For any facts


@st.composite
def enrolments_with_days(draw) -> EnrolmentFacts:
    enrolment = draw(enrolments())
    work = {
        milestone: MilestoneWork(
            item.done, item.required, item.achieved_at, days_to_go=draw(st.integers(0, 40))
        )
        for milestone, item in enrolment.work.items()
    }
    return EnrolmentFacts(enrolment.start, enrolment.length_days, enrolment.pauses, work=work)


@given(enrolments_with_days(), offsets.map(minutes))
def test_a_projection_is_never_sooner_than_the_distinct_days_allow(enrolment, now):
    for item in assess(enrolment, now).milestones:
        if item.projected_at is not None:
            days_to_go = enrolment.work[item.milestone].days_to_go
            assert item.projected_at >= now + timedelta(days=days_to_go)


@given(enrolments_with_days(), offsets.map(minutes))
def test_a_projection_is_never_shown_below_the_evidence_thresholds(enrolment, now):
    for item in assess(enrolment, now).milestones:
        if item.projected_at is not None:
            work = enrolment.work[item.milestone]
            assert item.elapsed_share_unclamped >= PROJECTION_MIN_ELAPSED_SHARE
            assert work.done >= work.required * PROJECTION_MIN_WORK_SHARE
            assert work.done > 0
            assert item.status not in (Pace.PAUSED, Pace.NOT_STARTED)
            assert item.projected_at >= now


@given(
    st.integers(1, 730),
    st.integers(1, 60),
    st.floats(PROJECTION_MIN_WORK_SHARE, 1.0),
    st.floats(PROJECTION_MIN_ELAPSED_SHARE, 0.99),
    st.integers(0, 40),
)
def test_with_the_evidence_a_pending_milestone_always_has_a_date(
    length_days, required, work_share, elapsed_share, days_to_go
):
    done = max(1, -(-int(required * work_share * 1000) // 1000))
    assume(done >= required * PROJECTION_MIN_WORK_SHARE and done <= required)
    begins = horizons(length_days)[Milestone.ACQUAINTED]
    stretch = horizons(length_days)[Milestone.E_LISTENER] - begins
    now = START + begins + stretch * elapsed_share
    assume((now - START - begins) / stretch >= PROJECTION_MIN_ELAPSED_SHARE)
    enrolment = facts(
        length_days=length_days,
        e_listener=MilestoneWork(done=done, required=required, days_to_go=days_to_go),
    )
    item = projection(enrolment, now)
    assert item.projected_at is not None
    assert item.projected_at >= now + timedelta(days=days_to_go)


@given(enrolments_with_days(), offsets.map(minutes))
def test_the_pace_sentence_names_a_date_only_when_there_is_a_projection(enrolment, now):
    assessment = assess(enrolment, now)
    assume(assessment.next_milestone is not None)
    current = assessment.for_milestone(assessment.next_milestone)
    message = pace_message(assessment, UTC_ZONE, now, remaining=3)
    says_a_date = "get there on" in message
    assert says_a_date == (
        current.projected_at is not None
        and current.status in (Pace.AHEAD, Pace.ON_TRACK, Pace.AT_RISK)
    )
