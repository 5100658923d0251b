"""Rubric criteria carry three levels, each with a one-line descriptor, and an
example of meeting them: the loader refuses a rubric without them, naming the
file and field, and stores each criterion as a row keyed by its name."""

import pytest

from curriculum.loader import DESCRIPTOR_LIMIT, read_content
from curriculum.models import Activity, Criterion, RubricLevel
from tests.curriculum.content_tree import (
    LISTENING,
    activity_row,
    assert_reported,
    content,
)

pytestmark = pytest.mark.usefixtures("_no_content_yet")

WHERE = "activities[2].rubric"


def rubric(tree):
    practice = tree.activity(LISTENING, "listening-list")
    assert tree.activities(LISTENING).index(practice) == 2
    return practice["rubric"]


def missing_levels(tree):
    del rubric(tree)[0]["levels"]
    return [(content(LISTENING), f"{WHERE}[0].levels", "is required")]


def missing_example(tree):
    del rubric(tree)[1]["example"]
    return [(content(LISTENING), f"{WHERE}[1].example", "is required")]


def missing_level(tree):
    del rubric(tree)[0]["levels"]["exceeds"]
    return [(content(LISTENING), f"{WHERE}[0].levels.exceeds", "is required")]


def unknown_level(tree):
    rubric(tree)[1]["levels"]["excellent"] = "Better still."
    return [(content(LISTENING), f"{WHERE}[1].levels.excellent", "is not a known field")]


def empty_descriptor(tree):
    rubric(tree)[0]["levels"]["meets"] = "  "
    return [(content(LISTENING), f"{WHERE}[0].levels.meets", "must be non-empty text")]


def descriptor_on_two_lines(tree):
    rubric(tree)[0]["levels"]["not_yet"] = "Some sources miss the topic.\nOthers are generic."
    return [(content(LISTENING), f"{WHERE}[0].levels.not_yet", "must be one line")]


def descriptor_too_long(tree):
    rubric(tree)[1]["levels"]["meets"] = "word " * DESCRIPTOR_LIMIT
    return [(content(LISTENING), f"{WHERE}[1].levels.meets", f"at most {DESCRIPTOR_LIMIT}")]


def levels_not_a_mapping(tree):
    rubric(tree)[1]["levels"] = ["not yet", "meets", "exceeds"]
    return [(content(LISTENING), f"{WHERE}[1].levels", "must be a mapping")]


def two_criteria_with_one_name(tree):
    rubric(tree)[1]["criterion"] = "relevance"
    return [(content(LISTENING), f"{WHERE}[1].criterion", "both named 'relevance'")]


RUBRIC_BREAKS = [
    missing_levels,
    missing_example,
    missing_level,
    unknown_level,
    empty_descriptor,
    descriptor_on_two_lines,
    descriptor_too_long,
    levels_not_a_mapping,
    two_criteria_with_one_name,
]


@pytest.mark.parametrize("break_rubric", RUBRIC_BREAKS, ids=lambda function: function.__name__)
def test_each_rubric_problem_names_its_file_and_field(tree, break_rubric):
    expected = break_rubric(tree)

    problems = tree.problems()

    for file, field, fragment in expected:
        assert_reported(problems, file, field, fragment)


def test_every_shipped_practice_criterion_has_three_levels_and_an_example():
    content_read = read_content()

    practices = [
        activity
        for modules in content_read.modules.values()
        for module in modules
        for activity in module["activities"]
        if activity["kind"] == Activity.Kind.PRACTICE
    ]
    assert len(practices) >= 16
    for practice in practices:
        for item in practice["rubric"]:
            assert set(item["levels"]) == set(RubricLevel.values), practice["slug"]
            assert item["example"].strip(), practice["slug"]


@pytest.mark.django_db
def test_criteria_are_stored_in_order_with_their_levels(tree):
    tree.load()

    practice = activity_row("listening-list")
    assert [item.name for item in practice.rubric] == ["Relevance", "Balance"]
    relevance = practice.rubric[0]
    assert relevance.slug == "relevance"
    assert relevance.levels == [
        ("not_yet", "Not yet", "Some sources miss the topic."),
        ("meets", "Meets", "Every source fits the topic."),
        ("exceeds", "Exceeds", "Each source says what it adds."),
    ]
    assert relevance.example == "A reason given for every source."
    assert practice.config == {}


@pytest.mark.django_db
def test_loading_twice_changes_no_criterion(tree):
    tree.load()
    before = list(Criterion.objects.order_by("pk").values())

    report = tree.load()

    assert not report.changed
    assert list(Criterion.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_an_edited_descriptor_updates_its_criterion_in_place(tree):
    tree.load()
    first = Criterion.objects.get(slug="balance")
    rubric(tree)[1]["levels"]["exceeds"] = "Every kind of voice, each justified."

    report = tree.load()

    assert report.updated.get("criterion") == 1
    first.refresh_from_db()
    assert first.exceeds == "Every kind of voice, each justified."


@pytest.mark.django_db
def test_a_criterion_gone_from_the_file_is_retired_not_deleted(tree):
    tree.load()
    rubric(tree).pop(1)

    report = tree.load()

    assert report.retired == {"criterion": 1}
    balance = Criterion.objects.get(slug="balance")
    assert balance.retired_at is not None
    assert [item.name for item in activity_row("listening-list").rubric] == ["Relevance"]
