"""The sandbox's pages, played through the site as a learner and a trainer."""

import re
import uuid

import pytest
from django.urls import reverse

from curriculum.models import Activity
from progress.models import Completion, Submission
from sandbox import services
from sandbox.models import LiveRun, Run
from tests.factories import cohort_with_learners
from tests.helpers import review_post

pytestmark = pytest.mark.django_db

REGISTER = "https://nordavia-mfa.example/register"


def act(client, run, form, **data):
    data.setdefault("token", uuid.uuid4().hex)
    return client.post(reverse("sandbox:act", args=[run.pk]), {"form": form, **data})


def consular_activity():
    return Activity.objects.live().get(
        kind=Activity.Kind.SIMULATION, config__scenario="consular-earthquake"
    )


def open_stage_of(enrolment, activity) -> None:
    """Completes every stage before the activity's, so its stage is open."""
    earlier = Activity.objects.live().filter(module__stage__order__lt=activity.module.stage.order)
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=item, completed_at=enrolment.started_at)
        for item in earlier
    )


@pytest.fixture
def learner_run(client, scenarios, scenario_clock):
    """A trainee of a cohort who started the consular simulation at minute 0."""
    group = cohort_with_learners(1)
    enrolment = group.learners[0]
    client.force_login(enrolment.user)
    scenario_clock.at(0)
    activity = consular_activity()
    open_stage_of(enrolment, activity)
    response = client.post(
        reverse("sandbox:start"), {"scenario": "consular-earthquake", "activity": activity.pk}
    )
    run = Run.objects.get(learner=enrolment.user)
    assert response.url == reverse("sandbox:run", args=[run.pk])
    return run, enrolment, group


def test_the_learner_plays_the_consular_emergency_and_gets_the_debrief(
    client, learner_run, scenario_clock
):
    run, enrolment, group = learner_run
    page = client.get(reverse("sandbox:run", args=[run.pk]))
    assert page.status_code == 200
    assert "SIMULATION" in page.content.decode()

    scenario_clock.at(5)
    assert "ana_travels_sim" in client.get(reverse("sandbox:run", args=[run.pk])).content.decode()
    act(
        client,
        run,
        "compose",
        target="ana-question",
        reply_kind="reply",
        when="post",
        text=f"@ana_travels_sim If you are safe, register: {REGISTER}",
    )
    scenario_clock.at(13)
    act(client, run, "target", kind="report", target="@NordaviaEmbassyHelp")
    scenario_clock.at(14)
    act(
        client,
        run,
        "compose",
        when="clearance",
        text=f"Beware: @NordaviaEmbassyHelp is not the embassy. Register only at {REGISTER}",
    )
    run.refresh_from_db()
    draft = next(entry for entry in run.log if entry["kind"] == "request_clearance")
    scenario_clock.at(19)
    page = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()
    assert "Publish the cleared post" in page
    act(client, run, "target", kind="publish_draft", target="draft-3")
    scenario_clock.at(25)
    client.post(reverse("sandbox:submit", args=[run.pk]))

    debrief = client.get(reverse("sandbox:debrief", args=[run.pk]))
    text = debrief.content.decode()
    assert "Automatic checks: 6 of 6 passed" in text
    assert "A model answer" in text and "Reported" in text
    assert "Replied to</strong> @ana_travels_sim" in text
    submission = Submission.objects.get(enrolment=enrolment)
    assert submission.status == Submission.Status.SUBMITTED
    assert "6 of 6" in submission.text
    assert submission.link.endswith(reverse("sandbox:debrief", args=[run.pk]))
    assert draft["text"].startswith("Beware")

    # The trainer reviews the run with the activity's rubric, like practice work.
    client.force_login(group.trainer)
    response = client.post(
        reverse("progress:review", args=[submission.pk]),
        review_post(submission.activity, "accept", "Fast and careful."),
    )
    assert response.status_code == 302
    assert Completion.objects.filter(enrolment=enrolment, activity=submission.activity).exists()
    # ... and replays it: at minute 10 the cleared warning had not gone out yet.
    replay = client.get(reverse("sandbox:run", args=[run.pk]), {"at": 10})
    assert replay.context["timeline"].minute == 10
    assert not any(e.item.text.startswith("Beware") for e in replay.context["timeline"].entries)
    now = client.get(reverse("sandbox:run", args=[run.pk])).context["timeline"]
    assert any(e.item.text.startswith("Beware") for e in now.entries)


def test_a_post_over_the_limit_is_refused_where_it_was_written(client, learner_run, scenario_clock):
    run, _, _ = learner_run
    scenario_clock.at(2)

    response = act(client, run, "compose", when="post", text="x" * 281)

    assert response.status_code == 400
    assert "281 characters: the platform allows 280." in response.content.decode()
    run.refresh_from_db()
    assert run.log == []


def test_a_retried_post_is_recorded_once(client, learner_run, scenario_clock):
    run, _, _ = learner_run
    scenario_clock.at(2)
    data = {"form": "compose", "when": "post", "text": "We are here to help.", "token": "same"}

    client.post(reverse("sandbox:act", args=[run.pk]), data)
    client.post(reverse("sandbox:act", args=[run.pk]), data)

    run.refresh_from_db()
    assert len(run.log) == 1


def test_an_action_shows_on_the_page_the_same_instant(client, learner_run, scenario_clock):
    """The minute an action is stamped with never lies after the clock: the
    page rendered at that very instant shows it (13.337 is not 13.34)."""
    run, _, _ = learner_run
    scenario_clock.at(13.337)

    response = act(client, run, "target", kind="report", target="@NordaviaEmbassyHelp")
    page = client.get(response.url)

    run.refresh_from_db()
    assert run.log[-1]["at"] == 13.33
    account = page.content.decode().split('id="account-NordaviaEmbassyHelp"')[1].split("</li>")[0]
    assert "Reported" in account


def test_the_live_region_counts_new_posts_and_the_feed_swaps_in(
    client, learner_run, scenario_clock
):
    run, _, _ = learner_run
    scenario_clock.at(1)
    status = client.get(reverse("sandbox:status", args=[run.pk]), {"seen": 1})
    assert "Show" not in status.content.decode()

    scenario_clock.at(9)
    status = client.get(reverse("sandbox:status", args=[run.pk]), {"seen": 1}).content.decode()
    assert "Show 2 new posts" in status
    feed = client.get(
        reverse("sandbox:feed", args=[run.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="feed"' in feed and 'hx-swap-oob="true"' in feed


def test_a_paused_clock_stops_the_scenario(client, learner_run, scenario_clock):
    run, _, _ = learner_run
    scenario_clock.at(2)
    client.post(reverse("sandbox:clock", args=[run.pk]), {"action": "pause"})
    scenario_clock.at(60)
    page = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()

    assert "T+0:02" in page
    assert "Elena Varga" not in page  # posted at minute 8
    assert act(client, run, "compose", when="post", text="Hello").status_code == 302
    run.refresh_from_db()
    assert run.log == []


def test_a_trainer_runs_a_live_scenario_for_a_cohort_of_three(client, scenarios, scenario_clock):
    group = cohort_with_learners(3)
    scenario_clock.at(0)
    client.force_login(group.trainer)
    response = client.post(
        reverse("sandbox:cohort_live", args=[group.cohort.pk]),
        {
            "scenario": scenarios["consular-earthquake"].pk,
            "starts_at": "2026-03-02T09:00",
            "trainer_clears": "on",
        },
    )
    live = LiveRun.objects.get()
    assert response.url == reverse("sandbox:live", args=[live.pk])
    assert live.activity == consular_activity()

    scenario_clock.at(4)
    runs = []
    for number, enrolment in enumerate(group.learners):
        client.force_login(enrolment.user)
        joined = client.post(reverse("sandbox:live_join", args=[live.pk]))
        run = Run.objects.get(learner=enrolment.user, live=live)
        assert joined.url == run.get_absolute_url()
        if number < 2:
            act(
                client,
                run,
                "compose",
                target="ana-question",
                reply_kind="reply",
                when="post",
                text=f"Answer {number}: register at {REGISTER}",
            )
        runs.append(run)
    client.force_login(group.learners[0].user)
    act(client, runs[0], "compose", when="clearance", text="A statement for clearance")

    client.force_login(group.trainer)
    scenario_clock.at(6)
    board = client.get(reverse("sandbox:live", args=[live.pk]))
    text = board.content.decode()
    assert board.status_code == 200
    assert "Answer 0" in text and "Answer 1" in text
    assert text.count("No answer") >= 1
    assert len(board.context["board"].runs) == 3
    assert "A statement for clearance" in text  # waiting for the trainer's clearance

    client.post(
        reverse("sandbox:clearance", args=[runs[0].pk]),
        {"token": "clear-1", "target": "draft-2", "decision": "approve", "comment": "Go ahead."},
    )
    runs[0].refresh_from_db()
    assert runs[0].log[-1]["kind"] == "clearance_answer"

    client.post(reverse("sandbox:live_clock", args=[live.pk]), {"action": "pause"})
    live.refresh_from_db()
    assert live.paused
    assert re.search(
        r"Paused", client.get(reverse("sandbox:live_board", args=[live.pk])).content.decode()
    )


@pytest.mark.parametrize("zone", ["Etc/GMT+12", "Pacific/Kiritimati"])
@pytest.mark.parametrize("starts_at", ["9999-12-31T23:59", "0001-01-01T00:00", "2027-03-05T09:00"])
def test_a_live_run_set_to_start_more_than_a_year_away_is_a_form_error(
    client, scenarios, scenario_clock, zone, starts_at
):
    """At the calendar's edge, a start stored beyond year 9999 could not be read
    back: every page listing the cohort's live runs failed."""
    group = cohort_with_learners(1)
    group.trainer.time_zone = zone
    group.trainer.save()
    client.force_login(group.trainer)
    scenario_clock.at(0)

    response = client.post(
        reverse("sandbox:cohort_live", args=[group.cohort.pk]),
        {"scenario": scenarios["consular-earthquake"].pk, "starts_at": starts_at},
    )

    assert response.status_code == 400
    assert "Choose a start within a year from now." in response.content.decode()
    assert not LiveRun.objects.exists()
    assert client.get(reverse("sandbox:cohort_live", args=[group.cohort.pk])).status_code == 200


def test_a_live_run_may_start_later_in_the_year(client, scenarios, scenario_clock):
    group = cohort_with_learners(1)
    client.force_login(group.trainer)
    scenario_clock.at(0)

    response = client.post(
        reverse("sandbox:cohort_live", args=[group.cohort.pk]),
        {"scenario": scenarios["consular-earthquake"].pk, "starts_at": "2027-03-01T09:00"},
    )

    assert response.status_code == 302
    assert LiveRun.objects.get().starts_at.year == 2027


@pytest.mark.parametrize(
    "data",
    [
        {"scenario": "consular\x00earthquake"},
        {"scenario": "consular-earthquake", "activity": "²"},
        {"scenario": "consular-earthquake", "activity": "99999999999999999999"},
        {},
    ],
)
def test_odd_input_to_start_gets_a_clear_answer_not_a_500(client, scenarios, trainee, data):
    client.force_login(trainee)

    response = client.post(reverse("sandbox:start"), data)

    assert response.status_code in (302, 404)
    assert not Run.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"form": "compose", "when": "post", "text": "A NUL \x00 here"},
        {"form": "target", "kind": "report", "target": "@x\x00"},
        {"form": "message", "target": "@ana_travels_sim", "text": "x" * 5000},
        {"form": "thread", "part_1": "one", "part_2": ""},
        {"form": "compose", "when": "schedule", "text": "Later"},
    ],
)
def test_odd_input_to_a_run_is_a_form_error_and_writes_nothing(
    client, learner_run, scenario_clock, data
):
    run, _, _ = learner_run
    scenario_clock.at(3)

    response = client.post(reverse("sandbox:act", args=[run.pk]), {"token": "t", **data})

    assert response.status_code in (302, 400)
    run.refresh_from_db()
    assert run.log == []
    for at in ("nan", "inf", "-5", "x"):
        assert client.get(reverse("sandbox:run", args=[run.pk]), {"at": at}).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"form": "target", "kind": "report", "target": "@nobody"}, "There is no such account"),
        ({"form": "target", "kind": "pin", "target": "ana-question"}, "your own posts"),
        ({"form": "target", "kind": "publish_draft", "target": "draft-9"}, "has not been cleared"),
        (
            {"form": "compose", "when": "post", "reply_kind": "reply", "target": "me-99"}
            | {"text": "Hello"},
            "no longer there",
        ),
        ({"form": "nonsense"}, "not something you can do here"),
    ],
)
def test_an_action_the_platform_refuses_says_why_and_writes_nothing(
    client, learner_run, scenario_clock, data, message
):
    run, _, _ = learner_run
    scenario_clock.at(3)

    response = client.post(reverse("sandbox:act", args=[run.pk]), {"token": "t", **data})

    assert response.status_code == 302
    assert message in client.get(response.url).content.decode()
    run.refresh_from_db()
    assert run.log == []


def test_a_direct_message_stays_private(client, learner_run, scenario_clock):
    run, _, _ = learner_run
    scenario_clock.at(9)

    client.post(
        reverse("sandbox:act", args=[run.pk]),
        {
            "form": "message",
            "token": "dm-1",
            "target": "@tomas_k_sim",
            "text": "Call +00 555 0100.",
        },
    )

    page = client.get(reverse("sandbox:run", args=[run.pk]))
    timeline = page.context["timeline"]
    assert [entry.item.text for entry in timeline.messages] == ["Call +00 555 0100."]
    assert all(entry.item.kind != "dm" for entry in timeline.entries)


def test_the_sandbox_page_offers_a_trainer_their_own_cohorts_only(client, scenarios):
    mine, other = cohort_with_learners(0, name="Mine"), cohort_with_learners(0, name="Theirs")
    client.force_login(mine.trainer)

    page = client.get(reverse("sandbox:scenarios"))

    assert list(page.context["cohorts"]) == [mine.cohort]
    assert reverse("sandbox:cohort_live", args=[other.cohort.pk]) not in page.content.decode()


def test_the_simulation_activity_page_starts_a_run_for_the_activity(client, learner_run):
    run, enrolment, _ = learner_run
    activity = consular_activity()
    client.force_login(enrolment.user)

    page = client.get(activity.get_absolute_url())

    assert page.status_code == 200
    assert "Continue the simulation" in page.content.decode()
    assert run.activity == activity and run.enrolment == enrolment


def test_a_simulation_of_a_locked_stage_does_not_start(client, scenarios, scenario_clock):
    enrolment = cohort_with_learners(1).learners[0]
    client.force_login(enrolment.user)

    response = client.post(
        reverse("sandbox:start"),
        {"scenario": "consular-earthquake", "activity": consular_activity().pk},
    )

    assert response.url == reverse("progress:programme")
    assert not Run.objects.exists()


def test_a_trainer_compares_the_cohorts_submitted_runs_of_a_scenario(
    client, scenarios, scenario_clock
):
    group = cohort_with_learners(3)
    scenario = scenarios["consular-earthquake"]
    for number, enrolment in enumerate(group.learners):
        run = services.run_start(
            learner=enrolment.user, scenario=scenario, enrolment=enrolment, now=scenario_clock.at(0)
        )
        if number:
            services.run_act(
                run=run,
                by=enrolment.user,
                token=f"answer-{number}",
                now=scenario_clock.at(3 + 2 * number),
                kind="reply",
                target="ana-question",
                text=f"Answer from learner {number}",
            )
        services.run_submit(run=run, now=scenario_clock.at(30))
    client.force_login(group.trainer)

    page = client.get(reverse("sandbox:cohort_board", args=[group.cohort.pk, scenario.slug]))

    board = page.context["board"]
    assert len(board.runs) == 3
    ana = next(row for row in board.rows if row.event.slug == "ana-question")
    assert [r.minutes if r else None for r in ana.responses] == [None, 2.0, 4.0]


def test_a_post_counts_its_shares_with_the_readers_digit_grouping(
    client, learner_run, scenario_clock
):
    run, enrolment, _ = learner_run
    scenario_clock.at(5)

    english = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()
    enrolment.user.language = "fr"
    enrolment.user.save(update_fields=["language"])
    french = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()

    assert "2,400 shares" in english
    assert re.search(r"2[\s\u00a0\u202f]400 partages", french)
