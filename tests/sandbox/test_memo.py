"""The process's memo of scenarios, logs and folds serves a result only while
its inputs are the ones it was computed from: the same page twice folds once,
and a new action, another minute or a reloaded scenario folds afresh."""

import copy
import datetime
from pathlib import Path

import yaml

from sandbox import engine, memo
from sandbox.models import Run, Scenario

DATA = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "sandbox/scenarios/consular-earthquake.yaml").read_text()
)
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(minute: float) -> datetime.datetime:
    """The wall time at which a run started at START, at 10x, reaches `minute`."""
    return START + datetime.timedelta(minutes=minute / 10)


def scenario_row(data=DATA, pk=9001) -> Scenario:
    return Scenario(pk=pk, slug="consular-earthquake", title="t", summary="s", data=data)


def run_row(log: list[dict], pk=9001, scenario=None, trainer_clears=False) -> Run:
    """A run as one request reads it: a fresh instance of the same row."""
    return Run(
        pk=pk,
        learner_id=1,
        scenario=scenario or scenario_row(),
        started_at=START,
        speed=10,
        log=copy.deepcopy(log),
        trainer_clears=trainer_clears,
    )


POST = {"kind": "post", "at": 4.0, "text": "We are here to help.", "token": "a"}
REPLY = {"kind": "reply", "at": 6.0, "target": "ana-question", "text": "Register.", "token": "b"}


def test_the_same_run_read_by_two_requests_is_folded_once():
    first = run_row([POST]).state(at(20))
    again = run_row([POST]).state(at(20))

    assert again is first
    assert first == engine.replay(scenario_row().engine, run_row([POST]).actions(), 20)


def test_a_new_action_another_minute_or_a_rewritten_entry_folds_afresh():
    before = run_row([POST]).state(at(20))

    longer = run_row([POST, REPLY]).state(at(20))
    later = run_row([POST, REPLY]).state(at(30))
    rewritten = run_row([{**POST, "text": "Something else."}, REPLY]).state(at(30))

    assert "me-2" not in {item.id for item in before.timeline}
    assert "me-2" in {item.id for item in longer.timeline}
    assert later.minute == 30 and longer.minute == 20
    assert rewritten.mine[0].text == "Something else."
    for state, log, minute in ((longer, [POST, REPLY], 20), (rewritten, None, 30)):
        actions = run_row(log or [{**POST, "text": "Something else."}, REPLY]).actions()
        assert state == engine.replay(scenario_row().engine, actions, minute)


def test_a_replay_at_an_earlier_minute_is_its_own_fold():
    now = run_row([POST, REPLY]).state(at(30))
    replayed = run_row([POST, REPLY]).state(at(30), at=5)

    assert replayed.minute == 5 and now.minute == 30
    assert "me-2" not in {item.id for item in replayed.timeline}


def test_a_reloaded_scenario_is_parsed_again_and_its_runs_folded_again():
    changed = copy.deepcopy(DATA)
    changed["duration"] = 120
    old = run_row([POST]).state(at(100))

    new = run_row([POST], scenario=scenario_row(changed)).state(at(100))

    assert old.minute == 90 and new.minute == 100
    assert scenario_row(changed).engine.duration == 120
    assert scenario_row().engine.duration == DATA["duration"]


def test_a_run_whose_trainer_clears_drafts_is_folded_with_the_trainer_as_approver():
    draft = {"kind": "request_clearance", "at": 4.0, "text": "A statement.", "token": "d"}

    scripted = run_row([draft]).state(at(30))
    waiting = run_row([draft], trainer_clears=True).state(at(30))

    assert scripted.drafts[0].status == "approved"
    assert waiting.drafts[0].status == "pending"
    assert (
        run_row([draft], trainer_clears=True).engine is run_row([draft], trainer_clears=True).engine
    )


def test_a_run_shown_in_two_languages_keeps_a_fold_in_each():
    french_data = yaml.safe_load(
        (
            Path(__file__).resolve().parents[2] / "sandbox/scenarios/consular-earthquake.fr.yaml"
        ).read_text()
    )

    def shown_in(language: str) -> Run:
        scenario = scenario_row()
        scenario.translations = {"fr": french_data}
        scenario.localise(language)
        return run_row([POST], scenario=scenario)

    english = shown_in("en").state(at(20))
    french = shown_in("fr").state(at(20))

    # Each reader's next poll is served the fold already made in their language.
    assert shown_in("en").state(at(20)) is english
    assert shown_in("fr").state(at(20)) is french
    assert french is not english
    assert french.minute == english.minute == 20


def test_an_unsaved_run_is_never_memoised():
    before = len(memo.states)

    run_row([POST], pk=None).state(at(20))

    assert len(memo.states) == before


def test_the_memo_keeps_the_most_recently_used_entries_up_to_its_size():
    small = memo.Memo(2)
    for key in ("a", "b", "a", "c"):
        small.get(key, lambda stored: True, lambda key=key: (key, key.upper()))

    assert len(small) == 2
    assert small.get("a", lambda stored: True, lambda: ("a", "computed")) == "A"
    assert small.get("b", lambda stored: True, lambda: ("b", "computed")) == "computed"
