"""The scenario files: every shipped one loads and validates; a broken file is
reported with its file and field, and nothing is written."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.models import Activity
from sandbox.loader import SCENARIOS_DIR, ScenarioFilesError, apply_scenarios, read_scenarios
from sandbox.models import Scenario

pytestmark = pytest.mark.django_db

SHIPPED = {
    "consular-earthquake",
    "impostor-ambassador",
    "state-visit-disinformation",
    "reply-storm",
    "cyber-incident-statement",
    "summit-live",
    "listening-drill",
}


def test_the_six_scenarios_and_the_listening_drill_load_and_validate(programme):
    files = read_scenarios()
    report = apply_scenarios(files)

    assert {item.data["slug"] for item in files} == SHIPPED
    assert set(report.created) == SHIPPED
    for scenario in Scenario.objects.all():
        engine = scenario.engine
        assert engine.briefing and engine.debrief and engine.model_answer
        assert engine.checks, scenario.slug


def test_loading_twice_changes_nothing(programme):
    apply_scenarios(read_scenarios())

    again = apply_scenarios(read_scenarios())

    assert not again.changed


def test_every_simulation_activity_names_a_shipped_scenario(programme):
    simulations = Activity.objects.live().filter(kind=Activity.Kind.SIMULATION)

    assert {a.module.stage.slug for a in simulations} == {"communicate", "create", "critique"}
    assert {a.scenario_slug for a in simulations} <= SHIPPED
    assert all(a.rubric for a in simulations)


def _copy_with(tmp_path: Path, slug: str, change) -> Path:
    folder = tmp_path / "sandbox" / "scenarios"
    folder.mkdir(parents=True)
    for path in SCENARIOS_DIR.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    data = yaml.safe_load((folder / f"{slug}.yaml").read_text())
    change(data)
    (folder / f"{slug}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


def test_a_broken_file_is_reported_with_its_file_and_fields(tmp_path):
    def break_it(data):
        data["events"][1]["author"] = "@nobody_here"
        data["checks"][0]["within"] = "soon"
        del data["briefing"]

    folder = _copy_with(tmp_path, "reply-storm", break_it)

    with pytest.raises(ScenarioFilesError) as error:
        read_scenarios(folder)

    found = {(p.file, p.field) for p in error.value.problems}
    assert found == {
        ("sandbox/scenarios/reply-storm.yaml", "briefing"),
        ("sandbox/scenarios/reply-storm.yaml", "events[1].author"),
        ("sandbox/scenarios/reply-storm.yaml", "checks[0].within"),
    }


def test_a_branch_on_an_unknown_event_and_an_unknown_check_are_refused(tmp_path):
    def break_it(data):
        data["branches"][0]["watch"] = "no-such-event"
        data["checks"].append({"slug": "x", "kind": "vibes", "label": "Vibes"})

    folder = _copy_with(tmp_path, "consular-earthquake", break_it)

    with pytest.raises(ScenarioFilesError) as error:
        read_scenarios(folder)

    fields = {p.field for p in error.value.problems}
    assert {"branches[0].watch", "checks[6].kind"} <= fields


def test_a_simulation_naming_a_missing_scenario_stops_the_load(programme):
    files = [item for item in read_scenarios() if item.data["slug"] != "reply-storm"]

    with pytest.raises(ScenarioFilesError) as error:
        apply_scenarios(files)

    (problem,) = error.value.problems
    assert problem.field == "scenario"
    assert "reply-storm-drill" in problem.file
    assert not Scenario.objects.exists()


def test_the_command_says_what_it_loaded_and_refuses_broken_files(programme, tmp_path, monkeypatch):
    call_command("load_scenarios")
    assert Scenario.objects.count() == len(SHIPPED)

    folder = _copy_with(tmp_path, "summit-live", lambda data: data.pop("title"))
    monkeypatch.setattr("sandbox.loader.SCENARIOS_DIR", folder)
    monkeypatch.setattr(read_scenarios, "__defaults__", (folder,))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_scenarios")
