"""Enrolling, reading, and what completing activities leads to: milestones,
competence standings and history. Services against the database.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import pytest
from django.utils import timezone

from competences.models import Standing
from curriculum.models import Activity
from progress import services
from progress.models import Completion, Enrolment, HistoryEvent, MilestoneAchievement
from progress.timemodel import Milestone
from tests.progress.study import Kind, finish, live, words

pytestmark = pytest.mark.django_db


# Enrolment


def test_enrolling_twice_is_refused(trainee, programme):
    services.enrolment_create(user=trainee, programme=programme)

    with pytest.raises(services.AlreadyEnrolled):
        services.enrolment_create(user=trainee, programme=programme)

    assert Enrolment.objects.filter(user=trainee).count() == 1


STUDY_ACTIONS = {
    Kind.READING: lambda enrolment: services.reading_mark_read(
        enrolment=enrolment, activity=live("orientation", Kind.READING)
    ),
    Kind.QUIZ: lambda enrolment: services.quiz_submit(
        enrolment=enrolment,
        activity=live("orientation", Kind.QUIZ),
        raw_answers={"0": ["0"]},
    ),
    Kind.RESOURCES: lambda enrolment: services.resource_follow(
        enrolment=enrolment, resource=live("curate", Kind.RESOURCES).resources.first()
    ),
    Kind.LISTENING_LOG: lambda enrolment: services.listening_entry_save(
        enrolment=enrolment, activity=live("curate", Kind.LISTENING_LOG), followed="a", learned="b"
    ),
    Kind.PRACTICE: lambda enrolment: services.practice_submit(
        enrolment=enrolment, activity=live("curate", Kind.PRACTICE), text="Work", link=""
    ),
    # A sandbox run is handed in as practice work on its simulation activity.
    Kind.SIMULATION: lambda enrolment: services.practice_submit(
        enrolment=enrolment, activity=live("communicate", Kind.SIMULATION), text="Run", link=""
    ),
    Kind.REFLECTION: lambda enrolment: services.reflection_save(
        enrolment=enrolment, activity=live("orientation", Kind.REFLECTION), text=words(200)
    ),
    Kind.DISCUSSION: lambda enrolment: services.contribution_record(
        enrolment=enrolment, activity=live("collaborate", Kind.DISCUSSION), now=timezone.now()
    ),
    Kind.CHECKIN: lambda enrolment: services.checkin_record(
        enrolment=enrolment, activity=live("communicate", Kind.CHECKIN), followers=5, account=""
    ),
}


@pytest.mark.parametrize("kind", list(STUDY_ACTIONS))
def test_withdrawn_enrolment_refuses_study(enrolment, kind):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)

    with pytest.raises(services.StudyError, match="withdrawn"):
        STUDY_ACTIONS[kind](enrolment)

    assert not enrolment.completions.exists()
    assert not enrolment.quiz_attempts.exists()
    assert not enrolment.follows.exists()
    assert not enrolment.listening_entries.exists()
    assert not enrolment.submissions.exists()
    assert not enrolment.reflections.exists()
    assert not enrolment.checkins.exists()


def test_every_activity_kind_has_a_study_action():
    assert set(STUDY_ACTIONS) == set(Kind.values)


# Reading


def test_reading_completes_once_and_a_second_mark_records_nothing(enrolment):
    reading = live("orientation", Kind.READING)

    assert services.reading_mark_read(enrolment=enrolment, activity=reading) is True
    assert services.reading_mark_read(enrolment=enrolment, activity=reading) is False

    assert Completion.objects.filter(enrolment=enrolment, activity=reading).count() == 1
    assert (
        HistoryEvent.objects.filter(
            enrolment=enrolment, kind=HistoryEvent.Kind.COMPLETED, activity=reading
        ).count()
        == 1
    )


# Milestones, standings and history


def stage_activities(stage: str) -> list[Activity]:
    return list(
        Activity.objects.live()
        .filter(module__stage__slug=stage)
        .select_related("module__stage")
        .prefetch_related("resources")
    )


def test_completing_the_orientation_reaches_acquainted_once_and_on_time(enrolment):
    orientation = stage_activities("orientation")
    for activity in orientation[:-1]:
        finish(enrolment, activity)
    assert not enrolment.achievements.exists()

    finish(enrolment, orientation[-1])
    services.reading_mark_read(enrolment=enrolment, activity=orientation[0])

    achievement = MilestoneAchievement.objects.get(enrolment=enrolment)
    assert (achievement.milestone, achievement.on_time) == (
        Milestone.ACQUAINTED,
        True,
    )
    history = HistoryEvent.objects.filter(enrolment=enrolment)
    assert history.filter(kind=HistoryEvent.Kind.COMPLETED).count() == len(orientation)
    assert list(
        history.filter(kind=HistoryEvent.Kind.MILESTONE).values_list("summary", flat=True)
    ) == ["Reached the milestone Acquainted"]


def test_curate_standing_moves_from_not_started_to_demonstrated(enrolment):
    for activity in stage_activities("orientation"):
        finish(enrolment, activity)
    standing = Standing.objects.get(user=enrolment.user, competence__slug="curate")
    assert (standing.state, standing.share_done, standing.demonstrated_at) == (
        Standing.State.NOT_STARTED,
        0,
        None,
    )

    curate = stage_activities("curate")
    finish(enrolment, curate[0])
    standing.refresh_from_db()
    assert standing.state == Standing.State.IN_PROGRESS
    assert standing.share_done == pytest.approx(1 / len(curate))
    assert standing.demonstrated_at is None

    for activity in curate[1:]:
        finish(enrolment, activity)
    standing.refresh_from_db()
    assert standing.state == Standing.State.DEMONSTRATED
    assert standing.share_done == 1
    assert standing.demonstrated_at is not None
    # Curate is the month's work: with the orientation, the e-Listener milestone is reached.
    assert set(enrolment.achievements.values_list("milestone", "on_time")) == {
        (Milestone.ACQUAINTED, True),
        (Milestone.E_LISTENER, True),
    }
    assert not Standing.objects.filter(
        user=enrolment.user, competence__slug="collaborate", state=Standing.State.IN_PROGRESS
    ).exists()
