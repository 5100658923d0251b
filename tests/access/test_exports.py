"""What each persona's report, exports and e-mails contain, with every filter.

The personas and their world are those of `tests/access/world.py`. A persona's
report, CSV and JSON, whatever the filter in the URL, hold nothing beyond the
learners of the cohorts the persona may see; the weekly digest speaks of the
cohorts they train today, and the monthly summary of the organisations they
administer.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import Enrolment, Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from progress.timemodel import CURRENT_PACES, Milestone
from tests.access.world import TRAINING, VISIBLE_COHORTS, World, open_as
from tests.helpers import review_marks

pytestmark = pytest.mark.django_db

STATES = ["on_time", "late", "overdue", "pending"]


def filters(world: World) -> list[dict]:
    """Every filter the report takes, each with every value it can have,
    including organisations and cohorts the persona may not see."""
    cohorts = [world.cohort_a, world.cohort_b, *world.cohort_a.organisation.cohorts.all()]
    organisations = {c.organisation_id for c in cohorts}
    return [
        {},
        *({"organisation": pk} for pk in sorted(organisations)),
        *({"cohort": c.pk} for c in cohorts),
        *({"status": status} for status in Enrolment.Status.values),
        *({"pace": pace.value} for pace in CURRENT_PACES),
        *({"milestone": m.value, "state": state} for m in Milestone for state in STATES),
    ]


def allowed_rows(persona: str) -> set[tuple[str, str]]:
    """(learner, cohort) of every enrolment the persona may report on."""
    enrolments = Enrolment.objects.select_related("user", "cohort")
    if persona != "staff":
        enrolments = enrolments.filter(cohort__name__in=VISIBLE_COHORTS[persona])
    return {(e.user.email, e.cohort.name if e.cohort else "") for e in enrolments}


def csv_rows(response) -> set[tuple[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {(row["email"], row["cohort"]) for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("persona", sorted(TRAINING))
def test_report_and_exports_hold_only_the_personas_learners_whatever_the_filter(
    client, world, persona
):
    allowed = allowed_rows(persona)
    # Cohort A2, the only cohort of "colleague_a", has no learners yet.
    assert bool(allowed) == (persona != "colleague_a")
    seen_unfiltered = None
    for query in filters(world):
        exported = open_as(client, world, persona, "get", reverse("reports:report_csv"), query)
        figures = open_as(client, world, persona, "get", reverse("reports:report_json"), query)
        page = open_as(client, world, persona, "get", reverse("reports:report"), query)

        # A filter naming what the persona may not see is refused, or empty.
        assert exported.status_code in (200, 400), query
        assert figures.status_code == exported.status_code, query
        assert page.status_code == exported.status_code, query
        if exported.status_code == 400:
            continue
        rows = csv_rows(exported)
        assert rows <= allowed, (query, rows - allowed)
        assert figures.json()["enrolled"] == len(rows), query
        listed = {(e.user.email, e.cohort.name if e.cohort else "") for e in page.context["page"]}
        assert listed <= allowed, query
        compared = {row["cohort__name"] for row in page.context["comparison"]}
        assert compared <= {name for _, name in allowed}, query
        if not query:
            seen_unfiltered = rows
    assert seen_unfiltered == allowed


@pytest.mark.parametrize("persona", sorted(TRAINING))
def test_rubric_results_hold_only_the_personas_cohorts_whatever_the_filter(client, world, persona):
    # Both cohorts' work is marked, so each has rows to leak.
    for submission in (world.submission_a, world.submission_b):
        services.submission_review(
            submission=submission,
            reviewer=world.people["staff"],
            accept=True,
            feedback="",
            marks=review_marks(submission.activity),
        )
    allowed = set(VISIBLE_COHORTS[persona])
    for query in filters(world):
        exported = open_as(client, world, persona, "get", reverse("reports:criteria_csv"), query)
        if exported.status_code == 400:
            continue
        assert exported.status_code == 200, query
        text = b"".join(exported.streaming_content).decode("utf-8-sig")
        cohorts = {row["cohort"] for row in csv.DictReader(io.StringIO(text))}
        assert cohorts <= allowed, (query, cohorts - allowed)


def _sent(rule: str) -> dict[str, list[str]]:
    return {
        nudge.recipient.email: nudge.digest
        for nudge in Nudge.objects.filter(rule=rule, status=Nudge.Status.SENT).select_related(
            "recipient"
        )
    }


def test_digests_and_summaries_speak_only_of_what_each_person_trains_or_administers(world):
    for user in world.people.values():
        if user is not None:
            # In the app, at once: quiet hours are an e-mail rule, and this
            # test must hold at any hour it runs.
            user.nudge_preferences = {"trainer_digest": "in_app", "org_summary": "in_app"}
            user.save(update_fields=["nudge_preferences"])
    now = timezone.now()

    nudges_plan(now=now)
    nudges_deliver(now=now)

    email = {persona: user.email for persona, user in world.people.items() if user}
    digests = {
        address: sorted(line.split(":", 1)[0] for line in lines)
        for address, lines in _sent(Nudge.Rule.TRAINER_DIGEST).items()
    }
    # Cohort A2 has no active learner: its trainer gets no digest this week.
    assert digests == {
        email["trainer_a"]: ["Cohort A"],
        email["trainer_b"]: ["Cohort B"],
        email["former_trainer_a"]: ["Cohort B"],
        email["trainer_both"]: ["Cohort A", "Cohort B"],
    }
    summaries = {
        address: lines[0].split(":", 1)[0]
        for address, lines in _sent(Nudge.Rule.ORG_SUMMARY).items()
    }
    a, b = world.cohort_a.organisation.name, world.cohort_b.organisation.name
    assert summaries == {
        email["admin_a"]: a,
        email["admin_a_learner_b"]: a,
        email["admin_b"]: b,
    }
