"""The sandbox's pages run as many queries with a long run, or many learners,
as with a short one: the platform is a fold over one row's log, and the live
board reads its runs in one query."""

import uuid

import pytest
from django.urls import reverse

from sandbox import services
from sandbox.models import LiveRun, Run
from tests.factories import cohort_with_learners, enrol
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

REGISTER = "https://nordavia-mfa.example/register"


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_a_run_page_runs_the_same_queries_for_3_and_30_actions(client, scenarios, scenario_clock):
    enrolment = cohort_with_learners(1).learners[0]
    run = services.run_start(
        learner=enrolment.user,
        scenario=scenarios["consular-earthquake"],
        enrolment=enrolment,
        now=scenario_clock.at(0),
    )
    client.force_login(enrolment.user)

    def grow(size: int) -> None:
        # Posts with an address (a card), a hashtag and a mention; follows; and
        # a like and a share of each post.
        for number in range(len(Run.objects.get(pk=run.pk).log), size):
            kind = ("post", "follow", "like", "share")[number % 4]
            target = {"like": f"me-{number - 1}", "share": f"me-{number - 2}"}
            services.run_act(
                run=run,
                by=enrolment.user,
                token=uuid.uuid4().hex,
                now=scenario_clock.at(5 + number),
                kind=kind,
                target=target.get(kind, "@MeridiaCivilProt"),
                text=f"Update {number} #PortSelva @ana_travels_sim: {REGISTER}"
                if kind == "post"
                else "",
            )

    # The session, the user, their roles, the run with its scenario and live run.
    for name in ("sandbox:run", "sandbox:status"):
        measured = assert_queries_do_not_grow(
            lambda _, name=name: page(client, reverse(name, args=[run.pk])), grow, warm=True
        )
        assert len(measured.large) <= 6, measured.large
    kinds = [entry["kind"] for entry in Run.objects.get(pk=run.pk).log]
    assert kinds.count("like") == kinds.count("share") == 7


def test_the_live_board_runs_the_same_queries_for_3_and_30_learners(
    client, scenarios, scenario_clock
):
    group = cohort_with_learners(0)
    live = services.live_start(
        cohort=group.cohort,
        scenario=scenarios["consular-earthquake"],
        starts_at=scenario_clock.at(0),
        by=group.trainer,
        now=scenario_clock.at(0),
    )
    client.force_login(group.trainer)

    def grow(size: int) -> None:
        scenario_clock.at(2)
        for number in range(Run.objects.filter(live=live).count(), size):
            enrolment = enrol(group.cohort, f"live{number}@mfa.example")
            run = services.live_join(
                live=live, learner=enrolment.user, enrolment=enrolment, now=scenario_clock.at(2)
            )
            services.run_act(
                run=run,
                by=enrolment.user,
                token=uuid.uuid4().hex,
                now=scenario_clock.at(4),
                kind="reply",
                target="ana-question",
                text=f"Answer {number}",
            )
        scenario_clock.at(30)

    measured = assert_queries_do_not_grow(
        lambda _: page(client, reverse("sandbox:live", args=[live.pk])), grow, warm=True
    )

    assert len(measured.result.context["board"].runs) == 30
    assert LiveRun.objects.count() == 1
