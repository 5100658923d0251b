"""Trainers mark each rubric criterion when they review practice work: the marks
are kept per submission and criterion, acceptance needs every criterion to
meet or exceed, and the learner sees each level's descriptor and the feedback
on the task's page and in their data export."""

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Activity
from progress import services
from progress.models import Completion, CriterionMark, Submission
from progress.services.privacy import personal_data_export
from tests.factories import enrol
from tests.helpers import review_marks, review_post
from tests.progress.cohort_world import practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(cohort) -> Submission:
    enrolment = enrol(cohort, "ada@mfa.example", "Ada")
    return services.practice_submit(
        enrolment=enrolment, activity=practice(), text="My listening list", link=""
    )


def open_stage_of(submission) -> None:
    """Completes the stage before the task's, directly, so its page opens."""
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=submission.enrolment, activity=activity, completed_at=now)
        for activity in Activity.objects.live().filter(
            module__stage__order__lt=submission.activity.module.stage.order
        )
    )


def levels(submission) -> dict[str, str]:
    return dict(submission.marks.values_list("criterion__name", "level"))


def test_an_accepted_review_keeps_a_mark_per_criterion(submitted, trainer):
    activity = submitted.activity
    marks = review_marks(activity)
    first = activity.rubric[0]
    marks[first.pk] = "exceeds"

    services.submission_review(
        submission=submitted, reviewer=trainer, accept=True, feedback="", marks=marks
    )

    expected = {item.name: "meets" for item in activity.rubric} | {first.name: "exceeds"}
    assert levels(submitted) == expected
    assert Completion.objects.filter(enrolment=submitted.enrolment, activity=activity).exists()


def test_accepting_with_a_criterion_not_yet_met_is_refused_and_changes_nothing(submitted, trainer):
    activity = submitted.activity
    marks = review_marks(activity)
    last = activity.rubric[-1]
    marks[last.pk] = "not_yet"

    with pytest.raises(services.MarksError) as refused:
        services.submission_review(
            submission=submitted, reviewer=trainer, accept=True, feedback="", marks=marks
        )

    assert list(refused.value.by_criterion) == [last.pk]
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED
    assert not CriterionMark.objects.exists()


def test_a_review_must_mark_every_criterion(submitted, trainer):
    marks = review_marks(submitted.activity, accept=False)
    marks.pop(submitted.activity.rubric[0].pk)

    with pytest.raises(services.MarksError, match="need a level"):
        services.submission_review(
            submission=submitted, reviewer=trainer, accept=False, feedback="More.", marks=marks
        )

    assert not CriterionMark.objects.exists()


def test_marks_for_another_tasks_criteria_are_refused(submitted, trainer):
    other = next(
        item
        for item in type(submitted.activity).objects.live().filter(kind="practice")
        if item.pk != submitted.activity_id
    )
    marks = review_marks(submitted.activity) | review_marks(other)

    with pytest.raises(services.StudyError, match="criteria this task does not have"):
        services.submission_review(
            submission=submitted, reviewer=trainer, accept=True, feedback="", marks=marks
        )


def test_a_second_review_is_refused_and_writes_no_second_set_of_marks(submitted, trainer):
    marks = review_marks(submitted.activity)
    services.submission_review(
        submission=submitted, reviewer=trainer, accept=True, feedback="", marks=marks
    )

    with pytest.raises(services.StudyError, match="already been reviewed"):
        services.submission_review(
            submission=submitted, reviewer=trainer, accept=True, feedback="", marks=marks
        )

    assert submitted.marks.count() == len(submitted.activity.rubric)


def test_the_review_form_has_a_labelled_group_of_levels_per_criterion(client, submitted, trainer):
    client.force_login(trainer)

    html = client.get(reverse("progress:review", args=[submitted.pk])).content.decode()

    for criterion in submitted.activity.rubric:
        name = f"criterion_{criterion.pk}"
        assert html.count(f'name="{name}"') == 3
        assert f"<legend>{criterion.name}" in html
        for level in ("not_yet", "meets", "exceeds"):
            assert f'id="id_{name}_' in html and f'value="{level}"' in html
        assert criterion.meets in html
    assert "Accept only when every criterion meets or exceeds." in html


def test_accepting_on_the_page_with_a_level_not_yet_shows_the_error_beside_it(
    client, submitted, trainer
):
    client.force_login(trainer)
    data = review_post(submitted.activity, "accept")
    weak = submitted.activity.rubric[1]
    data[f"criterion_{weak.pk}"] = "not_yet"

    response = client.post(reverse("progress:review", args=[submitted.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    error_id = f"id_criterion_{weak.pk}_error"
    assert f'id="{error_id}"' in html
    assert "accepted only when every criterion meets or exceeds" in html
    helptext_id = f"id_criterion_{weak.pk}_helptext"
    assert f'<fieldset aria-describedby="{helptext_id} {error_id}">' in html
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_a_review_without_levels_shows_an_error_for_each_criterion(client, submitted, trainer):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]),
        {"decision": "return", "feedback": "Add two counterparts."},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Choose a level for this criterion.") == len(submitted.activity.rubric)


def test_the_learner_sees_each_level_with_its_descriptor_and_the_feedback(
    client, submitted, trainer
):
    activity = submitted.activity
    marks = review_marks(activity, accept=False)
    good = activity.rubric[0]
    marks[good.pk] = "meets"
    services.submission_review(
        submission=submitted,
        reviewer=trainer,
        accept=False,
        feedback="Add two counterparts.",
        marks=marks,
    )
    open_stage_of(submitted)
    client.force_login(submitted.enrolment.user)

    response = client.get(activity.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()

    assert "Marks against the rubric" in html
    assert good.meets in html
    for criterion in activity.rubric[1:]:
        assert criterion.not_yet in html
    assert "Add two counterparts." in html


def test_the_data_export_holds_the_marks(submitted, trainer):
    services.submission_review(
        submission=submitted,
        reviewer=trainer,
        accept=True,
        feedback="Well chosen.",
        marks=review_marks(submitted.activity),
    )

    exported = personal_data_export(user=submitted.enrolment.user)

    [work] = exported["submissions"]
    assert work["feedback"] == "Well chosen."
    assert work["marks"] == [
        {"criterion": item.name, "level": "meets", "descriptor": item.meets}
        for item in submitted.activity.rubric
    ]
