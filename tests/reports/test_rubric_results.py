"""The report counts rubric results (marks per level) per task and criterion, on
the page and in the JSON figures, and exports them per cohort as criteria.csv,
with the report's filters and access, in a fixed number of queries."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from progress import services
from progress.models import Cohort
from reports.views import CRITERIA_CSV_COLUMNS
from tests.factories import enrol
from tests.helpers import assert_queries_do_not_grow, review_marks
from tests.progress.cohort_world import practice

pytestmark = pytest.mark.django_db

CRITERIA_CSV = "reports:criteria_csv"


def reviewed(cohort, email: str, *, accept: bool, first_level: str | None = None):
    """A learner of the cohort whose practice work was reviewed with these marks."""
    enrolment = enrol(cohort, email)
    submission = services.practice_submit(
        enrolment=enrolment, activity=practice(), text="My list", link=""
    )
    marks = review_marks(submission.activity, accept=accept)
    if first_level:
        marks[submission.activity.rubric[0].pk] = first_level
    trainer = cohort.trainers.first()
    services.submission_review(
        submission=submission,
        reviewer=trainer,
        accept=accept,
        feedback="" if accept else "Add counterparts.",
        marks=marks,
    )
    return enrolment


@pytest.fixture
def two_cohorts(cohort, organisation, programme, trainer, other_organisation, outsider):
    second = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Second intake",
        starts_on=cohort.starts_on,
    )
    second.trainers.add(trainer)
    elsewhere = Cohort.objects.create(
        organisation=other_organisation,
        programme=programme,
        name="Elsewhere",
        starts_on=cohort.starts_on,
    )
    elsewhere.trainers.add(outsider)
    reviewed(cohort, "a1@mfa.example", accept=True, first_level="exceeds")
    reviewed(cohort, "a2@mfa.example", accept=False)
    reviewed(second, "b1@mfa.example", accept=True)
    reviewed(elsewhere, "c1@other.example", accept=True)
    return cohort, second, elsewhere


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == CRITERIA_CSV_COLUMNS
    return list(reader)


def test_the_csv_counts_each_criterion_per_cohort_within_the_persons_scope(
    client, two_cohorts, trainer
):
    cohort, second, _ = two_cohorts
    task = practice()
    first, *others = task.rubric
    client.force_login(trainer)

    rows = csv_rows(client.get(reverse(CRITERIA_CSV)))

    assert {row["cohort"] for row in rows} == {cohort.name, second.name}, "not Elsewhere"
    by_key = {(row["cohort"], row["criterion"]): row for row in rows}
    assert len(by_key) == len(rows) == 2 * len(task.rubric)
    counts = by_key[(cohort.name, first.name)]
    assert (counts["activity"], counts["not_yet"], counts["meets"], counts["exceeds"]) == (
        task.title,
        "1",
        "0",
        "1",
    )
    for criterion in others:
        row = by_key[(cohort.name, criterion.name)]
        assert (row["not_yet"], row["meets"], row["exceeds"]) == ("1", "1", "0")
        row = by_key[(second.name, criterion.name)]
        assert (row["not_yet"], row["meets"], row["exceeds"]) == ("0", "1", "0")
    assert AuditEvent.objects.filter(action="report.export_criteria_csv").count() == 1


def test_the_csv_follows_the_reports_filters(client, two_cohorts, trainer):
    _, second, elsewhere = two_cohorts
    client.force_login(trainer)

    only_second = csv_rows(client.get(reverse(CRITERIA_CSV), {"cohort": second.pk}))
    refused = client.get(reverse(CRITERIA_CSV), {"cohort": elsewhere.pk})

    assert {row["cohort"] for row in only_second} == {second.name}
    assert refused.status_code == 400


def test_the_page_and_the_json_count_each_criterion(client, two_cohorts, trainer):
    task = practice()
    first = task.rubric[0]
    client.force_login(trainer)

    page = client.get(reverse("reports:report"))
    figures = client.get(reverse("reports:report_json")).json()

    html = page.content.decode()
    assert "Rubric results" in html and reverse(CRITERIA_CSV) in html
    totals = {row["criterion__name"]: row for row in page.context["criteria"]}
    assert (totals[first.name]["not_yet"], totals[first.name]["meets"]) == (1, 1)
    assert totals[first.name]["exceeds"] == 1
    assert {
        (row["criterion"], row["not_yet"], row["meets"], row["exceeds"])
        for row in figures["criteria"]
    } == {
        (item.name, row["not_yet"], row["meets"], row["exceeds"])
        for item in task.rubric
        for row in [totals[item.name]]
    }


def test_the_rubric_results_run_the_same_queries_for_few_and_many_reviews(client, cohort, trainer):
    client.force_login(trainer)
    made = []

    def grow(size):
        while len(made) < size:
            made.append(reviewed(cohort, f"l{len(made)}@mfa.example", accept=len(made) % 2 == 0))

    def request(_):
        rows = csv_rows(client.get(reverse(CRITERIA_CSV)))
        page = client.get(reverse("reports:report"))
        assert page.status_code == 200
        return rows

    measured = assert_queries_do_not_grow(request, grow, sizes=(2, 12), warm=True)
    assert sum(int(row["meets"]) for row in measured.result) > 0
