"""The loader's warnings about quizzes that can be passed by pattern: a correct
single choice that is systematically the first or the longest option. They are
warnings, not problems: the content still loads."""

from io import StringIO

import pytest
from django.core.management import call_command

from curriculum.loader import read_content
from tests.curriculum.content_tree import FIRST_STEPS, ContentTree, choice


def single(prompt: str, *choices: tuple[str, bool]) -> dict:
    return {
        "prompt": prompt,
        "multiple": False,
        "choices": [choice(text, correct) for text, correct in choices],
    }


def giveaway_questions() -> list[dict]:
    """Four single-choice questions whose answer is always first and longest."""
    return [
        single(
            f"Question {number}?",
            ("The full and careful right answer", True),
            ("A short slip", False),
            ("Another slip", False),
        )
        for number in range(1, 5)
    ]


def warnings_of(tree: ContentTree) -> list[str]:
    return [str(warning) for warning in tree.read().warnings]


def test_a_quiz_whose_answer_is_always_first_and_longest_gets_two_warnings(tree):
    tree.activity(FIRST_STEPS, "first-quiz")["questions"] = giveaway_questions()

    warnings = warnings_of(tree)

    assert len(warnings) == 2
    assert all(w.startswith("curriculum/content/orientation/01-first-steps.yaml") for w in warnings)
    assert all("activities[1] (first-quiz)" in w for w in warnings)
    assert any("is the first option in 4 of 4 single-choice questions" in w for w in warnings)
    assert any("is the longest option in 4 of 4 single-choice questions" in w for w in warnings)


def test_an_answer_longest_but_not_first_warns_only_about_length(tree):
    questions = giveaway_questions()
    for question in questions:
        question["choices"].reverse()
    tree.activity(FIRST_STEPS, "first-quiz")["questions"] = questions

    (warning,) = warnings_of(tree)

    assert "the longest option in 4 of 4" in warning


def test_half_of_the_questions_is_not_yet_a_pattern(tree):
    questions = giveaway_questions()
    for question in questions[:2]:
        # Last and no longer than the others.
        question["choices"] = [
            choice("A plausible wrong reading", False),
            choice("Another wrong reading", False),
            choice("The right reading", True),
        ]
    tree.activity(FIRST_STEPS, "first-quiz")["questions"] = questions

    assert warnings_of(tree) == []


def test_fewer_than_three_single_choice_questions_never_warn(tree):
    questions = giveaway_questions()[:2]
    multiple = {
        "prompt": "Which apply?",
        "multiple": True,
        "choices": [
            choice("The long right answer", True),
            choice("No", False),
            choice("Never", False),
        ],
    }
    tree.activity(FIRST_STEPS, "first-quiz")["questions"] = [*questions, multiple, multiple]

    assert warnings_of(tree) == []


def test_a_tie_for_longest_is_not_counted_as_longest(tree):
    questions = giveaway_questions()
    for question in questions:
        question["choices"] = [
            choice("Wrong, of equal size", False),
            choice("Right, of equal size", True),
        ]
    tree.activity(FIRST_STEPS, "first-quiz")["questions"] = questions

    assert warnings_of(tree) == []


@pytest.mark.django_db
def test_the_command_prints_the_warning_and_still_loads(monkeypatch, tree):
    from curriculum.management.commands import load_curriculum
    from curriculum.models import Programme

    Programme.objects.all().delete()
    tree.activity(FIRST_STEPS, "first-quiz")["questions"] = giveaway_questions()
    tree.write()
    monkeypatch.setattr(
        load_curriculum,
        "read_content",
        lambda: read_content(tree.content_dir, tree.competences_file),
    )
    out, err = StringIO(), StringIO()

    call_command("load_curriculum", "--check", stdout=out, stderr=err)
    assert "warning:" in err.getvalue() and "first-quiz" in err.getvalue()
    assert "Content is valid" in out.getvalue()

    call_command("load_curriculum", stdout=out, stderr=err)
    assert Programme.objects.filter(slug="test-programme").exists()


def test_the_shipped_quizzes_raise_no_warning():
    assert [str(warning) for warning in read_content().warnings] == []
