"""Quizzes as pure functions: drawing an attempt's paper, grading an answer
set, and the retake policy. No database.

A *paper* is what one attempt shows: the questions drawn from the quiz's bank,
each with its choices in the order shown. Every choice keeps its `key`, its
index in the content, so answers are recorded by option, not by the position
the learner happened to see, and the correct flags come from the content
copied when the attempt opened, never from the form.
"""

import datetime
import enum
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChoiceFeedback:
    text: str
    selected: bool
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuestionResult:
    prompt: str
    multiple: bool
    correct: bool
    answered: bool
    choices: tuple[ChoiceFeedback, ...]


@dataclass(frozen=True)
class QuizResult:
    score: int
    passed: bool
    questions: tuple[QuestionResult, ...]

    @property
    def correct_count(self) -> int:
        return sum(1 for question in self.questions if question.correct)


def _key(choice: Mapping, position: int) -> int:
    # Content questions (and papers written before shuffling) show choices in
    # content order, so their key is their position.
    return int(choice.get("key", position))


def paper_draw(questions: Sequence[Mapping], *, draw: int | None, rng: random.Random) -> list[dict]:
    """Draws `draw` questions (all of them when None or more than the bank
    holds), kept in content order, each with its choices shuffled."""
    count = len(questions) if draw is None else min(draw, len(questions))
    drawn = sorted(rng.sample(range(len(questions)), count))
    paper = []
    for index in drawn:
        question = questions[index]
        order = list(range(len(question["choices"])))
        rng.shuffle(order)
        paper.append(_paper_question(question, index, order))
    return paper


def paper_in_content_order(questions: Sequence[Mapping]) -> list[dict]:
    """Every question and choice as the content lists them: how attempts
    recorded before papers existed were shown."""
    return [
        _paper_question(question, index, list(range(len(question["choices"]))))
        for index, question in enumerate(questions)
    ]


def _paper_question(question: Mapping, index: int, order: list[int]) -> dict:
    return {
        "slug": question.get("slug") or f"q{index + 1}",
        "prompt": question["prompt"],
        "multiple": bool(question.get("multiple")),
        "choices": [
            {
                "key": key,
                "text": question["choices"][key]["text"],
                "correct": question["choices"][key]["correct"],
                "feedback": question["choices"][key]["feedback"],
            }
            for key in order
        ],
    }


def paper_in_words(paper: Sequence[Mapping], questions: Sequence[Mapping]) -> list[dict]:
    """The paper with its words taken from `questions` (the quiz's questions as
    now shown, e.g. in the reader's language), matched by question slug and
    choice key; order, keys and correct flags stay the paper's, so what is
    graded never depends on the language. A question gone from the content
    keeps the words it was shown with."""
    by_slug = {question.get("slug"): question for question in questions}
    shown = []
    for question in paper:
        words = by_slug.get(question.get("slug"))
        if words is None:
            shown.append(dict(question))
            continue
        choices = []
        for position, choice in enumerate(question["choices"]):
            key = _key(choice, position)
            source = words["choices"][key] if key < len(words["choices"]) else choice
            choices.append({**choice, "text": source["text"], "feedback": source["feedback"]})
        shown.append(
            {
                **question,
                "prompt": words["prompt"],
                "untranslated": bool(words.get("untranslated")),
                "choices": choices,
            }
        )
    return shown


def clean_answers(
    questions: Sequence[Mapping], raw: Mapping[str, Sequence]
) -> dict[str, list[int]]:
    """Maps the positions a form posts to the keys of the choices shown there.

    Keeps only positions that exist, as sorted unique keys per question (by
    its position on the paper).
    """
    answers: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        picked: set[int] = set()
        for value in raw.get(str(index), []):
            try:
                position = int(value)
            except (TypeError, ValueError):
                continue
            if 0 <= position < len(question["choices"]):
                picked.add(_key(question["choices"][position], position))
        if not question.get("multiple") and len(picked) > 1:
            picked = set()  # a single-choice question answered twice is not answered
        answers[str(index)] = sorted(picked)
    return answers


def grade(
    questions: Sequence[Mapping], answers: Mapping[str, Sequence[int]], pass_mark: int
) -> QuizResult:
    """A question is correct when exactly its correct choices are selected.

    Multiple-choice questions are all-or-nothing: selecting every box must
    not earn a mark.
    """
    results = []
    for index, question in enumerate(questions):
        selected = set(answers.get(str(index), []))
        expected = {
            _key(choice, number)
            for number, choice in enumerate(question["choices"])
            if choice["correct"]
        }
        results.append(
            QuestionResult(
                prompt=question["prompt"],
                multiple=bool(question.get("multiple")),
                correct=selected == expected,
                answered=bool(selected),
                choices=tuple(
                    ChoiceFeedback(
                        text=choice["text"],
                        selected=_key(choice, number) in selected,
                        correct=choice["correct"],
                        feedback=choice["feedback"],
                    )
                    for number, choice in enumerate(question["choices"])
                ),
            )
        )
    correct = sum(1 for result in results if result.correct)
    total = len(results)
    # Pass on the exact share, and show the score rounded down, so a shown
    # score below the mark never passes and one at the mark never fails.
    passed = total > 0 and 100 * correct >= pass_mark * total
    score = 100 * correct // total if total else 0
    return QuizResult(score=score, passed=passed, questions=tuple(results))


# Retakes


@dataclass(frozen=True)
class RetakePolicy:
    """How often a quiz may be attempted: `max_attempts`, each at least
    `cooldown_hours` after the one before. A trainer may grant more; a
    learner without a trainer, having nobody to ask, gets one more attempt
    each `self_paced_wait_hours` once the cap is used."""

    max_attempts: int = 3
    cooldown_hours: int = 12
    self_paced_wait_hours: int = 72


class RetakeState(enum.StrEnum):
    OPEN = "open"
    COOLDOWN = "cooldown"
    USED_UP = "used_up"


@dataclass(frozen=True)
class Retakes:
    """Where a learner stands with a quiz's attempts at one moment."""

    state: RetakeState
    used: int
    allowed: int
    # When the next attempt opens; None when it is open now, or when only a
    # trainer can open it.
    next_at: datetime.datetime | None

    @property
    def can_start(self) -> bool:
        return self.state is RetakeState.OPEN

    @property
    def left(self) -> int:
        return max(0, self.allowed - self.used)


def retakes(
    policy: RetakePolicy,
    *,
    attempted_at: Sequence[datetime.datetime],
    granted_at: Sequence[datetime.datetime],
    has_trainer: bool,
    now: datetime.datetime,
) -> Retakes:
    """Whether a new attempt may start at `now`, and if not, when it may.

    A grant made after the last attempt also lifts that attempt's cooldown:
    a trainer who grants one means "try again now".
    """
    used = len(attempted_at)
    allowed = policy.max_attempts + len(granted_at)
    if not attempted_at:
        return Retakes(RetakeState.OPEN, used, allowed, None)
    last = max(attempted_at)
    if used >= allowed:
        if has_trainer:
            return Retakes(RetakeState.USED_UP, used, allowed, None)
        opens = last + datetime.timedelta(hours=policy.self_paced_wait_hours)
        if now < opens:
            return Retakes(RetakeState.USED_UP, used, allowed, opens)
        return Retakes(RetakeState.OPEN, used, used + 1, None)
    granted_since = any(moment > last for moment in granted_at)
    opens = last + datetime.timedelta(hours=policy.cooldown_hours)
    if now < opens and not granted_since:
        return Retakes(RetakeState.COOLDOWN, used, allowed, opens)
    return Retakes(RetakeState.OPEN, used, allowed, None)
