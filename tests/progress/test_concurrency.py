"""Two requests for the same learner at the same moment (a double click, two tabs).

Each thread has its own PostgreSQL connection and the test commits for real, so
the services' row lock on the enrolment, not the test's transaction, is what
keeps the outcome to one completion, one milestone, one waiting submission.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from curriculum.models import Activity
from progress import services
from progress.models import Cohort, Completion, Enrolment, Submission
from progress.timemodel import Milestone
from tests.helpers import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Kind = Activity.Kind


def orientation() -> list[Activity]:
    return list(
        Activity.objects.live().filter(module__stage__slug="orientation").select_related("module")
    )


@pytest.fixture
def enrolment(trainee, programme) -> Enrolment:
    return services.enrolment_create(user=trainee, programme=programme)


def test_two_simultaneous_marks_of_the_last_orientation_reading_complete_it_once(enrolment):
    activities = orientation()
    last_reading = [a for a in activities if a.kind == Kind.READING][-1]
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now)
        for activity in activities
        if activity != last_reading
    )

    outcomes = race(
        lambda: services.reading_mark_read(enrolment=enrolment, activity=last_reading),
        lambda: services.reading_mark_read(enrolment=enrolment, activity=last_reading),
    )

    assert sorted(outcomes) == [False, True], outcomes
    assert Completion.objects.filter(enrolment=enrolment, activity=last_reading).count() == 1
    assert list(enrolment.achievements.values_list("milestone", flat=True)) == [
        Milestone.ACQUAINTED
    ]


def test_two_simultaneous_submits_of_one_quiz_paper_grade_it_once(enrolment):
    quiz = Activity.objects.live().filter(module__stage__slug="orientation", kind=Kind.QUIZ)[0]
    draw = services.quiz_attempt_open(enrolment=enrolment, activity=quiz)
    right = {
        str(index): [str(n) for n, choice in enumerate(question["choices"]) if choice["correct"]]
        for index, question in enumerate(draw.paper)
    }

    def submit():
        return services.quiz_submit(
            enrolment=enrolment, activity=quiz, raw_answers=right, draw_id=draw.pk
        )

    outcomes = race(submit, submit)

    graded = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    refused = [o for o in outcomes if isinstance(o, services.AttemptAlreadyChecked)]
    assert (len(graded), len(refused)) == (1, 1), outcomes
    assert graded[0][1].passed
    assert enrolment.quiz_attempts.count() == 1
    assert Completion.objects.filter(enrolment=enrolment, activity=quiz).count() == 1


def test_two_simultaneous_practice_submits_leave_one_waiting(
    trainee, trainer, organisation, programme
):
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Spring cohort",
        starts_on=datetime.date.today(),
    )
    cohort.trainers.add(trainer)
    enrolment = services.enrolment_create(user=trainee, programme=programme, cohort=cohort)
    practice = Activity.objects.live().filter(kind=Kind.PRACTICE)[0]

    def submit():
        return services.practice_submit(
            enrolment=enrolment, activity=practice, text="My listening list", link=""
        )

    outcomes = race(submit, submit)

    submitted = [o for o in outcomes if isinstance(o, Submission)]
    refused = [o for o in outcomes if isinstance(o, services.StudyError)]
    assert (len(submitted), len(refused)) == (1, 1), outcomes
    assert str(refused[0]) == "Your work is already waiting for review."
    assert list(
        Submission.objects.filter(enrolment=enrolment).values_list("status", flat=True)
    ) == [Submission.Status.SUBMITTED]


def test_the_planner_never_writes_an_older_pace_over_a_pause_committed_meanwhile(enrolment):
    from django.db import transaction

    from progress.nudges.planner import nudges_plan

    locked, planned = threading.Event(), threading.Event()

    def pause_slowly():
        # The learner's pause holds the row while the planner runs.
        try:
            with transaction.atomic():
                services.enrolment_pause(enrolment=enrolment, by=enrolment.user)
                locked.set()
                planned.wait(timeout=20)
        finally:
            connection.close()

    pausing = threading.Thread(target=pause_slowly)
    pausing.start()
    assert locked.wait(timeout=20)

    def plan():
        try:
            nudges_plan(now=timezone.now())
        finally:
            planned.set()
            connection.close()

    planning = threading.Thread(target=plan)
    planning.start()
    planning.join(timeout=5)
    planned.set()  # the planner either finished, or waits on the learner's row
    pausing.join(timeout=30)
    planning.join(timeout=30)
    assert not pausing.is_alive() and not planning.is_alive()

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.PAUSED
    assert enrolment.pace == "paused"
