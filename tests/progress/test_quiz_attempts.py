"""A quiz attempt answers a paper drawn when the quiz opens: shuffled, drawn
from the quiz's bank, kept until it is graded, under the retake policy a
trainer can extend."""

import datetime
import random
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from curriculum.models import Activity
from progress import services
from progress.models import Completion, HistoryEvent, QuizAttempt, QuizDraw, QuizGrant
from tests.factories import cohort_with_learners
from tests.helpers import assert_queries_do_not_grow
from tests.progress.study import Kind, quiz_answers

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def quiz(slug: str) -> Activity:
    return Activity.objects.live().select_related("module__stage").get(slug=slug, kind=Kind.QUIZ)


def orders(paper: list[dict]) -> list[tuple[str, list[int]]]:
    return [(q["slug"], [c["key"] for c in q["choices"]]) for q in paper]


def test_reopening_a_quiz_shows_the_same_paper(enrolment):
    orientation = quiz("orientation-quiz")

    first = services.quiz_attempt_open(enrolment=enrolment, activity=orientation)
    again = services.quiz_attempt_open(
        enrolment=enrolment, activity=orientation, rng=random.Random(99)
    )

    assert again.pk == first.pk and again.paper == first.paper
    assert QuizDraw.objects.filter(enrolment=enrolment).count() == 1


def test_each_attempt_shuffles_anew_and_is_graded_on_its_own_paper(enrolment):
    orientation = quiz("orientation-quiz")
    rng = random.Random(16)
    papers = []
    for _ in range(2):
        draw = services.quiz_attempt_open(enrolment=enrolment, activity=orientation, rng=rng)
        papers.append(draw.paper)
        attempt, result = services.quiz_submit(
            enrolment=enrolment,
            activity=orientation,
            raw_answers=quiz_answers(draw.paper, correct=len(draw.paper)),
            draw_id=draw.pk,
        )
        assert result.passed and attempt.paper == draw.paper

    assert orders(papers[0]) != orders(papers[1])
    # Every option of every question is on each paper once, with its content.
    for paper in papers:
        for question, content in zip(paper, orientation.questions, strict=True):
            keys = [choice["key"] for choice in question["choices"]]
            assert sorted(keys) == list(range(len(content["choices"])))
            for choice in question["choices"]:
                assert choice["correct"] == content["choices"][choice["key"]]["correct"]


def test_answers_are_recorded_by_option_not_by_the_position_shown(enrolment):
    orientation = quiz("orientation-quiz")
    draw = services.quiz_attempt_open(
        enrolment=enrolment, activity=orientation, rng=random.Random(4)
    )
    shown = draw.paper[0]["choices"]

    attempt, _ = services.quiz_submit(
        enrolment=enrolment, activity=orientation, raw_answers={"0": ["0"]}, draw_id=draw.pk
    )

    assert attempt.answers["0"] == [shown[0]["key"]]


def test_a_bank_draws_its_number_of_the_quizs_own_questions_per_attempt(enrolment):
    bank = quiz("cyber-diplomacy-quiz")
    assert (bank.draw, len(bank.questions)) == (7, 10)
    own = {question["slug"] for question in bank.questions}
    rng = random.Random(16)
    drawn = []
    start = timezone.now()
    for attempt in range(2):
        # Past the cooldown of the attempt before.
        with time_machine.travel(start + attempt * 13 * HOUR, tick=False):
            draw = services.quiz_attempt_open(enrolment=enrolment, activity=bank, rng=rng)
            drawn.append([question["slug"] for question in draw.paper])
            services.quiz_submit(enrolment=enrolment, activity=bank, raw_answers={})

    assert [len(slugs) for slugs in drawn] == [7, 7]
    assert set(drawn[0]) <= own and set(drawn[1]) <= own
    assert drawn[0] != drawn[1]


def test_the_next_attempt_waits_for_the_cooldown_and_says_until_when(client, enrolment):
    bank = quiz("cyber-diplomacy-quiz")
    opened = Activity.objects.live().exclude(module__stage__slug__in=["communicate", "create"])
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=a, completed_at=timezone.now())
        for a in opened.exclude(pk=bank.pk)
    )
    client.force_login(enrolment.user)
    moment = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=enrolment.user.zone)
    with time_machine.travel(moment, tick=False):
        services.quiz_submit(enrolment=enrolment, activity=bank, raw_answers={})
    with time_machine.travel(moment + 11 * HOUR, tick=False):
        response = client.get(bank.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="draw"' not in html and "Check my answers" not in html
    assert "You can try again from" in html and "4 March 2026, 21:30" in html
    assert not QuizDraw.objects.filter(enrolment=enrolment).exists()


def test_answers_for_a_paper_already_graded_are_refused_with_a_message(client, enrolment):
    orientation = quiz("orientation-quiz")
    client.force_login(enrolment.user)
    assert client.get(orientation.get_absolute_url()).status_code == 200
    draw = QuizDraw.objects.get(enrolment=enrolment, activity=orientation)
    data = {"draw": str(draw.pk), **{f"q{i}": ["0"] for i in range(len(draw.paper))}}

    first = client.post(orientation.get_absolute_url(), data)
    second = client.post(orientation.get_absolute_url(), data)

    assert first.status_code == second.status_code == 302
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 1
    assert [str(m) for m in get_messages(second.wsgi_request)] == [
        "Those answers were for an attempt that has already been checked."
    ]


# The trainer's side


@pytest.fixture
def coached(organisation, programme, trainer):
    return cohort_with_learners(
        1, organisation=organisation, trainer=trainer, programme=programme
    ).learners[0]


def use_every_attempt(enrolment, activity) -> None:
    start = timezone.now() - 10 * 24 * HOUR
    for number in range(activity.retake_policy.max_attempts):
        with time_machine.travel(start + number * 24 * HOUR, tick=False):
            services.quiz_submit(enrolment=enrolment, activity=activity, raw_answers={})


def test_a_learner_with_a_trainer_who_used_every_attempt_is_told_to_ask(client, coached):
    orientation = quiz("orientation-quiz")
    use_every_attempt(coached, orientation)
    client.force_login(coached.user)

    html = client.get(orientation.get_absolute_url()).content.decode()

    assert "You have used all 3 of your attempts" in html and "Check my answers" not in html
    with pytest.raises(services.QuizClosed, match="your trainer can grant you another"):
        services.quiz_attempt_open(enrolment=coached, activity=orientation)


def test_the_trainer_grants_another_attempt_from_the_learners_page(client, coached, trainer):
    orientation = quiz("orientation-quiz")
    use_every_attempt(coached, orientation)
    url = reverse("progress:cohort_learner", args=[coached.cohort_id, coached.pk])
    client.force_login(trainer)
    page = client.get(url).content.decode()
    assert "Grant another attempt at “Check your orientation”" in page

    response = client.post(url, {"action": "grant_attempt", "quiz": str(orientation.pk)})

    assert response.status_code == 302
    grant = QuizGrant.objects.get(enrolment=coached, activity=orientation)
    assert grant.granted_by == trainer
    event = HistoryEvent.objects.get(enrolment=coached, kind=HistoryEvent.Kind.ATTEMPT_GRANTED)
    assert event.actor == trainer and orientation.title in event.summary
    audit = AuditEvent.objects.get(action="quiz.grant_attempt")
    assert audit.organisation_id == coached.cohort.organisation_id
    assert audit.detail == {"quiz": orientation.title}
    draw = services.quiz_attempt_open(enrolment=coached, activity=orientation)
    assert draw.paper
    assert "4 of 4" not in page and "3 of 3 attempts used" in page


def test_granting_a_non_quiz_or_unknown_activity_is_not_found(client, coached, trainer):
    url = reverse("progress:cohort_learner", args=[coached.cohort_id, coached.pk])
    reading = Activity.objects.live().filter(kind=Kind.READING).first()
    client.force_login(trainer)

    for value in (str(reading.pk), "999999", "x"):
        response = client.post(url, {"action": "grant_attempt", "quiz": value})
        assert response.status_code == 404, value
    assert not QuizGrant.objects.exists()


def test_the_learners_page_runs_the_same_queries_for_few_and_many_quizzes(client, coached, trainer):
    quizzes = list(Activity.objects.live().filter(kind=Kind.QUIZ))
    url = reverse("progress:cohort_learner", args=[coached.cohort_id, coached.pk])
    client.force_login(trainer)
    now = timezone.now()

    def grow(size: int) -> None:
        for activity in quizzes[:size]:
            QuizAttempt.objects.create(
                enrolment=coached,
                activity=activity,
                answers={},
                score=40,
                passed=False,
                created_at=now - HOUR,
            )
            QuizGrant.objects.create(
                enrolment=coached, activity=activity, granted_by=trainer, created_at=now
            )

    measured = assert_queries_do_not_grow(lambda _: client.get(url), grow, sizes=(2, 12), warm=True)

    html = measured.result.content.decode()
    assert len(re.findall(r"attempts used", html)) == 12
