"""The bench's discussion data: a reading of the bench's cohort annotated 500
times, served by the same pages the bench loads, in every scale's plan (the
tiny one included) and judged against their budgets."""

import pytest

from bench.discussions import ANNOTATIONS, POSTS_PER_THREAD, prepare
from bench.results import judge
from bench.run import TINY_LEVEL, page_plan
from discussions.models import Post, Thread
from discussions.selectors import MARGIN_THREADS_PER_BLOCK, THREADS_PER_PAGE
from tests.factories import cohort_with_learners

pytestmark = pytest.mark.django_db

ROWS = ("reading_margins", "discussion")


def test_the_bench_reading_serves_500_threads_in_its_margins(client, programme):
    group = cohort_with_learners(3, programme=programme)

    made = prepare(group.cohort.pk)
    again = prepare(group.cohort.pk)  # a second bench run starts afresh

    assert made["threads"] == again["threads"] == ANNOTATIONS
    assert Thread.objects.count() == ANNOTATIONS
    assert Post.objects.count() == again["posts"] == ANNOTATIONS * POSTS_PER_THREAD
    learner = next(e.user for e in group.learners if e.user_id == again["learner"])
    client.force_login(learner)
    reading = client.get(again["reading"])
    assert reading.status_code == 200
    margins = reading.context["margin"].by_anchor.values()
    assert sum(entries.total for entries in margins) == ANNOTATIONS
    assert all(len(entries.shown) <= MARGIN_THREADS_PER_BLOCK for entries in margins)
    discussion = client.get(f"/discussions/cohorts/{group.cohort.pk}/")
    assert discussion.status_code == 200
    assert discussion.context["page"].paginator.count == ANNOTATIONS
    assert len(discussion.context["page"].object_list) == THREADS_PER_PAGE


def test_the_tiny_bench_loads_both_pages_and_judges_their_budgets(client, programme):
    group = cohort_with_learners(2, programme=programme)
    discussions = prepare(group.cohort.pk)
    targets = {"cohort": group.cohort.pk}
    sandbox = {"live": 1, "run": None}

    plan = {page.name: page for page in page_plan("tiny", targets, sandbox, discussions)}

    client.force_login(group.learners[0].user)
    for name in ROWS:
        assert plan[name].who == "discussion_learner"
        assert plan[name].levels == (TINY_LEVEL,)
        assert client.get(plan[name].path).status_code == 200
    full = {page.name: page for page in page_plan("full", targets, sandbox, discussions)}
    assert all(full[name].levels == (1, 10) for name in ROWS)
    # At one user, the p95 of each row is judged against its budget.
    run = {"p95_ms": 40.0, "rps": 25.0}
    results = {"endpoints": {name: {"levels": {"1": run}} for name in ROWS}}
    budgets = {budget["key"]: budget for budget in judge(results)}
    for name in ROWS:
        assert budgets[f"{name}_p95"]["value"] == 40.0
        assert budgets[f"{name}_p95"]["met"] is True


def test_without_an_active_learner_the_bench_leaves_the_rows_out(programme):
    group = cohort_with_learners(1, programme=programme)
    group.learners[0].status = "withdrawn"
    group.learners[0].save()

    discussions = prepare(group.cohort.pk)
    plan = page_plan("tiny", {"cohort": group.cohort.pk}, {"live": 1, "run": None}, discussions)

    assert discussions["threads"] == 0
    assert not {page.name for page in plan} & set(ROWS)
