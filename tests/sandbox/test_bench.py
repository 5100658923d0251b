"""The bench's sandbox data: a live run whose learners each see a timeline of
200 items, served by the same pages the bench loads."""

import pytest
from django.urls import reverse

from bench.results import judge
from bench.sandbox import TIMELINE_ITEMS, prepare
from sandbox.models import Run
from tests.factories import cohort_with_learners

pytestmark = pytest.mark.django_db


def test_the_bench_live_run_serves_a_200_item_timeline_to_each_learner(client, programme):
    group = cohort_with_learners(3)

    made = prepare(group.cohort.pk, group.trainer.pk)
    again = prepare(group.cohort.pk, group.trainer.pk)  # a second bench run starts afresh

    assert again["learners"] == made["learners"] == 3
    assert Run.objects.count() == 3
    run = Run.objects.get(pk=again["run"])
    client.force_login(run.learner)
    page = client.get(reverse("sandbox:run", args=[run.pk]))
    assert page.status_code == 200
    assert len(page.context["timeline"].state.timeline) == TIMELINE_ITEMS
    client.force_login(group.trainer)
    board = client.get(reverse("sandbox:live", args=[again["live"]]))
    assert board.status_code == 200
    assert len(board.context["board"].runs) == 3


def test_the_sandbox_pages_are_judged_against_their_budgets_at_one_user():
    results = {
        "endpoints": {
            "sandbox_board": {"levels": {"1": {"p95_ms": 180.0}, "10": {"p95_ms": 900.0}}},
            "sandbox_run": {"levels": {"1": {"p95_ms": 260.0}}},
        }
    }

    judged = {budget["key"]: budget for budget in judge(results)}

    assert (judged["sandbox_board_p95"]["value"], judged["sandbox_board_p95"]["met"]) == (180, True)
    assert (judged["sandbox_run_p95"]["value"], judged["sandbox_run_p95"]["met"]) == (260, False)
    # The tiny scale loads each page at two users only: nothing to judge there.
    tiny = {"endpoints": {"sandbox_board": {"levels": {"2": {"p95_ms": 180.0}}}}}
    assert {b["key"]: b["met"] for b in judge(tiny)}["sandbox_board_p95"] is None
