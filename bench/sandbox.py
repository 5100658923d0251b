"""The practice sandbox under load: one live cohort run of 50 learners, each
run holding a timeline of about 200 items, made fresh before each bench run.

The run page folds one learner's whole log on every request, and the trainer's
live board folds all fifty; both are measured like the other pages (their
query counts are fixed by tests/sandbox/test_query_counts.py).
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

LIVE_LEARNERS = 50
TIMELINE_ITEMS = 200
SCENARIO = "consular-earthquake"


@transaction.atomic
def prepare(cohort_id: int, trainer_id: int) -> dict:
    """A live run of the consular scenario for the bench's cohort, started
    long enough ago that every scripted event has happened, with up to
    `LIVE_LEARNERS` of its learners joined, each having posted until their
    timeline holds `TIMELINE_ITEMS` items."""
    from progress.models import Cohort, Enrolment
    from sandbox.loader import apply_scenarios, read_scenarios
    from sandbox.models import LiveRun, Run, Scenario

    apply_scenarios(read_scenarios())
    scenario = Scenario.objects.get(slug=SCENARIO)
    cohort = Cohort.objects.get(pk=cohort_id)
    LiveRun.objects.filter(cohort=cohort).delete()
    # Begun a real hour ago at the scenario's own pace: the clock stands at its end.
    now = timezone.now()
    live = LiveRun.objects.create(
        cohort=cohort,
        scenario=scenario,
        starts_at=now - datetime.timedelta(hours=1),
        speed=scenario.engine.speed,
        started_by_id=trainer_id,
        created_at=now,
    )
    log = _log_reaching(scenario.engine, TIMELINE_ITEMS)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status="active").order_by("pk")[:LIVE_LEARNERS]
    )
    Run.objects.bulk_create(
        Run(
            learner_id=enrolment.user_id,
            scenario=scenario,
            enrolment=enrolment,
            live=live,
            started_at=live.starts_at,
            speed=live.speed,
            log=log,
        )
        for enrolment in enrolments
    )
    first = Run.objects.filter(live=live).order_by("pk").first()
    return {
        "live": live.pk,
        "run": first.pk if first else None,
        "learner": first.learner_id if first else None,
        "learners": len(enrolments),
        "timeline_items": TIMELINE_ITEMS,
    }


def _log_reaching(scenario, items: int) -> list[dict]:
    """Posts spread over the scenario until its final timeline holds `items`
    items (the learner's posts also stop a rumour, so events vary with them)."""
    from sandbox import engine

    posts = items
    for _ in range(5):
        step = scenario.duration / (posts + 1)
        actions = tuple(
            engine.Action(
                kind="post",
                at=round(step * (number + 1), 2),
                text=f"Update {number + 1}: the crisis line +00 555 0100 is open.",
            )
            for number in range(posts)
        )
        shown = len(engine.replay(scenario, actions, scenario.duration).timeline)
        if shown == items:
            return [{**action.to_dict(), "token": uuid.uuid4().hex} for action in actions]
        posts += items - shown
    raise ValueError(f"no log makes a timeline of {items} items")
