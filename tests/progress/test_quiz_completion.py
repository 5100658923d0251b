"""A quiz completes on a passing attempt, keeps the best score, and ignores
garbage in its answers.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import pytest

from progress import services
from progress.models import Completion, QuizAttempt
from progress.selectors import activity_detail
from tests.progress.study import Kind, completed, live, quiz_answers

pytestmark = pytest.mark.django_db


# Quiz


@pytest.fixture
def quiz():
    quiz = live("orientation", Kind.QUIZ)
    # The arithmetic below assumes the shipped orientation quiz: 8 questions, pass at 75%.
    assert (len(quiz.questions), quiz.pass_mark) == (8, 75)
    return quiz


def test_failing_quiz_attempt_is_recorded_without_completing(enrolment, quiz):
    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, correct=5)
    )

    assert result.passed is False and result.score < quiz.pass_mark
    assert (attempt.score, attempt.passed) == (result.score, False)
    assert QuizAttempt.objects.filter(enrolment=enrolment, activity=quiz).count() == 1
    assert not completed(enrolment, quiz)


def test_passing_quiz_attempt_completes_the_quiz(enrolment, quiz):
    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, correct=6)
    )

    assert (attempt.score, result.passed) == (quiz.pass_mark, True)  # exactly at the mark
    assert completed(enrolment, quiz)


def test_quiz_can_be_retried_without_limit_and_the_best_score_is_kept(enrolment, quiz):
    scores = {}
    for correct in (1, 4, 2, 5, 3, 0, 5, 4, 7, 2):
        attempt, _ = services.quiz_submit(
            enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, correct)
        )
        scores[correct] = attempt.score

    detail = activity_detail(enrolment, quiz)

    assert QuizAttempt.objects.filter(enrolment=enrolment, activity=quiz).count() == 10
    assert detail["best_score"] == max(scores.values()) == scores[7]
    assert scores[7] > scores[5] > scores[0] == 0
    assert len(detail["recent_attempts"]) == 5
    assert Completion.objects.filter(enrolment=enrolment, activity=quiz).count() == 1


def test_best_score_is_empty_before_any_attempt(enrolment, quiz):
    assert activity_detail(enrolment, quiz)["best_score"] is None


def test_later_failing_attempt_never_removes_the_completion(enrolment, quiz):
    services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, 8))

    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, 0)
    )

    assert (attempt.score, result.passed) == (0, False)
    assert completed(enrolment, quiz)
    assert activity_detail(enrolment, quiz)["best_score"] == 100


def test_quiz_ignores_garbage_in_raw_answers(enrolment, quiz):
    raw = quiz_answers(quiz, correct=8)
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
    raw = quiz_answers(quiz, correct=8)
    raw[str(single)] = [str(n) for n in range(len(quiz.questions[single]["choices"]))]

    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=raw)

    assert attempt.answers[str(single)] == []
    assert not result.questions[single].correct
    assert result.correct_count == len(quiz.questions) - 1
