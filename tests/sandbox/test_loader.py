"""The scenario files: every shipped one loads and validates; a broken file is
reported with its file and field, and nothing is written."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.models import Activity
from sandbox.engine import card, parse_scenario
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


def test_broken_links_and_known_flags_are_reported_with_their_file_and_fields(tmp_path):
    def break_it(data):
        data["accounts"][2]["known"] = "yes"
        data["links"] = [
            {"url": "javascript:alert(1)", "title": "Run me", "description": "No."},
            {"url": "https://nordavia-mfa.example/visas.", "title": "Visas", "description": "x"},
            {"url": "https://nordavia-mfa.example/visas", "description": "x" * 301},
            {"url": "https://NORDAVIA-mfa.example/visas/", "title": "Again", "description": "x"},
            {"url": "https://ok.example", "title": "Fine", "description": "Fine.", "logo": "x"},
            "https://not-a-mapping.example",
        ]

    folder = _copy_with(tmp_path, "reply-storm", break_it)

    with pytest.raises(ScenarioFilesError) as error:
        read_scenarios(folder)

    found = {(p.file, p.field): p.message for p in error.value.problems}
    where = "sandbox/scenarios/reply-storm.yaml"
    assert set(found) == {
        (where, "accounts[2].known"),
        (where, "links[0].url"),
        (where, "links[1].url"),
        (where, "links[2].title"),
        (where, "links[2].description"),
        (where, "links[3].url"),
        (where, "links[4].logo"),
        (where, "links[5]"),
    }
    assert found[(where, "links[1].url")] == "must not end with punctuation"
    assert found[(where, "links[3].url")].startswith("duplicate link")
    assert found[(where, "links[2].description")] == "must be at most 300 characters"


def test_the_shipped_links_are_read_and_matched_as_a_post_writes_them():
    files = {item.data["slug"]: item.data for item in read_scenarios()}
    consular = parse_scenario(files["consular-earthquake"])
    impostor = parse_scenario(files["impostor-ambassador"])

    found = card(consular, "Register: https://Nordavia-MFA.example/register/.")
    assert found.declared and found.title.startswith("Register as a Nordavian abroad")
    assert found.domain == "nordavia-mfa.example"
    listed = card(impostor, "Our official accounts: https://nordavia-mfa.example/meridia/accounts")
    assert listed.title == "Official accounts | Embassy of Nordavia in Meridia"
    plain = card(consular, "Seats at http://fake-flights.example/book now")
    assert (plain.declared, plain.domain, plain.title) == (False, "fake-flights.example", "")
    assert card(consular, "No address here") is None
    assert [a.handle for a in impostor.accounts if a.known] == ["@AmbKovalNordavia"]
