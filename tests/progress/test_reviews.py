"""Reviewing practice work: returning it with feedback, accepting it, and two
reviewers at once."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from progress import services
from progress.models import Completion, HistoryEvent, Submission
from tests.factories import cohort_with_learners, enrol
from tests.helpers import race, review_marks, review_post
from tests.progress.cohort_world import practice

pytestmark = pytest.mark.django_db


# Reviewing practice work


@pytest.fixture
def submitted(cohort) -> Submission:
    enrolment = enrol(cohort, "ada@mfa.example", "Ada")
    return services.practice_submit(
        enrolment=enrolment, activity=practice(), text="My first listening list", link=""
    )


def test_returning_work_requires_feedback(submitted, trainer):
    with pytest.raises(services.StudyError, match="Say what to improve"):
        services.submission_review(
            submission=submitted,
            reviewer=trainer,
            accept=False,
            feedback=" ",
            marks=review_marks(submitted.activity, False),
        )

    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_return_resubmit_accept_completes_the_task_and_keeps_every_attempt(submitted, trainer):
    enrolment, activity = submitted.enrolment, submitted.activity

    services.submission_review(
        submission=submitted,
        reviewer=trainer,
        accept=False,
        feedback="Add two counterparts.",
        marks=review_marks(submitted.activity, False),
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.feedback, submitted.reviewed_by) == (
        Submission.Status.RETURNED,
        "Add two counterparts.",
        trainer,
    )
    assert not Completion.objects.filter(enrolment=enrolment, activity=activity).exists()

    second = services.practice_submit(
        enrolment=enrolment, activity=activity, text="Now with counterparts", link=""
    )
    services.submission_review(
        submission=second,
        reviewer=trainer,
        accept=True,
        feedback="",
        marks=review_marks(second.activity, True),
    )

    assert Completion.objects.filter(enrolment=enrolment, activity=activity).count() == 1
    attempts = Submission.objects.filter(enrolment=enrolment, activity=activity)
    assert sorted(attempts.values_list("text", "status")) == [
        ("My first listening list", Submission.Status.RETURNED),
        ("Now with counterparts", Submission.Status.ACCEPTED),
    ]
    assert enrolment.history.filter(kind=HistoryEvent.Kind.REVIEWED).count() == 2
    with pytest.raises(services.StudyError, match="already complete"):
        services.practice_submit(enrolment=enrolment, activity=activity, text="Again", link="")


def test_reviewing_twice_is_refused(submitted, trainer):
    services.submission_review(
        submission=submitted,
        reviewer=trainer,
        accept=True,
        feedback="",
        marks=review_marks(submitted.activity, True),
    )
    with pytest.raises(services.StudyError, match="already been reviewed"):
        services.submission_review(
            submission=submitted,
            reviewer=trainer,
            accept=False,
            feedback="Too late",
            marks=review_marks(submitted.activity, False),
        )
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.ACCEPTED


def test_review_page_shows_the_brief_the_rubric_and_earlier_attempts(client, submitted, trainer):
    services.submission_review(
        submission=submitted,
        reviewer=trainer,
        accept=False,
        feedback="Add two counterparts.",
        marks=review_marks(submitted.activity, False),
    )
    second = services.practice_submit(
        enrolment=submitted.enrolment, activity=submitted.activity, text="Second try", link=""
    )
    client.force_login(trainer)

    response = client.get(reverse("progress:review", args=[second.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    activity = second.activity
    assert activity.rubric
    for item in activity.rubric:
        assert item.name in html
    brief_words = re.sub(r"<[^>]+>", " ", activity.body_html).split()[:6]
    assert " ".join(brief_words) in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Second try" in html
    assert "Earlier attempts" in html
    assert "Add two counterparts." in html


def test_review_page_returns_without_feedback_show_the_error_and_change_nothing(
    client, submitted, trainer
):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]),
        review_post(submitted.activity, "return", ""),
    )

    assert response.status_code == 400
    assert "Say what to improve when you return work." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_review_page_accepts_and_goes_back_to_the_queue(client, submitted, trainer):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]),
        review_post(submitted.activity, "accept", ""),
    )

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("progress:reviews")
    assert Completion.objects.filter(
        enrolment=submitted.enrolment, activity=submitted.activity
    ).exists()
    assert submitted.pk not in [s.pk for s in client.get(response.url).context["page"]]


def test_a_review_sent_after_another_keeps_the_typed_feedback_on_the_page(
    client, submitted, trainer, org_admin
):
    services.submission_review(
        submission=submitted,
        reviewer=org_admin,
        accept=True,
        feedback="",
        marks=review_marks(submitted.activity, True),
    )
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]),
        review_post(submitted.activity, "return", "Name three sources per account."),
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "This work has already been reviewed." in html
    assert "Name three sources per account." in html
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.ACCEPTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_accepts", [True, False], ids=["accept-accept", "accept-return"])
def test_two_reviewers_at_once_only_one_review_counts(
    organisation, programme, trainer, org_admin, second_accepts
):
    cohort = cohort_with_learners(
        0, organisation=organisation, trainer=trainer, programme=programme, name="Race cohort"
    ).cohort
    submission = services.practice_submit(
        enrolment=enrol(cohort, "ada@mfa.example"), activity=practice(), text="Work", link=""
    )

    outcomes = race(
        lambda: services.submission_review(
            submission=Submission.objects.get(pk=submission.pk),
            reviewer=trainer,
            accept=True,
            feedback="",
            marks=review_marks(submission.activity, True),
        ),
        lambda: services.submission_review(
            submission=Submission.objects.get(pk=submission.pk),
            reviewer=org_admin,
            accept=second_accepts,
            feedback="Fine" if second_accepts else "Add more",
            marks=review_marks(submission.activity, second_accepts),
        ),
    )

    reviewed = [o for o in outcomes if isinstance(o, Submission)]
    refused = [o for o in outcomes if isinstance(o, services.StudyError)]
    assert (len(reviewed), len(refused)) == (1, 1), outcomes
    assert "already been reviewed" in str(refused[0])
    submission.refresh_from_db()
    assert submission.reviewed_by == reviewed[0].reviewed_by
    assert submission.status == reviewed[0].status
    completions = Completion.objects.filter(enrolment=submission.enrolment_id).count()
    assert completions == (1 if submission.status == Submission.Status.ACCEPTED else 0)
    assert (
        HistoryEvent.objects.filter(
            enrolment=submission.enrolment_id, kind=HistoryEvent.Kind.REVIEWED
        ).count()
        == 1
    )
