"""Reads about a learner's quiz attempts, for the trainer's learner page."""

import datetime
from dataclasses import dataclass

from curriculum.grading import Retakes, retakes
from curriculum.models import Activity
from progress.models import Enrolment, QuizAttempt, QuizGrant


@dataclass(frozen=True)
class QuizRow:
    activity: Activity
    best_score: int
    passed: bool
    retakes: Retakes


def learner_quizzes(enrolment: Enrolment, now: datetime.datetime) -> list[QuizRow]:
    """Every quiz the learner has attempted or been granted an attempt at, in
    programme order, with where they stand under its retake policy.

    Two queries, whatever the learner's history: their attempts and the
    grants, each with its quiz.
    """
    attempts = (
        QuizAttempt.objects.filter(enrolment=enrolment)
        .select_related("activity__module__stage")
        .only(
            "created_at",
            "score",
            "passed",
            "activity__title",
            "activity__translations",
            "activity__slug",
            "activity__config",
            "activity__order",
            "activity__module__slug",
            "activity__module__order",
            "activity__module__stage__slug",
            "activity__module__stage__order",
        )
    )
    grants = QuizGrant.objects.filter(enrolment=enrolment).select_related("activity__module__stage")
    quizzes: dict[int, Activity] = {}
    attempted: dict[int, list[QuizAttempt]] = {}
    granted: dict[int, list[datetime.datetime]] = {}
    for attempt in attempts:
        quizzes.setdefault(attempt.activity_id, attempt.activity)
        attempted.setdefault(attempt.activity_id, []).append(attempt)
    for grant in grants:
        quizzes.setdefault(grant.activity_id, grant.activity)
        granted.setdefault(grant.activity_id, []).append(grant.created_at)
    ordered = sorted(
        quizzes.values(),
        key=lambda quiz: (quiz.module.stage.order, quiz.module.order, quiz.order),
    )
    rows = []
    for quiz in ordered:
        tries = attempted.get(quiz.pk, [])
        rows.append(
            QuizRow(
                activity=quiz,
                best_score=max((a.score for a in tries), default=0),
                passed=any(a.passed for a in tries),
                retakes=retakes(
                    quiz.retake_policy,
                    attempted_at=[a.created_at for a in tries],
                    granted_at=granted.get(quiz.pk, []),
                    has_trainer=enrolment.has_trainer,
                    now=now,
                ),
            )
        )
    return rows
