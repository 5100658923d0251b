"""The scenario engine on the consular scenario: branches, clearance, checks,
accounts as they appear, likes and shares."""

import copy

import pytest
import yaml

from sandbox.engine import Action, LogError, append, debrief, parse_scenario, replay
from tests.sandbox.engine_helpers import SCENARIOS, consular

REGISTER = "https://nordavia-mfa.example/register"


@pytest.fixture
def scenario_data():
    """The consular scenario's mapping, changed by `change(accounts)`."""
    data = yaml.safe_load((SCENARIOS / "consular-earthquake.yaml").read_text())

    def changed(change):
        copied = copy.deepcopy(data)
        change(copied["accounts"])
        return copied

    return changed


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


def test_accounts_appear_with_their_first_item_in_the_order_they_did():
    # The learner and the approver are known from the start; the rest appear as they post.
    assert replay(consular(), (), 0).appeared == (
        "@NordaviaInMeridia",
        "@DeputyHoM_Nordavia",
        "@MeridiaCivilProt",
    )
    assert replay(consular(), (), 12).appeared[3:] == (
        "@ana_travels_sim",
        "@tomas_k_sim",
        "@NordaviaEmbassyHelp",
    )
    assert "@NordaviaEmbassyHelp" not in replay(consular(), (), 11.9).appeared


def test_an_account_that_has_not_appeared_cannot_be_reported_followed_or_messaged():
    for kind in ("report", "follow", "mute", "block", "dm"):
        with pytest.raises(LogError) as refused:
            play(Action(kind, 5, "@NordaviaEmbassyHelp", "Hello" if kind == "dm" else ""))
        assert refused.value.code == "not_appeared", kind

    reported = play(Action("report", 12, "@NordaviaEmbassyHelp"))
    assert replay(consular(), reported, 12).reported == {"@NordaviaEmbassyHelp"}
    with pytest.raises(LogError) as refused:
        play(Action("report", 5, "@nobody_at_all"))
    assert refused.value.code == "unknown_account"


def test_a_muted_account_stays_in_the_list_its_posts_hidden():
    state = replay(consular(), play(Action("mute", 16, "@quake_truth_99")), 40)

    assert "@quake_truth_99" in state.appeared
    assert all(item.author != "@quake_truth_99" for item in state.timeline)


def test_an_account_the_file_marks_known_is_listed_from_minute_zero(scenario_data):
    scenario = parse_scenario(scenario_data(lambda accounts: accounts[6].update(known=True)))

    assert "@NordaviaEmbassyHelp" in replay(scenario, (), 0).appeared
    assert append(scenario, (), Action("report", 1, "@NordaviaEmbassyHelp"))


def test_a_like_adds_one_to_the_count_until_it_is_taken_back():
    log = play(Action("like", 4, "ana-question"))
    liked = next(item for item in replay(consular(), log, 4).timeline if item.id == "ana-question")

    assert (liked.liked, liked.likes) == (True, 42)  # the script's 41, and the learner's
    with pytest.raises(LogError) as refused:
        append(consular(), log, Action("like", 5, "ana-question"))
    assert refused.value.code == "already_liked"
    taken_back = append(consular(), log, Action("unlike", 6, "ana-question"))
    item = replay(consular(), taken_back, 6).item("ana-question")
    assert (item.liked, item.likes) == (False, 41)
    with pytest.raises(LogError) as refused:
        append(consular(), taken_back, Action("unlike", 7, "ana-question"))
    assert refused.value.code == "not_liked"


def test_a_shared_post_appears_again_as_the_learners_share_until_unshared():
    log = play(Action("share", 5, "quake-alert"))
    state = replay(consular(), log, 5)
    share = state.item("me-1")

    assert (share.kind, share.author, share.reply_to, share.at) == (
        "share",
        "@NordaviaInMeridia",
        "quake-alert",
        5,
    )
    assert share in state.timeline
    assert state.item("quake-alert").shares == 2401
    for kind in ("share", "pin", "delete", "reply", "like"):
        target = "me-1" if kind != "share" else "quake-alert"
        with pytest.raises(LogError):
            append(consular(), log, Action(kind, 6, target, "x" if kind == "reply" else ""))
    unshared = append(consular(), log, Action("unshare", 7, "quake-alert"))
    after = replay(consular(), unshared, 7)
    assert "me-1" not in ids(after)
    assert after.item("quake-alert").shares == 2400
    # Replayed at the minute it was shared, the share is there.
    assert "me-1" in ids(replay(consular(), unshared, 6))


def test_a_share_goes_with_the_post_it_shares():
    log = play(
        Action("share", 15, "dam-rumour"),
        Action("post", 16, text="Stay safe"),
        Action("share", 17, "me-2"),
        Action("mute", 18, "@quake_truth_99"),
        Action("delete", 19, "me-2"),
    )

    assert {"me-1", "me-3"} <= ids(replay(consular(), log, 17.5))
    assert {"me-1", "me-3"}.isdisjoint(ids(replay(consular(), log, 19)))


def test_likes_and_shares_answer_nothing_and_pass_no_check():
    log = play(Action("like", 4, "ana-question"), Action("share", 16, "dam-rumour"))
    state = replay(consular(), log, 40)

    assert "journalist-quote" in ids(state)  # liking a plea is not answering it
    assert "dam-rumour-echo" in ids(state)  # sharing a rumour does not correct it
    results = {r.slug: r.passed for r in debrief(consular(), log, 90).results}
    assert not results["answered-citizen"] and not results["cleared"]
