"""Quiz grading: pure functions over a quiz's questions and a learner's answers. No database."""

import pytest

from curriculum.grading import ChoiceFeedback, clean_answers, grade


def choice(text: str, correct: bool = False) -> dict:
    return {"text": text, "correct": correct, "feedback": f"Feedback on {text}."}


def single(prompt: str, correct: int, count: int = 3) -> dict:
    return {
        "prompt": prompt,
        "multiple": False,
        "choices": [choice(f"{prompt} {number}", number == correct) for number in range(count)],
    }


def multiple(prompt: str, correct: set[int], count: int = 4) -> dict:
    return {
        "prompt": prompt,
        "multiple": True,
        "choices": [choice(f"{prompt} {number}", number in correct) for number in range(count)],
    }


def five_questions() -> list[dict]:
    return [
        single("q0", correct=0),
        single("q1", correct=1),
        single("q2", correct=2),
        multiple("q3", correct={0, 2}),
        multiple("q4", correct={1}),
    ]


CORRECT = {"0": [0], "1": [1], "2": [2], "3": [0, 2], "4": [1]}


def test_all_correct_scores_100_and_passes():
    result = grade(five_questions(), CORRECT, pass_mark=80)

    assert (result.score, result.passed, result.correct_count) == (100, True, 5)
    assert all(question.correct and question.answered for question in result.questions)


def test_all_wrong_scores_0_and_fails():
    answers = {"0": [1], "1": [0], "2": [0], "3": [1], "4": [0]}

    result = grade(five_questions(), answers, pass_mark=1)

    assert (result.score, result.passed, result.correct_count) == (0, False, 0)


@pytest.mark.parametrize(
    ("correct_answers", "question_count", "score"),
    [(2, 3, 66), (1, 3, 33), (1, 6, 16), (5, 6, 83), (4, 7, 57), (6, 8, 75)],
)
def test_the_score_is_the_percentage_of_correct_questions_rounded_down(
    correct_answers, question_count, score
):
    questions = [single(f"q{number}", correct=0) for number in range(question_count)]
    answers = {
        str(number): [0 if number < correct_answers else 1] for number in range(question_count)
    }

    result = grade(questions, answers, pass_mark=50)

    assert result.score == score
    assert result.correct_count == correct_answers


@pytest.mark.parametrize(("pass_mark", "passed"), [(79, True), (80, True), (81, False)])
def test_a_score_exactly_at_the_pass_mark_passes(pass_mark, passed):
    answers = {**CORRECT, "4": [0]}  # four of five: 80

    result = grade(five_questions(), answers, pass_mark=pass_mark)

    assert result.score == 80
    assert result.passed is passed


@pytest.mark.parametrize(
    ("selected", "correct"),
    [
        ([0, 2], True),
        ([0, 1, 2, 3], False),  # every box
        ([0], False),  # some of the right ones
        ([0, 1, 2], False),  # the right ones and a wrong one
        ([1, 3], False),
    ],
)
def test_multiple_choice_is_all_or_nothing(selected, correct):
    questions = [multiple("q", correct={0, 2})]

    result = grade(questions, {"0": selected}, pass_mark=100)

    assert result.questions[0].correct is correct
    assert result.score == (100 if correct else 0)


def test_selecting_every_box_scores_nothing_for_that_question():
    answers = {**CORRECT, "3": [0, 1, 2, 3], "4": [0, 1, 2, 3]}

    result = grade(five_questions(), answers, pass_mark=60)

    assert [question.correct for question in result.questions] == [True, True, True, False, False]
    assert (result.score, result.passed) == (60, True)


def test_an_unanswered_question_counts_as_wrong():
    answers = {"0": [0], "1": [1], "3": [], "4": [1]}  # "2" missing, "3" empty

    result = grade(five_questions(), answers, pass_mark=60)

    assert [question.answered for question in result.questions] == [True, True, False, False, True]
    assert [question.correct for question in result.questions] == [True, True, False, False, True]
    assert (result.score, result.passed) == (60, True)


def test_no_answers_at_all_scores_zero():
    result = grade(five_questions(), {}, pass_mark=1)

    assert (result.score, result.passed) == (0, False)
    assert not any(question.answered for question in result.questions)


def test_every_question_returns_feedback_on_each_of_its_choices():
    questions = five_questions()
    answers = {"0": [1], "3": [0, 2]}

    result = grade(questions, answers, pass_mark=80)

    assert len(result.questions) == len(questions)
    first = result.questions[0]
    assert (first.prompt, first.multiple, first.correct, first.answered) == (
        "q0",
        False,
        False,
        True,
    )
    assert first.choices == (
        ChoiceFeedback(text="q0 0", selected=False, correct=True, feedback="Feedback on q0 0."),
        ChoiceFeedback(text="q0 1", selected=True, correct=False, feedback="Feedback on q0 1."),
        ChoiceFeedback(text="q0 2", selected=False, correct=False, feedback="Feedback on q0 2."),
    )
    assert result.questions[3].multiple
    assert [item.selected for item in result.questions[3].choices] == [True, False, True, False]
    for question, data in zip(result.questions, questions, strict=True):
        assert [item.feedback for item in question.choices] == [
            item["feedback"] for item in data["choices"]
        ]
        assert [item.correct for item in question.choices] == [
            item["correct"] for item in data["choices"]
        ]


def test_a_quiz_without_questions_scores_zero():
    result = grade([], {}, pass_mark=80)

    assert (result.score, result.passed, result.questions) == (0, False, ())


# clean_answers: what a submitted form may contain.


def test_clean_answers_keeps_valid_indexes_as_sorted_unique_integers():
    questions = [single("q0", correct=0), multiple("q1", correct={0, 2})]

    answers = clean_answers(questions, {"0": ["2"], "1": ["2", "0", "2"]})

    assert answers == {"0": [2], "1": [0, 2]}


@pytest.mark.parametrize(
    "raw_value", ["3", "-1", "99", "x", "", "1.5", None, "0x1", "[0]"], ids=repr
)
def test_clean_answers_drops_out_of_range_and_non_integer_indexes(raw_value):
    questions = [multiple("q0", correct={0}, count=3)]

    answers = clean_answers(questions, {"0": [raw_value, "1"]})

    assert answers == {"0": [1]}


def test_clean_answers_treats_a_single_choice_question_with_two_answers_as_unanswered():
    questions = [single("q0", correct=0), single("q1", correct=1)]

    answers = clean_answers(questions, {"0": ["0", "1"], "1": ["1", "1"]})

    assert answers == {"0": [], "1": [1]}
    result = grade(questions, answers, pass_mark=50)
    assert not result.questions[0].answered
    assert not result.questions[0].correct
    assert result.score == 50


def test_clean_answers_lists_every_question_and_ignores_unknown_ones():
    questions = [single("q0", correct=0), single("q1", correct=1)]

    answers = clean_answers(questions, {"1": ["1"], "7": ["0"], "csrfmiddlewaretoken": ["x"]})

    assert answers == {"0": [], "1": [1]}


def test_cleaned_answers_grade_like_the_learner_meant():
    questions = five_questions()
    raw = {"0": ["0"], "1": ["1", "9"], "2": ["2", "oops"], "3": ["2", "0"], "4": ["1"]}

    result = grade(questions, clean_answers(questions, raw), pass_mark=100)

    assert (result.score, result.passed) == (100, True)
