"""The content loader's validation: every problem in every file reported at once,
with its file and field, without a database.

Tests build a small content tree under `tmp_path` with `ContentTree`, which
starts valid and lets a test break one thing before writing it out.
"""

import pytest

from curriculum.loader import ContentError
from curriculum.models import Activity
from tests.curriculum.content_tree import (
    BREAKS,
    FIRST_STEPS,
    HABIT,
    LISTENING,
    PROGRAMME,
    assert_reported,
    bad_horizon,
    bad_url,
    content,
)

# The session loads the shipped programme once; loader tests start from none.
pytestmark = pytest.mark.usefixtures("_no_content_yet")


# Validation: no database.


def test_the_minimal_tree_is_valid(tree):
    content = tree.read()

    assert [stage["slug"] for stage in content.programme["stages"]] == ["orientation", "curate"]
    assert [module["slug"] for module in content.modules["curate"]] == ["listening", "habit"]
    kinds = {
        activity["kind"]
        for modules in content.modules.values()
        for module in modules
        for activity in module["activities"]
    }
    # The simulation kind names a sandbox scenario: tests/curriculum/test_simulation_kind.py.
    assert kinds == set(Activity.Kind.values) - {Activity.Kind.SIMULATION}


@pytest.mark.parametrize("break_content", BREAKS, ids=lambda function: function.__name__)
def test_each_problem_is_reported_with_its_file_and_field(tree, break_content):
    expected = break_content(tree)

    problems = tree.problems()

    for file, field, fragment in expected:
        assert_reported(problems, file, field, fragment)


def test_all_problems_in_all_files_are_reported_at_once(tree):
    expected = [problem for break_content in BREAKS for problem in break_content(tree)]

    problems = tree.problems()

    for file, field, fragment in expected:
        assert_reported(problems, file, field, fragment)
    assert len({file for file, _, _ in expected}) >= 6


def test_the_error_message_lists_every_problem_on_its_own_line(tree):
    bad_horizon(tree)
    bad_url(tree)

    with pytest.raises(ContentError) as caught:
        tree.read()

    lines = str(caught.value).splitlines()
    assert f"{content(HABIT)}: horizon: must be one of day, month, year" in lines
    url_line = f"{content(LISTENING)}: activities[0].resources[1].url: "
    assert any(line.startswith(url_line) for line in lines)


def test_the_digest_changes_with_the_files_and_only_with_them(tree):
    first = tree.read().digest
    again = tree.read().digest
    tree.modules[HABIT]["title"] = "A new title"
    edited = tree.read().digest

    assert first == again
    assert edited != first


def test_a_stage_without_a_slug_is_reported(tree):
    del tree.programme["stages"][1]["slug"]

    assert_reported(tree.problems(), PROGRAMME, "stages[1].slug", "is required")


@pytest.mark.parametrize(
    ("module_file", "activity_index", "field"),
    [
        (HABIT, None, "title"),
        (HABIT, None, "summary"),
        (HABIT, None, "effort_minutes"),
        (FIRST_STEPS, 1, "questions"),
        (LISTENING, 1, "required_days"),
    ],
    ids=["module-title", "module-summary", "module-effort", "quiz-questions", "log-days"],
)
def test_a_required_field_left_empty_is_reported(tree, module_file, activity_index, field):
    if activity_index is None:
        tree.modules[module_file][field] = None
        where = field
    else:
        tree.activities(module_file)[activity_index][field] = None
        where = f"activities[{activity_index}].{field}"

    assert_reported(tree.problems(), content(module_file), where, "")
