"""What the content says about a quiz's draw, pass mark and retakes, and about
the listening rule: loaded with the programme's defaults, refused with file and
field when invalid, warned about when it can be passed by pattern."""

import pytest

from tests.curriculum.content_tree import (
    FIRST_STEPS,
    LISTENING,
    PROGRAMME,
    ContentTree,
    activity_row,
    assert_reported,
    choice,
)

QUIZ_FILE = f"curriculum/content/{FIRST_STEPS}"
WHERE = "activities[1]"


def quiz(tree: ContentTree) -> dict:
    return tree.activity(FIRST_STEPS, "first-quiz")


def warnings_of(tree: ContentTree) -> list[str]:
    return [str(warning) for warning in tree.read().warnings]


def test_the_shipped_tree_has_no_warning(tree):
    assert warnings_of(tree) == []


def test_a_multi_select_question_with_one_wrong_option_is_warned_about(tree):
    quiz(tree)["questions"][2]["choices"].pop()  # now Twitter, a wiki, a fax

    (warning,) = warnings_of(tree)

    assert warning.startswith(f"{QUIZ_FILE}: {WHERE} (first-quiz).questions[2]: ")
    assert "has 1 wrong option" in warning


def test_a_draw_larger_than_the_bank_is_warned_about(tree):
    quiz(tree)["draw"] = 5

    (warning,) = warnings_of(tree)

    assert f"{WHERE} (first-quiz).draw" in warning
    assert "draws 5 questions from a bank of 3" in warning


@pytest.mark.parametrize(
    ("edit", "field", "fragment"),
    [
        (lambda q: q.update(draw=0), f"{WHERE}.draw", "at least 1"),
        (lambda q: q.update(draw="two"), f"{WHERE}.draw", "whole number"),
        (lambda q: q.update(pass_mark=120), f"{WHERE}.pass_mark", "between 1 and 100"),
        (lambda q: q.update(retakes=3), f"{WHERE}.retakes", "mapping"),
        (lambda q: q.update(retakes={"tries": 2}), f"{WHERE}.retakes.tries", "not a known"),
        (
            lambda q: q.update(retakes={"cooldown_hours": -1}),
            f"{WHERE}.retakes.cooldown_hours",
            "between 0",
        ),
        (
            lambda q: q.update(retakes={"max_attempts": 0}),
            f"{WHERE}.retakes.max_attempts",
            "between 1 and 100",
        ),
        (
            lambda q: [question.update(slug="same") for question in q["questions"][:2]],
            f"{WHERE}.questions[1].slug",
            "duplicate slug 'same'",
        ),
    ],
    ids=[
        "draw-zero",
        "draw-text",
        "pass-mark",
        "retakes-not-mapping",
        "retakes-unknown",
        "cooldown-negative",
        "no-attempts",
        "question-slug",
    ],
)
def test_invalid_quiz_rules_are_reported_with_file_and_field(tree, edit, field, fragment):
    edit(quiz(tree))

    assert_reported(tree.problems(), QUIZ_FILE, field, fragment)


def test_invalid_programme_quiz_defaults_are_reported(tree):
    tree.programme["quizzes"] = {"pass_mark": 0, "retakes": {"cooldown_hours": "soon"}}

    problems = tree.problems()

    assert_reported(problems, PROGRAMME, "quizzes.pass_mark", "between 1 and 100")
    assert_reported(problems, PROGRAMME, "quizzes.retakes.cooldown_hours", "whole number")


def test_listening_weeks_beyond_its_days_are_reported(tree):
    tree.activities(LISTENING)[1]["required_weeks"] = 4  # the tree asks for 3 days

    assert_reported(
        tree.problems(),
        f"curriculum/content/{LISTENING}",
        "activities[1].required_weeks",
        "cannot exceed required_days",
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_content_yet")
def test_a_quiz_takes_the_programmes_defaults_and_overrides_parts(tree):
    tree.programme["quizzes"] = {"pass_mark": 70, "retakes": {"max_attempts": 5}}
    del quiz(tree)["pass_mark"]
    quiz(tree)["retakes"] = {"cooldown_hours": 0}
    quiz(tree)["draw"] = 2
    quiz(tree)["questions"][0]["slug"] = "first-competence"
    tree.activities(LISTENING)[1]["required_weeks"] = 2

    tree.load()

    row = activity_row("first-quiz")
    assert (row.pass_mark, row.draw, row.questions_shown) == (70, 2, 2)
    assert row.retake_policy.max_attempts == 5
    assert row.retake_policy.cooldown_hours == 0
    assert row.retake_policy.self_paced_wait_hours == 72  # the built-in default
    assert [q["slug"] for q in row.questions] == ["first-competence", "q2", "q3"]
    assert (activity_row("daily-log").required_days, activity_row("daily-log").required_weeks) == (
        3,
        2,
    )


def test_multi_select_with_two_wrong_options_is_fine(tree):
    quiz(tree)["questions"][2]["choices"] = [
        choice("Twitter", True),
        choice("A fax", False),
        choice("A telegram", False),
    ]

    assert warnings_of(tree) == []
