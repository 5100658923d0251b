"""The `simulation` activity kind: a scenario of the practice sandbox, with a
brief and a rubric, loaded like practice work."""

import pytest

from curriculum.models import Activity
from tests.curriculum.content_tree import HABIT, assert_reported, content

pytestmark = pytest.mark.usefixtures("_no_content_yet")

DRILL = {
    "slug": "habit-drill",
    "kind": "simulation",
    "title": "A listening drill",
    "scenario": "listening-drill",
    "brief": "Build a list in the practice sandbox.",
    "rubric": [
        {
            "criterion": "Judgement",
            "description": "Reliable sources in, noise out.",
            "levels": {
                "not_yet": "Bots are on the list.",
                "meets": "Only reliable sources.",
                "exceeds": "Each choice is explained.",
            },
            "example": "The CERTs in, the bot out.",
        }
    ],
}


@pytest.mark.django_db
def test_a_simulation_loads_with_its_scenario_and_rubric(tree):
    tree.activities(HABIT).append(dict(DRILL))

    tree.load()

    drill = Activity.objects.get(slug="habit-drill")
    assert drill.kind == Activity.Kind.SIMULATION
    assert drill.scenario_slug == "listening-drill"
    assert [criterion.name for criterion in drill.rubric] == ["Judgement"]
    assert "practice sandbox" in drill.body_html


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        (lambda drill: drill.pop("scenario"), "scenario", "is required"),
        (lambda drill: drill.update(scenario="Not A Slug"), "scenario", "is not a slug"),
        (lambda drill: drill.pop("rubric"), "rubric", "is required"),
    ],
)
def test_a_simulation_without_a_valid_scenario_or_rubric_is_reported(tree, change, field, fragment):
    drill = dict(DRILL)
    change(drill)
    tree.activities(HABIT).append(drill)

    position = len(tree.activities(HABIT)) - 1
    assert_reported(tree.problems(), content(HABIT), f"activities[{position}].{field}", fragment)
