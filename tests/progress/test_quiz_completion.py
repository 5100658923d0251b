"""A quiz completes on a passing attempt, keeps the best score, caps its
attempts, and ignores garbage in its answers.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import datetime

import pytest

from progress import services
from progress.models import Completion, QuizAttempt
from progress.selectors import activity_detail
from tests.progress.study import Kind, completed, live, open_paper, quiz_answers

pytestmark = pytest.mark.django_db


# Quiz


@pytest.fixture
def quiz():
    quiz = live("orientation", Kind.QUIZ)
    # The arithmetic below assumes the shipped orientation quiz: 8 questions,
    # all shown, pass at 75%, three attempts with no wait between them.
    assert (len(quiz.questions), quiz.draw, quiz.pass_mark) == (8, None, 75)
    assert (quiz.retake_policy.max_attempts, quiz.retake_policy.cooldown_hours) == (3, 0)
    return quiz


def answers(enrolment, quiz, correct: int) -> dict[str, list[str]]:
    return quiz_answers(open_paper(enrolment, quiz), correct)


def test_failing_quiz_attempt_is_recorded_without_completing(enrolment, quiz):
    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=answers(enrolment, quiz, correct=5)
    )

    assert result.passed is False and result.score < quiz.pass_mark
    assert (attempt.score, attempt.passed) == (result.score, False)
    assert QuizAttempt.objects.filter(enrolment=enrolment, activity=quiz).count() == 1
    assert not completed(enrolment, quiz)


def test_passing_quiz_attempt_completes_the_quiz(enrolment, quiz):
    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=answers(enrolment, quiz, correct=6)
    )

    assert (attempt.score, result.passed) == (quiz.pass_mark, True)  # exactly at the mark
    assert completed(enrolment, quiz)


def test_quiz_attempts_stop_at_the_cap_and_the_best_score_is_kept(enrolment, quiz):
    scores = {}
    for correct in (1, 7, 2):
        attempt, _ = services.quiz_submit(
            enrolment=enrolment, activity=quiz, raw_answers=answers(enrolment, quiz, correct)
        )
        scores[correct] = attempt.score

    with pytest.raises(services.QuizClosed) as closed:
        services.quiz_attempt_open(enrolment=enrolment, activity=quiz)

    detail = activity_detail(enrolment, quiz)
    assert QuizAttempt.objects.filter(enrolment=enrolment, activity=quiz).count() == 3
    assert detail["best_score"] == max(scores.values()) == scores[7]
    assert len(detail["recent_attempts"]) == 3
    assert Completion.objects.filter(enrolment=enrolment, activity=quiz).count() == 1
    # A self-paced learner has no trainer to grant more: one more comes after a wait.
    last = QuizAttempt.objects.filter(enrolment=enrolment).latest("created_at").created_at
    assert (closed.value.retakes.used, closed.value.retakes.allowed) == (3, 3)
    assert closed.value.retakes.next_at == last + datetime.timedelta(
        hours=quiz.retake_policy.self_paced_wait_hours
    )


def test_best_score_is_empty_before_any_attempt(enrolment, quiz):
    assert activity_detail(enrolment, quiz)["best_score"] is None


def test_later_failing_attempt_never_removes_the_completion(enrolment, quiz):
    services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=answers(enrolment, quiz, 8)
    )

    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=answers(enrolment, quiz, 0)
    )

    assert (attempt.score, result.passed) == (0, False)
    assert completed(enrolment, quiz)
    assert activity_detail(enrolment, quiz)["best_score"] == 100


def test_quiz_ignores_garbage_in_raw_answers(enrolment, quiz):
    raw = answers(enrolment, quiz, correct=8)
    garbage = ["", "abc", "1.5", "-1", "99", None, "0x1"]
    raw = {key: [*garbage, *picked] for key, picked in raw.items()}
    raw["42"] = ["0"]  # no such question
    raw["not-a-number"] = ["1"]

    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=raw)

    assert set(attempt.answers) == {str(i) for i in range(8)}
    for index, picked in attempt.answers.items():
        question = quiz.questions[int(index)]
        assert all(isinstance(choice, int) for choice in picked)
        assert all(0 <= choice < len(question["choices"]) for choice in picked)
    assert (result.score, result.passed) == (100, True)


def test_quiz_with_nothing_answered_scores_zero(enrolment, quiz):
    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers={})

    assert attempt.answers == {str(i): [] for i in range(8)}
    assert (result.score, result.passed) == (0, False)
    assert not completed(enrolment, quiz)


def test_single_choice_question_answered_twice_counts_as_unanswered(enrolment, quiz):
    single = next(i for i, q in enumerate(quiz.questions) if not q.get("multiple"))
    raw = answers(enrolment, quiz, correct=8)
    raw[str(single)] = [str(n) for n in range(len(quiz.questions[single]["choices"]))]

    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=raw)

    assert attempt.answers[str(single)] == []
    assert not result.questions[single].correct
    assert result.correct_count == len(quiz.questions) - 1
