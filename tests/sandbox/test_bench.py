"""The bench's sandbox data: a live run whose learners each see a timeline of
200 items, served by the same pages the bench loads."""

import pytest
from django.urls import reverse

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
