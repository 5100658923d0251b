"""Practice work: reviewed by a trainer in a cohort, or self-assessed against its
rubric when self-paced.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import pytest
from django.utils import timezone

from progress import services
from progress.models import Completion, HistoryEvent, Submission
from progress.selectors import activity_detail
from tests.factories import cohort_with_learners, enrol
from tests.helpers import review_marks
from tests.progress.study import Kind, completed, live

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organisation, programme, trainer):
    # Starting today, not ten days ago as the cohort tests' does.
    return cohort_with_learners(
        0, organisation=organisation, trainer=trainer, programme=programme
    ).cohort


@pytest.fixture
def coached(trainee, programme, cohort):
    """A trainee in a cohort: practice work waits for the trainer's review."""
    return enrol(cohort, trainee, started_at=timezone.now())


# Practice with a trainer


@pytest.fixture
def practice():
    activity = live("curate", Kind.PRACTICE)
    assert len(activity.rubric) >= 2
    return activity


def submit(enrolment, practice, text="My listening list", link="", **kwargs) -> Submission:
    return services.practice_submit(
        enrolment=enrolment, activity=practice, text=text, link=link, **kwargs
    )


def test_practice_submitted_to_a_trainer_waits_without_completing(coached, practice):
    submission = submit(coached, practice)

    assert submission.status == Submission.Status.SUBMITTED
    assert activity_detail(coached, practice)["waiting"] == submission
    assert not completed(coached, practice)


def test_second_submit_while_waiting_is_refused(coached, practice):
    submit(coached, practice)

    with pytest.raises(services.StudyError, match="already waiting"):
        submit(coached, practice, text="A second version")

    assert Submission.objects.filter(enrolment=coached).count() == 1


def test_practice_needs_text_or_a_link(coached, practice):
    with pytest.raises(services.StudyError, match="text, a link, or both"):
        submit(coached, practice, text="   ", link="")

    assert not Submission.objects.filter(enrolment=coached).exists()


def test_returning_work_without_feedback_is_refused(coached, practice, trainer):
    submission = submit(coached, practice)

    with pytest.raises(services.StudyError, match="what to improve"):
        services.submission_review(
            submission=submission,
            reviewer=trainer,
            accept=False,
            feedback=" ",
            marks=review_marks(submission.activity, False),
        )

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_returned_work_can_be_resubmitted(coached, practice, trainer):
    first = submit(coached, practice)
    services.submission_review(
        submission=first,
        reviewer=trainer,
        accept=False,
        feedback="Add your sources.",
        marks=review_marks(first.activity, False),
    )

    second = submit(coached, practice, text="With sources")

    first.refresh_from_db()
    assert (first.status, first.feedback, first.reviewed_by) == (
        Submission.Status.RETURNED,
        "Add your sources.",
        trainer,
    )
    assert second.status == Submission.Status.SUBMITTED
    assert not completed(coached, practice)


def test_accepted_work_completes_the_task(coached, practice, trainer):
    submission = submit(coached, practice)

    reviewed = services.submission_review(
        submission=submission,
        reviewer=trainer,
        accept=True,
        feedback="",
        marks=review_marks(submission.activity, True),
    )

    assert reviewed.status == Submission.Status.ACCEPTED
    assert reviewed.reviewed_at is not None
    assert completed(coached, practice)
    with pytest.raises(services.StudyError, match="already complete"):
        submit(coached, practice, text="One more")


@pytest.mark.parametrize("first_accept", [True, False])
@pytest.mark.parametrize("second_accept", [True, False])
def test_work_already_reviewed_cannot_be_reviewed_again(
    coached, practice, trainer, first_accept, second_accept
):
    submission = submit(coached, practice)
    services.submission_review(
        submission=submission,
        reviewer=trainer,
        accept=first_accept,
        feedback="Noted.",
        marks=review_marks(submission.activity, first_accept),
    )

    with pytest.raises(services.StudyError, match="already been reviewed"):
        services.submission_review(
            submission=submission,
            reviewer=trainer,
            accept=second_accept,
            feedback="Again.",
            marks=review_marks(submission.activity, second_accept),
        )

    submission.refresh_from_db()
    assert submission.status == (
        Submission.Status.ACCEPTED if first_accept else Submission.Status.RETURNED
    )
    assert Completion.objects.filter(enrolment=coached, activity=practice).count() == int(
        first_accept
    )
    assert (
        HistoryEvent.objects.filter(enrolment=coached, kind=HistoryEvent.Kind.REVIEWED).count() == 1
    )


# Practice, self-paced


def test_self_assessed_work_meeting_every_criterion_completes(enrolment, practice):
    assessment = {str(i): True for i in range(len(practice.rubric))}

    submission = submit(enrolment, practice, self_assessment=assessment)

    assert submission.status == Submission.Status.SELF_ASSESSED
    assert submission.self_assessment == assessment
    assert completed(enrolment, practice)


@pytest.mark.parametrize("unmet", [0, -1])
def test_self_assessed_work_with_an_unmet_criterion_does_not_complete(enrolment, practice, unmet):
    count = len(practice.rubric)
    assessment = {str(i): True for i in range(count)}
    assessment[str(unmet % count)] = False

    submission = submit(enrolment, practice, self_assessment=assessment)

    assert submission.status == Submission.Status.SELF_ASSESSED
    assert not completed(enrolment, practice)


def test_self_assessment_missing_a_criterion_counts_it_as_unmet(enrolment, practice):
    assessment = {str(i): True for i in range(len(practice.rubric) - 1)}

    submission = submit(enrolment, practice, self_assessment=assessment)

    assert submission.self_assessment[str(len(practice.rubric) - 1)] is False
    assert not completed(enrolment, practice)
