"""The completion report shows each learner's part in peer review (reviews
allocated, given, received) on its page, in the learners CSV and, summed, in
the JSON figures, through the columns this app registers with `reports`."""

import csv
import io

import pytest
from django.urls import reverse

from curriculum.models import Activity
from discussions import services_peer
from discussions.models import PeerReview
from progress import services as progress_services
from reports.columns import learner_columns
from reports.views import CSV_COLUMNS, learner_csv_columns
from tests.factories import cohort_with_learners
from tests.helpers import queries_of

pytestmark = pytest.mark.django_db

PEER_COLUMNS = ["peer_reviews_allocated", "peer_reviews_given", "peer_reviews_received"]


@pytest.fixture
def task(programme):
    return Activity.objects.live().prefetch_related("criteria").get(slug="respond-to-criticism")


@pytest.fixture
def round_(organisation, programme, trainer, task, now):
    """Five learners who handed in the task; the first asked for two pieces of
    work to review and gave one review."""
    group = cohort_with_learners(5, organisation=organisation, trainer=trainer, programme=programme)
    for number, enrolment in enumerate(group.learners, start=1):
        progress_services.practice_submit(
            enrolment=enrolment, activity=task, text=f"Answers of learner {number}", link=""
        )
    first = group.learners[0]
    review, _ = services_peer.peer_reviews_allocate(enrolment=first, activity=task, now=now)
    services_peer.peer_review_give(
        review=review,
        user=first.user,
        marks={criterion.pk: "meets" for criterion in task.rubric},
        feedback="A clear answer.",
        now=now,
    )
    return group


def _expected(round_) -> dict[str, list[str]]:
    """Every learner's peer-review columns as the CSV writes them."""
    expected = {enrolment.user.email: ["0", "0", "0"] for enrolment in round_.learners}
    expected[round_.learners[0].user.email][:2] = ["2", "1"]
    (reviewed,) = PeerReview.objects.filter(status=PeerReview.Status.GIVEN).values_list(
        "submission__enrolment__user__email", flat=True
    )
    expected[reviewed][2] = "1"
    return expected


def _csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_columns_are_registered_after_the_reports_own():
    assert [column.name for column in learner_columns()] == PEER_COLUMNS
    assert learner_csv_columns() == CSV_COLUMNS + PEER_COLUMNS


def test_the_learners_csv_counts_each_learners_peer_reviews(client, round_):
    client.force_login(round_.trainer)

    rows = _csv(client.get(reverse("reports:report_csv")))

    assert {row["email"]: [row[name] for name in PEER_COLUMNS] for row in rows} == _expected(round_)


def test_the_report_page_shows_them_beside_each_learner(client, round_):
    client.force_login(round_.trainer)

    response = client.get(reverse("reports:report"))

    html = response.content.decode()
    for heading in ("Peer reviews allocated", "Peer reviews given", "Peer reviews received"):
        assert f'<th scope="col">{heading}</th>' in html
    shown = {
        enrolment.user.email: [str(value) for value in enrolment.extra_values]
        for enrolment in response.context["page"].object_list
    }
    assert shown == _expected(round_)


def test_the_json_figures_sum_them_over_the_filtered_learners(client, round_, organisation):
    client.force_login(round_.trainer)

    everyone = client.get(reverse("reports:report_json")).json()["learner_totals"]
    another = cohort_with_learners(
        1,
        organisation=organisation,
        trainer=round_.trainer,
        programme=round_.cohort.programme,
        name="Autumn cohort",
    )
    theirs = client.get(reverse("reports:report_json"), {"cohort": another.cohort.pk})

    assert everyone == {
        "peer_reviews_allocated": 2,
        "peer_reviews_given": 1,
        "peer_reviews_received": 1,
    }
    assert theirs.status_code == 200
    assert theirs.json()["learner_totals"] == dict.fromkeys(PEER_COLUMNS, 0)


def test_a_withdrawn_reviewers_reviews_still_count_for_them(client, round_):
    # Withdrawal does not undo the work given; the report keeps listing them.
    first = round_.learners[0]
    progress_services.enrolment_withdraw(enrolment=first, by=round_.trainer)
    client.force_login(round_.trainer)

    rows = _csv(client.get(reverse("reports:report_csv"), {"status": "withdrawn"}))

    assert [[row[name] for name in PEER_COLUMNS] for row in rows] == [["2", "1", "0"]]


def test_headings_are_translated_for_a_spreadsheet(client, round_):
    trainer = round_.trainer
    trainer.language = "fr"
    trainer.save()
    client.force_login(trainer)

    response = client.get(reverse("reports:report_csv"), {"headers": "translated"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    headings = next(csv.reader(io.StringIO(text)))
    assert headings[-3:] == [
        "Évaluations par les pairs attribuées",
        "Évaluations par les pairs effectuées",
        "Évaluations par les pairs reçues",
    ]


def test_the_report_page_reads_them_in_one_query_whatever_the_reviews(client, round_, task, now):
    client.force_login(round_.trainer)
    client.get(reverse("reports:report"))

    _, few = queries_of(lambda: client.get(reverse("reports:report")))
    for enrolment in round_.learners:
        held = services_peer.peer_reviews_allocate(enrolment=enrolment, activity=task, now=now)
        for review in held:
            if review.status == PeerReview.Status.GIVEN:
                continue
            services_peer.peer_review_give(
                review=review,
                user=enrolment.user,
                marks={criterion.pk: "exceeds" for criterion in task.rubric},
                feedback="Well argued.",
                now=now,
            )
    _, many = queries_of(lambda: client.get(reverse("reports:report")))

    assert PeerReview.objects.filter(status="given").count() == 10
    assert len(few) == len(many)
    peer = [sql for sql in many if "discussions_peerreview" in sql]
    assert len(peer) == 1, peer
