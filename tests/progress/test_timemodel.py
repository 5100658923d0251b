"""The pure time model: horizons, due dates, pace, projection, stable following.

No database and no Django: every rule is checked with facts and an explicit now.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progress.timemodel import (
    AHEAD_MARGIN,
    AT_RISK_TOLERANCE,
    MILESTONE_LABELS,
    PACE_LABELS,
    PACE_ORDER,
    EnrolmentFacts,
    Milestone,
    MilestoneWork,
    Pace,
    Pause,
    assess,
    due_dates,
    horizons,
    horizons_needed,
    milestone_work,
    pace_rank,
    required_listening_days,
    stable_following,
)

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def at(days: float) -> datetime:
    return START + timedelta(days=days)


def facts(
    *,
    length_days: int = 365,
    pauses: tuple[Pause, ...] = (),
    start: datetime = START,
    **work: MilestoneWork,
) -> EnrolmentFacts:
    """Every milestone has 10 units of work and none done, unless told otherwise."""
    return EnrolmentFacts(
        start,
        length_days,
        pauses,
        work={
            milestone: work.get(milestone.name.lower(), MilestoneWork(done=0, required=10))
            for milestone in Milestone
        },
    )


def status_of(enrolment: EnrolmentFacts, now: datetime, milestone: Milestone) -> Pace:
    return assess(enrolment, now).for_milestone(milestone).status


# Horizons and due dates


def test_standard_year_has_horizons_of_one_thirty_and_365_days():
    assert horizons(365) == {
        Milestone.ACQUAINTED: timedelta(days=1),
        Milestone.E_LISTENER: timedelta(days=30),
        Milestone.ACTIVE: timedelta(days=365),
    }


def test_short_course_keeps_the_ratio():
    # A fifth of a year: the shares are whole microseconds, so they are exact.
    assert horizons(73) == {
        Milestone.ACQUAINTED: timedelta(hours=4, minutes=48),
        Milestone.E_LISTENER: timedelta(days=6),
        Milestone.ACTIVE: timedelta(days=73),
    }


def test_tenth_of_a_year_course_has_a_month_of_about_three_days():
    course = horizons(36)
    assert course[Milestone.ACTIVE] == timedelta(days=36)
    assert abs(course[Milestone.E_LISTENER] - timedelta(days=36 * 30 / 365)) < timedelta(
        microseconds=1
    )
    assert abs(course[Milestone.ACQUAINTED] * 30 - course[Milestone.E_LISTENER]) < timedelta(
        microseconds=30
    )


def test_due_dates_without_pauses_are_start_plus_horizon():
    assert due_dates(START, 365, (), at(100)) == {
        Milestone.ACQUAINTED: at(1),
        Milestone.E_LISTENER: at(30),
        Milestone.ACTIVE: at(365),
    }


def test_closed_pause_shifts_due_dates_still_ahead():
    due = due_dates(START, 365, (Pause(at(5), at(15)),), at(100))
    assert due[Milestone.E_LISTENER] == at(40)
    assert due[Milestone.ACTIVE] == at(375)


def test_pause_after_a_milestone_was_due_does_not_move_it():
    due = due_dates(START, 365, (Pause(at(5), at(15)),), at(100))
    assert due[Milestone.ACQUAINTED] == at(1)


def test_open_pause_shifts_due_dates_until_now():
    due = due_dates(START, 365, (Pause(at(10)),), at(16))
    assert due[Milestone.E_LISTENER] == at(36)


def test_pause_not_yet_begun_does_not_shift_due_dates():
    due = due_dates(START, 365, (Pause(at(20), at(25)),), at(10))
    assert due[Milestone.E_LISTENER] == at(30)


def test_overlapping_pauses_count_once():
    due = due_dates(START, 365, (Pause(at(5), at(15)), Pause(at(10), at(20))), at(100))
    assert due[Milestone.E_LISTENER] == at(45)


def test_pause_before_the_start_counts_only_from_the_start():
    due = due_dates(START, 365, (Pause(at(-10), at(5)),), at(100))
    assert due[Milestone.ACQUAINTED] == at(6)


# Pace


def test_more_work_than_elapsed_time_plus_margin_is_ahead():
    enrolment = facts(e_listener=MilestoneWork(done=7, required=10))
    assert status_of(enrolment, at(15), Milestone.E_LISTENER) == Pace.AHEAD


def test_work_matching_elapsed_time_is_on_track():
    enrolment = facts(e_listener=MilestoneWork(done=5, required=10))
    assert status_of(enrolment, at(15), Milestone.E_LISTENER) == Pace.ON_TRACK


def test_work_well_behind_elapsed_time_is_at_risk():
    enrolment = facts(e_listener=MilestoneWork(done=2, required=10))
    assert status_of(enrolment, at(15), Milestone.E_LISTENER) == Pace.AT_RISK


def test_pending_milestone_past_its_due_date_is_overdue():
    enrolment = facts(e_listener=MilestoneWork(done=9, required=10))
    assert status_of(enrolment, at(31), Milestone.E_LISTENER) == Pace.OVERDUE


def test_nothing_done_at_the_start_is_on_track():
    assert status_of(facts(), START, Milestone.E_LISTENER) == Pace.ON_TRACK


def test_pace_thresholds_leave_room_for_lumpy_work():
    assert 0 < AHEAD_MARGIN < AT_RISK_TOLERANCE < 0.5


def test_milestone_achieved_by_its_due_date_is_on_time():
    enrolment = facts(acquainted=MilestoneWork(done=3, required=3, achieved_at=at(0.5)))
    assessment = assess(enrolment, at(10)).for_milestone(Milestone.ACQUAINTED)
    assert assessment.status == Pace.ACHIEVED_ON_TIME
    assert assessment.on_time is True
    assert assessment.projected_at is None


def test_milestone_achieved_after_its_due_date_is_late():
    enrolment = facts(acquainted=MilestoneWork(done=3, required=3, achieved_at=at(2)))
    assessment = assess(enrolment, at(10)).for_milestone(Milestone.ACQUAINTED)
    assert assessment.status == Pace.ACHIEVED_LATE
    assert assessment.on_time is False


def test_pause_before_achievement_can_make_it_on_time():
    enrolment = facts(
        pauses=(Pause(at(0.5), at(3)),),
        acquainted=MilestoneWork(done=3, required=3, achieved_at=at(2)),
    )
    assert status_of(enrolment, at(10), Milestone.ACQUAINTED) == Pace.ACHIEVED_ON_TIME


def test_achievement_dated_after_now_is_not_yet_counted():
    enrolment = facts(acquainted=MilestoneWork(done=3, required=3, achieved_at=at(0.9)))
    assessment = assess(enrolment, at(0.5)).for_milestone(Milestone.ACQUAINTED)
    assert assessment.achieved_at is None
    assert assessment.on_time is None
    assert assessment.status == Pace.AHEAD


def test_open_pause_is_never_overdue():
    enrolment = facts(pauses=(Pause(at(50)),))
    enrolment_assessment = assess(enrolment, at(400))
    assert [item.status for item in enrolment_assessment.milestones] == [Pace.PAUSED] * 3
    assert enrolment_assessment.pace == Pace.PAUSED


def test_pause_ending_after_now_still_pauses():
    enrolment = facts(pauses=(Pause(at(50), at(500)),))
    assert status_of(enrolment, at(400), Milestone.ACTIVE) == Pace.PAUSED


def test_pause_keeps_achieved_milestones_achieved():
    enrolment = facts(
        pauses=(Pause(at(5)),),
        acquainted=MilestoneWork(done=3, required=3, achieved_at=at(0.5)),
    )
    assert status_of(enrolment, at(10), Milestone.ACQUAINTED) == Pace.ACHIEVED_ON_TIME


def test_paused_time_does_not_count_as_elapsed():
    enrolment = facts(pauses=(Pause(at(5), at(20)),), e_listener=MilestoneWork(2, 10))
    assessment = assess(enrolment, at(20)).for_milestone(Milestone.E_LISTENER)
    assert assessment.elapsed_share == pytest.approx(5 / 30)
    assert assessment.status == Pace.ON_TRACK


def test_now_before_start_is_not_started():
    enrolment_assessment = assess(facts(), at(-3))
    assert [item.status for item in enrolment_assessment.milestones] == [Pace.NOT_STARTED] * 3
    assert all(item.elapsed_share == 0 for item in enrolment_assessment.milestones)
    assert enrolment_assessment.pace == Pace.NOT_STARTED


def test_elapsed_share_is_clamped_but_unclamped_value_is_kept():
    assessment = assess(facts(), at(60)).for_milestone(Milestone.E_LISTENER)
    assert assessment.elapsed_share == 1.0
    assert assessment.elapsed_share_unclamped == pytest.approx(2.0)


def test_no_required_work_counts_as_all_done():
    enrolment = facts(e_listener=MilestoneWork(done=0, required=0))
    assert assess(enrolment, at(10)).for_milestone(Milestone.E_LISTENER).work_share == 1.0


def test_work_share_never_exceeds_one():
    enrolment = facts(e_listener=MilestoneWork(done=15, required=10))
    assert assess(enrolment, at(10)).for_milestone(Milestone.E_LISTENER).work_share == 1.0


def test_datetimes_in_different_time_zones_compare_by_instant():
    plus_three = timezone(timedelta(hours=3))
    enrolment = facts(start=START.astimezone(plus_three), e_listener=MilestoneWork(9, 10))
    assert status_of(enrolment, at(30), Milestone.E_LISTENER) == Pace.ON_TRACK
    assert status_of(enrolment, at(30) + timedelta(seconds=1), Milestone.E_LISTENER) == (
        Pace.OVERDUE
    )


# Projection


def test_projection_extends_the_current_rate():
    enrolment = facts(e_listener=MilestoneWork(done=2, required=10))
    # The month's own stretch began after the first day: 2 units in 9 days,
    # so 8 more take 36.
    assert assess(enrolment, at(10)).for_milestone(Milestone.E_LISTENER).projected_at == at(46)


def test_projection_ignores_paused_time():
    enrolment = facts(pauses=(Pause(at(2), at(7)),), e_listener=MilestoneWork(2, 10))
    # 4 active days of the month's stretch for 2 units: 8 more units take 16 days.
    assert assess(enrolment, at(10)).for_milestone(Milestone.E_LISTENER).projected_at == at(26)


def test_year_projection_reads_the_rate_of_the_years_own_work():
    # The day's and the month's work went fast, as they should; the year's
    # rate is read from the year's own work only: 15 units in the 70 days
    # since the month's horizon, so the 43 left (the stable following among
    # them) take 70 x 43 / 15 days.
    work = milestone_work(
        {"day": 13, "month": 17, "year": 57},
        {"day": 13, "month": 17, "year": 15},
        stable_following=False,
    )
    projected = assess(facts(**work_by_name(work)), at(100)).for_milestone(Milestone.ACTIVE)
    assert projected.projected_at == at(100) + timedelta(days=70) * 43 / 15


def test_projection_when_work_is_complete_is_now():
    enrolment = facts(e_listener=MilestoneWork(done=10, required=10))
    assert assess(enrolment, at(10)).for_milestone(Milestone.E_LISTENER).projected_at == at(10)


def test_no_projection_without_work_or_elapsed_time():
    assert assess(facts(), at(10)).for_milestone(Milestone.E_LISTENER).projected_at is None
    enrolment = facts(e_listener=MilestoneWork(done=2, required=10))
    assert assess(enrolment, START).for_milestone(Milestone.E_LISTENER).projected_at is None


def test_no_projection_beyond_the_calendar():
    enrolment = facts(active=MilestoneWork(done=1, required=10**9))
    assert assess(enrolment, at(365)).for_milestone(Milestone.ACTIVE).projected_at is None


# The standard schedule: earlier milestones' work is due by their own dates


def work_by_name(work):
    return {milestone.name.lower(): item for milestone, item in work.items()}


SHIPPED = {"day": 13, "month": 17, "year": 57}


def year_pace(done_in_year: int, day: float) -> Pace:
    work = milestone_work(
        SHIPPED, {"day": 13, "month": 17, "year": done_in_year}, stable_following=False
    )
    work[Milestone.ACQUAINTED] = replace(work[Milestone.ACQUAINTED], achieved_at=at(1))
    work[Milestone.E_LISTENER] = replace(work[Milestone.E_LISTENER], achieved_at=at(29))
    return status_of(facts(**work_by_name(work)), at(day), Milestone.ACTIVE)


def test_a_learner_on_the_standard_schedule_is_on_track_for_the_year_not_ahead():
    # Day 100 on schedule: the day's and the month's work done, and the year's
    # own work done for 70 of its 335 days. A third of all the work is the
    # day's and the month's, so comparing all the work with a year's elapsed
    # share would call every punctual learner "ahead".
    assert year_pace(round(57 * 70 / 335), 100) == Pace.ON_TRACK


def test_the_years_own_work_sets_the_year_pace():
    assert year_pace(40, 100) == Pace.AHEAD
    assert year_pace(0, 150) == Pace.AT_RISK
    assert year_pace(25, 150) == Pace.ON_TRACK


def test_the_expected_share_follows_the_schedule_of_every_horizon():
    work = milestone_work(SHIPPED, {}, stable_following=False)
    result = assess(facts(**work_by_name(work)), at(15.5))
    expected = {item.milestone: item.expected_share for item in result.milestones}
    assert expected[Milestone.ACQUAINTED] == 1.0
    assert expected[Milestone.E_LISTENER] == pytest.approx((13 + 17 * 0.5) / 30)
    assert expected[Milestone.ACTIVE] == pytest.approx((13 + 17 * 0.5) / 88)


def test_milestone_work_says_which_part_is_earlier_work():
    work = milestone_work(SHIPPED, {"day": 20, "month": 5}, stable_following=True)
    assert (work[Milestone.ACQUAINTED].done, work[Milestone.ACQUAINTED].required) == (13, 13)
    assert work[Milestone.ACQUAINTED].required_before == 0
    month = work[Milestone.E_LISTENER]
    assert (month.done, month.required, month.done_before, month.required_before) == (
        18,
        30,
        13,
        13,
    )
    year = work[Milestone.ACTIVE]
    assert (year.done, year.required, year.done_before, year.required_before) == (19, 88, 18, 30)


# The enrolment as a whole


def test_next_milestone_is_the_first_not_achieved_and_sets_the_pace():
    enrolment = facts(
        acquainted=MilestoneWork(done=3, required=3, achieved_at=at(0.5)),
        e_listener=MilestoneWork(done=2, required=10),
    )
    enrolment_assessment = assess(enrolment, at(15))
    assert [item.milestone for item in enrolment_assessment.milestones] == list(Milestone)
    assert enrolment_assessment.next_milestone == Milestone.E_LISTENER
    assert enrolment_assessment.pace == Pace.AT_RISK


def test_all_achieved_takes_the_pace_of_the_last_milestone():
    enrolment = facts(
        acquainted=MilestoneWork(3, 3, achieved_at=at(0.5)),
        e_listener=MilestoneWork(10, 10, achieved_at=at(20)),
        active=MilestoneWork(10, 10, achieved_at=at(370)),
    )
    enrolment_assessment = assess(enrolment, at(400))
    assert enrolment_assessment.next_milestone is None
    assert enrolment_assessment.pace == Pace.ACHIEVED_LATE


# Stable following


def monthly(*counts: int, spacing: timedelta = 30 * DAY) -> list[tuple[datetime, int]]:
    return [(START + spacing * index, count) for index, count in enumerate(counts)]


def test_three_monthly_check_ins_that_grow_are_stable():
    assert stable_following(monthly(100, 120, 150), 365)


def test_followers_that_hold_are_stable():
    assert stable_following(monthly(100, 100, 100), 365)


def test_a_drop_in_followers_is_not_stable():
    assert not stable_following(monthly(100, 90, 150), 365)


def test_a_run_after_a_drop_is_stable():
    assert stable_following(monthly(100, 50, 60, 70), 365)


def test_a_drop_after_a_run_does_not_undo_it():
    assert stable_following(monthly(100, 110, 120, 10), 365)


def test_fewer_than_three_check_ins_are_not_stable():
    assert not stable_following(monthly(100, 200), 365)
    assert not stable_following([], 365)


def test_check_ins_too_close_together_are_not_stable():
    assert not stable_following(monthly(100, 120, 150, 170, spacing=22 * DAY), 365)


def test_check_ins_three_quarters_of_a_month_apart_are_enough():
    assert stable_following(monthly(100, 120, 150, spacing=timedelta(days=22.5)), 365)


def test_extra_check_ins_within_a_month_are_skipped():
    checkins = [*monthly(100, 120, 150), (at(10), 50), (at(40), 20)]
    assert stable_following(checkins, 365)


def test_check_ins_are_taken_in_time_order():
    assert stable_following(list(reversed(monthly(100, 120, 150))), 365)


def test_short_course_shortens_the_month_between_check_ins():
    assert stable_following(monthly(100, 120, 150, spacing=6 * DAY), 73)
    assert not stable_following(monthly(100, 120, 150, spacing=4 * DAY), 73)


# Listening days


def test_standard_year_asks_for_the_content_listening_days():
    assert required_listening_days(5, 365) == 5


def test_short_course_caps_listening_days_at_whole_days_in_its_month():
    assert required_listening_days(5, 36) == 2
    assert required_listening_days(5, 73) == 5
    assert required_listening_days(10, 73) == 6


def test_at_least_one_listening_day_is_asked():
    assert required_listening_days(5, 1) == 1


def test_longer_course_does_not_ask_for_more_listening_days():
    assert required_listening_days(5, 730) == 5


# Validation


@pytest.mark.parametrize("length_days", [0, -1])
def test_length_below_one_day_is_rejected(length_days):
    with pytest.raises(ValueError, match="length_days"):
        horizons(length_days)
    with pytest.raises(ValueError, match="length_days"):
        facts(length_days=length_days)


def test_naive_datetimes_are_rejected():
    naive = datetime(2025, 1, 6, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        facts(start=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        assess(facts(), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        Pause(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        MilestoneWork(1, 1, achieved_at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        stable_following([(naive, 1)], 365)
    with pytest.raises(ValueError, match="timezone-aware"):
        due_dates(START, 365, (), naive)


def test_pause_ending_before_it_starts_is_rejected():
    with pytest.raises(ValueError, match="before it starts"):
        Pause(at(5), at(4))


def test_negative_work_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        MilestoneWork(done=-1, required=3)


def test_work_missing_for_a_milestone_is_rejected():
    with pytest.raises(ValueError, match="e_listener"):
        EnrolmentFacts(START, work={Milestone.ACQUAINTED: MilestoneWork(0, 1)})


def test_listening_days_below_one_are_rejected():
    with pytest.raises(ValueError, match="required_days"):
        required_listening_days(0, 365)


# Properties

lengths = st.integers(min_value=1, max_value=5000)
short_lengths = st.integers(min_value=1, max_value=730)
# Offsets in minutes from START, from a month before to about three years after.
offsets = st.integers(min_value=-30 * 24 * 60, max_value=1100 * 24 * 60)


def minutes(offset: int) -> datetime:
    return START + timedelta(minutes=offset)


@st.composite
def pauses(draw) -> Pause:
    begin = draw(offsets)
    if draw(st.booleans()):
        return Pause(minutes(begin))
    return Pause(minutes(begin), minutes(begin + draw(st.integers(0, 200 * 24 * 60))))


@st.composite
def work_facts(draw) -> MilestoneWork:
    required = draw(st.integers(0, 50))
    done = draw(st.integers(0, 60))
    achieved_at = draw(st.none() | offsets.map(minutes))
    return MilestoneWork(done=done, required=required, achieved_at=achieved_at)


@st.composite
def enrolments(draw) -> EnrolmentFacts:
    return EnrolmentFacts(
        START,
        draw(short_lengths),
        tuple(draw(st.lists(pauses(), max_size=3))),
        work={milestone: draw(work_facts()) for milestone in Milestone},
    )


def replace_work(enrolment: EnrolmentFacts, milestone: Milestone, work: MilestoneWork):
    return EnrolmentFacts(
        enrolment.start,
        enrolment.length_days,
        enrolment.pauses,
        work={**enrolment.work, milestone: work},
    )


def is_paused_at(pauses_: tuple[Pause, ...], now: datetime) -> bool:
    return any(p.start <= now and (p.end is None or p.end > now) for p in pauses_)


@given(lengths)
def test_horizons_keep_the_1_30_365_ratio_for_any_length(length_days):
    course = horizons(length_days)
    day = course[Milestone.ACQUAINTED]
    # Each horizon is rounded to the microsecond on its own.
    assert abs(course[Milestone.E_LISTENER] - day * 30) <= timedelta(microseconds=30)
    assert abs(course[Milestone.ACTIVE] - day * 365) <= timedelta(microseconds=365)
    assert course[Milestone.ACTIVE] == timedelta(days=length_days)


@given(short_lengths, st.lists(pauses(), max_size=4), offsets.map(minutes))
def test_due_dates_are_in_milestone_order(length_days, pause_list, now):
    due = due_dates(START, length_days, pause_list, now)
    assert due[Milestone.ACQUAINTED] <= due[Milestone.E_LISTENER] <= due[Milestone.ACTIVE]


@given(enrolments(), pauses(), offsets.map(minutes))
def test_adding_a_pause_never_makes_a_learner_later(enrolment, extra_pause, now):
    more_paused = EnrolmentFacts(
        enrolment.start,
        enrolment.length_days,
        (*enrolment.pauses, extra_pause),
        work=enrolment.work,
    )
    before, after = assess(enrolment, now), assess(more_paused, now)
    for old, new in zip(before.milestones, after.milestones, strict=True):
        assert new.due_at >= old.due_at
        if is_paused_at(more_paused.pauses, now) and now >= START and new.achieved_at is None:
            assert new.status == Pace.PAUSED
        else:
            assert pace_rank(new.status) <= pace_rank(old.status)


@given(enrolments(), st.sampled_from(list(Milestone)), st.integers(0, 20), offsets, offsets)
def test_more_work_never_worsens_pace(enrolment, milestone, extra_done, achieve_at, now_at):
    now = minutes(max(achieve_at, now_at))
    work = enrolment.work[milestone]
    more_done = MilestoneWork(work.done + extra_done, work.required, work.achieved_at)
    achieved = MilestoneWork(
        work.done + extra_done, work.required, work.achieved_at or minutes(achieve_at)
    )
    old = status_of(enrolment, now, milestone)
    for better in (more_done, achieved):
        new = status_of(replace_work(enrolment, milestone, better), now, milestone)
        assert pace_rank(new) <= pace_rank(old)


@given(enrolments(), st.integers(min_value=1, max_value=10**7))
def test_now_before_start_is_handled_for_any_inputs(enrolment, minutes_before):
    now = START - timedelta(minutes=minutes_before)
    enrolment_assessment = assess(enrolment, now)
    for item, horizon in zip(
        enrolment_assessment.milestones, horizons(enrolment.length_days).values(), strict=True
    ):
        assert item.due_at == START + horizon
        assert item.elapsed_share == 0
        assert item.projected_at is None
        assert item.status in (Pace.NOT_STARTED, Pace.ACHIEVED_ON_TIME)


@given(enrolments(), offsets.map(minutes))
def test_shares_stay_between_zero_and_one(enrolment, now):
    for item in assess(enrolment, now).milestones:
        assert 0 <= item.elapsed_share <= 1
        assert 0 <= item.work_share <= 1


@given(short_lengths, st.lists(st.integers(0, 10**6), min_size=3, max_size=8))
def test_monthly_check_ins_that_never_drop_are_stable(length_days, counts):
    month = horizons(length_days)[Milestone.E_LISTENER]
    assert stable_following(monthly(*sorted(counts), spacing=month), length_days)


@given(short_lengths, st.lists(st.integers(0, 10**6), max_size=8, unique=True))
def test_check_ins_that_keep_dropping_are_never_stable(length_days, counts):
    month = horizons(length_days)[Milestone.E_LISTENER]
    assert not stable_following(monthly(*sorted(counts, reverse=True), spacing=month), length_days)


def test_pace_order_names_every_status_once():
    assert sorted(PACE_ORDER) == sorted(Pace)


def test_pace_order_puts_pending_paces_before_settled_ones_worst_first():
    assert PACE_ORDER[0] is Pace.OVERDUE
    assert PACE_ORDER[-2:] == (Pace.ACHIEVED_LATE, Pace.ACHIEVED_ON_TIME)
    assert pace_rank(Pace.ACHIEVED_ON_TIME) == 0
    assert pace_rank(Pace.ACHIEVED_LATE) < pace_rank(Pace.ON_TRACK) < pace_rank(Pace.OVERDUE)
    # Finishing a milestone that was overdue before a pause is never a step back.
    assert pace_rank(Pace.ACHIEVED_LATE) < pace_rank(Pace.PAUSED)


def test_every_milestone_and_pace_has_one_label():
    assert list(MILESTONE_LABELS) == list(Milestone)
    assert list(PACE_LABELS) == list(Pace)
    assert Milestone.E_LISTENER.label == "e-Listener"
    assert Pace.AT_RISK.label == "at risk"


def test_a_milestone_needs_its_own_horizon_and_the_earlier_ones():
    assert horizons_needed(Milestone.ACQUAINTED) == ("day",)
    assert horizons_needed(Milestone.E_LISTENER) == ("day", "month")
    assert horizons_needed(Milestone.ACTIVE) == ("day", "month", "year")


def test_milestone_work_adds_up_earlier_horizons_and_the_following():
    work = milestone_work(
        {"day": 3, "month": 10, "year": 40},
        {"day": 3, "month": 4},
        stable_following=False,
        achieved={Milestone.ACQUAINTED: at(0.5)},
    )
    assert work == {
        Milestone.ACQUAINTED: MilestoneWork(3, 3, achieved_at=at(0.5)),
        Milestone.E_LISTENER: MilestoneWork(7, 13, done_before=3, required_before=3),
        Milestone.ACTIVE: MilestoneWork(7, 54, done_before=7, required_before=13),
    }
    stable = milestone_work({"day": 3}, {"day": 3}, stable_following=True)
    assert stable[Milestone.ACTIVE] == MilestoneWork(4, 4, done_before=3, required_before=3)


def test_milestone_work_reads_achievements_keyed_by_code():
    # Rows give milestone codes as plain strings.
    work = milestone_work({}, {}, stable_following=False, achieved={"e_listener": at(20)})
    assert work[Milestone.E_LISTENER].achieved_at == at(20)
    assert work[Milestone.ACQUAINTED].achieved_at is None


def test_milestone_work_never_counts_more_done_than_required():
    work = milestone_work({"day": 2}, {"day": 5}, stable_following=True)
    assert work[Milestone.ACQUAINTED] == MilestoneWork(2, 2)
