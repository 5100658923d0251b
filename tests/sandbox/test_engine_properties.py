"""The engine's promises, for any run: a log replayed reaches the same state,
the clock never goes backwards, a pause moves every later event, accounts
appear once and stay, counts add the learner's like and share to the
script's, and a post's text cut into pieces is the same text."""

import json
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.engine import Action, Clock, ClockError, LogError, append, pieces, replay
from sandbox.engine.run import ACTION_KINDS, check_action
from tests.sandbox.engine_helpers import consular

WORDS = st.text(alphabet="abc xyz@#:/.", min_size=1, max_size=300)
STEPS = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=6, allow_nan=False),  # minutes since the last
        st.sampled_from(ACTION_KINDS),
        st.integers(min_value=0, max_value=40),  # which target
        WORDS,
    ),
    max_size=25,
)


def build_log(steps) -> tuple[Action, ...]:
    """A valid log from random steps: each step aims at something that exists
    then, and a step the platform refuses is left out, as the page would."""
    scenario, log, minute = consular(), (), 0.0
    handles = [a.handle for a in scenario.accounts if a.handle != scenario.learner]
    for gap, kind, pick, text in steps:
        minute = round(minute + gap, 2)
        state = replay(scenario, log, minute)
        items = [i.id for i in state.timeline] + [i.id for i in state.scheduled]
        drafts = [d.id for d in state.drafts]
        target = {
            "reply": items,
            "quote": items,
            "delete": items,
            "pin": items,
            "like": items,
            "unlike": items,
            "share": items,
            "unshare": items,
            "publish_draft": drafts,
            "clearance_answer": drafts,
        }.get(kind, handles)
        action = Action(
            kind=kind,
            at=minute,
            target=target[pick % len(target)] if target else "",
            text=text,
            parts=(text, text[::-1]) if kind == "thread" else (),
            publish_at=minute + 1 + pick if kind == "schedule" else None,
            image="a photograph" if pick % 3 == 0 else "",
            alt_text="described" if pick % 2 == 0 else "",
        )
        try:
            log = append(scenario, log, action)
        except LogError:
            continue
    return log


@settings(max_examples=60, deadline=None)
@given(STEPS, st.floats(min_value=0, max_value=90, allow_nan=False))
def test_a_run_replayed_from_its_stored_log_reaches_the_same_state(steps, now):
    scenario = consular()
    log = build_log(steps)
    stored = json.loads(json.dumps([action.to_dict() for action in log]))
    restored = tuple(Action.from_dict(data) for data in stored)

    assert restored == log
    assert replay(scenario, restored, now) == replay(scenario, log, now)


@settings(max_examples=60, deadline=None)
@given(STEPS, st.floats(min_value=0, max_value=90, allow_nan=False))
def test_later_actions_never_change_what_happened_before(steps, now):
    scenario = consular()
    log = build_log(steps)
    before = tuple(action for action in log if action.at <= now)

    assert replay(scenario, log, now) == replay(scenario, before, now)


@settings(max_examples=40, deadline=None)
@given(STEPS, st.floats(min_value=0.01, max_value=30, allow_nan=False))
def test_the_log_refuses_an_action_earlier_than_its_last(steps, earlier):
    scenario = consular()
    log = build_log(steps)
    if not log:
        return
    late = Action("follow", at=max(0.0, log[-1].at - earlier), target="@MeridiaCivilProt")
    if late.at == log[-1].at:
        return

    with pytest.raises(LogError) as refused:
        append(scenario, log, late)
    assert refused.value.code == "clock_backwards"


@settings(max_examples=60, deadline=None)
@given(
    STEPS,
    st.floats(min_value=0, max_value=90, allow_nan=False),
    st.floats(min_value=0, max_value=90, allow_nan=False),
)
def test_an_account_once_appeared_stays_in_its_place(steps, earlier, later):
    scenario = consular()
    log = build_log(steps)
    earlier, later = sorted((earlier, later))
    before, after = replay(scenario, log, earlier), replay(scenario, log, later)

    assert after.appeared[: len(before.appeared)] == before.appeared
    assert len(set(after.appeared)) == len(after.appeared)
    # Whoever wrote something the learner sees has appeared.
    assert {item.author for item in after.timeline} <= set(after.appeared)


@settings(max_examples=60, deadline=None)
@given(STEPS, st.floats(min_value=0, max_value=90, allow_nan=False))
def test_counts_are_the_scripts_plus_the_learners_like_and_share(steps, now):
    scenario = consular()
    log = build_log(steps)
    state = replay(scenario, log, now)

    for item in state.timeline:
        event = scenario.event(item.id)
        likes, shares = (event.likes, event.shares) if event else (0, 0)
        assert item.liked == (item.id in state.liked)
        assert item.shared == (item.id in state.shared)
        assert (item.likes, item.shares) == (likes + item.liked, shares + item.shared)
    for share in (item for item in state.timeline if item.kind == "share"):
        assert state.item(share.reply_to).shared


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab _@#:/.()é1\n", max_size=80) | WORDS)
def test_a_text_cut_into_pieces_is_the_same_text(text):
    cut = pieces(text)

    assert "".join(piece.text for piece in cut) == text
    assert all(piece.text for piece in cut)
    assert all(a.kind != "text" or b.kind != "text" for a, b in pairwise(cut))


# A clock's life: alternate pause and resume at increasing real seconds.
MOMENTS = st.lists(st.floats(min_value=0, max_value=600, allow_nan=False), max_size=12)


def clock_from(gaps, speed=10.0) -> tuple[Clock, float]:
    clock, seconds = Clock(speed), 0.0
    for gap in gaps:
        seconds += gap
        clock = clock.resume(seconds) if clock.paused else clock.pause(seconds)
    return clock, seconds


@settings(max_examples=100, deadline=None)
@given(MOMENTS, st.lists(st.floats(min_value=0, max_value=5000, allow_nan=False), max_size=30))
def test_the_clock_never_goes_backwards(gaps, probes):
    clock, _ = clock_from(gaps)
    minutes = [clock.minute_at(seconds) for seconds in sorted(probes)]

    assert minutes == sorted(minutes)


@settings(max_examples=100, deadline=None)
@given(
    MOMENTS,
    st.floats(min_value=0, max_value=600, allow_nan=False),  # when the new pause starts
    st.floats(min_value=0.5, max_value=600, allow_nan=False),  # how long it lasts
    st.lists(st.floats(min_value=0, max_value=200, allow_nan=False), min_size=1, max_size=20),
)
def test_pausing_moves_every_later_event_by_the_pause(gaps, after, length, event_minutes):
    clock, seconds = clock_from(gaps)
    if clock.paused:
        clock = clock.resume(seconds)
    start = seconds + after
    paused = clock.pause(start).resume(start + length)
    pause_minute = clock.minute_at(start)

    for minute in event_minutes:
        if abs(minute - pause_minute) < 1e-6:
            continue  # at the pause itself: either side is right
        moved = paused.seconds_for(minute) - clock.seconds_for(minute)
        if minute > pause_minute:
            assert moved == pytest.approx(length, abs=1e-6)
        else:
            assert moved == pytest.approx(0, abs=1e-6)


def test_a_clock_cannot_resume_before_it_paused_nor_pause_twice():
    clock = Clock(10).pause(30)

    with pytest.raises(ClockError):
        clock.pause(40)
    with pytest.raises(ClockError):
        clock.resume(20)
    assert clock.seconds_for(100) is None  # paused for good: minute 100 never comes


def test_the_helper_builds_logs_of_every_kind():
    # The control for the properties: the random logs are not all empty.
    steps = [(1, kind, 0, "hello @ana_travels_sim") for kind in ACTION_KINDS] * 2
    kinds = {action.kind for action in build_log(steps)}

    assert {"reply", "post", "report", "request_clearance", "follow", "like", "share"} <= kinds
    assert check_action  # imported for the page's use too
