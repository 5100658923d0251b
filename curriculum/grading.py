"""Quiz grading: pure functions over an activity's questions and an answer set."""

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


def clean_answers(
    questions: Sequence[Mapping], raw: Mapping[str, Sequence]
) -> dict[str, list[int]]:
    """Keeps only choice indexes that exist, as sorted unique integers per question."""
    answers: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        picked: set[int] = set()
        for value in raw.get(str(index), []):
            try:
                choice = int(value)
            except (TypeError, ValueError):
                continue
            if 0 <= choice < len(question["choices"]):
                picked.add(choice)
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
            number for number, choice in enumerate(question["choices"]) if choice["correct"]
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
                        selected=number in selected,
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
