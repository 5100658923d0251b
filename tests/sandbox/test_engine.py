"""The scenario engine on the consular scenario: branches, clearance, checks."""

import pytest

from sandbox.engine import Action, LogError, append, debrief, replay
from tests.sandbox.engine_helpers import consular

REGISTER = "https://nordavia-mfa.example/register"


def play(*actions: Action):
    log = ()
    for action in actions:
        log = append(consular(), log, action)
    return log


def ids(state):
    return {item.id for item in state.timeline}


def test_an_unanswered_citizen_is_quoted_by_a_journalist_twenty_minutes_later():
    silent = replay(consular(), (), 23)
    answered = replay(consular(), play(Action("reply", 10, "ana-question", "We hear you")), 23)

    assert "journalist-quote" in ids(silent)
    assert next(i for i in silent.timeline if i.id == "journalist-quote").at == 23
    assert "journalist-quote" not in ids(answered)
    assert "journalist-quote" not in ids(replay(consular(), (), 22.9))


def test_an_answer_after_the_deadline_does_not_stop_the_journalist():
    late = play(Action("reply", 24, "ana-question", "Sorry for the wait"))

    assert "journalist-quote" in ids(replay(consular(), late, 30))


def test_a_quick_correction_stops_the_rumour_and_a_late_one_does_not():
    quick = play(Action("quote", 20, "dam-rumour", f"Rely on official sources: {REGISTER}"))
    late = play(Action("quote", 31, "dam-rumour", "Rely on official sources"))

    assert {"dam-rumour-echo", "dam-rumour-wave"}.isdisjoint(ids(replay(consular(), quick, 90)))
    assert {"dam-rumour-echo", "dam-rumour-wave"} <= ids(replay(consular(), late, 90))


def test_the_scripted_approver_refuses_a_draft_that_repeats_personal_details():
    log = play(
        Action("request_clearance", 10, text="We are looking for Elena Varga at Hotel Azul"),
        Action("request_clearance", 11, text=f"If you are safe, register: {REGISTER}"),
    )
    state = replay(consular(), log, 16)

    assert [d.status for d in state.drafts] == ["returned", "approved"]
    with pytest.raises(LogError) as refused:
        append(consular(), log, Action("publish_draft", 16, "draft-1"))
    assert refused.value.code == "not_approved"


def test_a_draft_cannot_go_out_before_it_is_cleared():
    log = play(Action("request_clearance", 10, text="Register, please"))

    with pytest.raises(LogError):
        append(consular(), log, Action("publish_draft", 14, "draft-1"))
    published = append(consular(), log, Action("publish_draft", 15, "draft-1"))
    assert replay(consular(), published, 15).item("me-2").cleared


def test_the_platform_refuses_a_post_over_its_limit_but_a_draft_may_be_long():
    with pytest.raises(LogError) as refused:
        play(Action("post", 1, text="x" * 281))

    assert refused.value.code == "too_long"
    assert play(Action("request_clearance", 1, text="x" * 281))


def test_muting_hides_an_account_and_deleting_hides_a_post():
    log = play(
        Action("mute", 16, "@quake_truth_99"),
        Action("post", 17, text="Stay safe"),
        Action("delete", 18, "me-2"),
    )
    state = replay(consular(), log, 20)

    assert "dam-rumour" not in ids(state)
    assert "me-2" not in ids(state)
    assert state.item("me-2").deleted_at == 18


def test_a_scheduled_post_appears_at_its_minute_unless_deleted_first():
    log = play(Action("schedule", 5, text="Crisis line open", publish_at=30))
    kept = replay(consular(), log, 30)
    dropped = replay(consular(), append(consular(), log, Action("delete", 20, "me-1")), 40)

    assert "me-1" not in ids(replay(consular(), log, 29))
    assert "me-1" in ids(kept)
    assert "me-1" not in ids(dropped)


def test_the_model_run_passes_every_check():
    log = play(
        Action("reply", 5, "ana-question", f"@ana_travels_sim Register: {REGISTER}"),
        Action("reply", 9, "tomas-plea", "@tomas_k_sim Please send us her details by DM"),
        Action("report", 13, "@NordaviaEmbassyHelp"),
        Action("request_clearance", 14, text=f"Beware: @NordaviaEmbassyHelp is not us. {REGISTER}"),
        Action("publish_draft", 19, "draft-4"),
    )
    results = {r.slug: r for r in debrief(consular(), log, 90).results}

    assert all(r.passed for r in results.values()), results
    assert results["answered-citizen"].detail["minutes"] == 2


def test_a_careless_run_fails_the_checks_it_should():
    log = play(
        Action("post", 40, text="We are looking for Elena Varga, Hotel Azul room 214."),
        Action("follow", 41, "@NordaviaEmbassyHelp"),
    )
    results = {r.slug: r.passed for r in debrief(consular(), log, 90).results}

    assert results == {
        "answered-citizen": False,
        "within-limit": True,
        "no-personal-data": False,
        "impostor-reported": False,
        "source-linked": False,
        "cleared": False,
    }
