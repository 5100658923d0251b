"""Reads the scenario files, validates them, and upserts them.

Like the curriculum's loader, `read_scenarios` only reads and checks: it
returns every scenario or raises `ScenarioFilesError` listing every problem
with its file and field. `apply_scenarios` writes in one transaction, keyed by
slug, touching only scenarios whose file changed; a scenario gone from the
files is retired, never deleted, so no learner's run loses its scenario. It
also checks that every simulation activity of the programme names a scenario.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curriculum.models import Activity
from sandbox.engine import ScenarioError, parse_scenario
from sandbox.models import Scenario

SCENARIOS_DIR = Path(settings.BASE_DIR) / "sandbox" / "scenarios"


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self):
        return (
            f"{self.file}: {self.field}: {self.message}"
            if self.field
            else f"{self.file}: {self.message}"
        )


class ScenarioFilesError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ScenarioFile:
    source: str
    data: dict
    digest: str


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def read_scenarios(directory: Path = SCENARIOS_DIR) -> list[ScenarioFile]:
    problems: list[Problem] = []
    found: list[ScenarioFile] = []
    seen: dict[str, str] = {}
    root = directory.parent.parent
    for path in sorted(directory.glob("*.yaml")):
        name = str(path.relative_to(root))
        raw = path.read_bytes()
        try:
            data = yaml.safe_load(raw.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            problems.append(Problem(name, where, f"invalid YAML: {error}"))
            continue
        try:
            scenario = parse_scenario(data)
        except ScenarioError as error:
            problems += [Problem(name, where, message) for where, message in error.problems]
            continue
        if scenario.slug != path.stem:
            problems.append(Problem(name, "slug", f"must be the file's name, {path.stem!r}"))
        if scenario.slug in seen:
            problems.append(Problem(name, "slug", f"already used by {seen[scenario.slug]}"))
        seen[scenario.slug] = name
        found.append(ScenarioFile(name, data, hashlib.sha256(raw).hexdigest()))
    if problems:
        raise ScenarioFilesError(problems)
    return found


def simulation_problems(slugs: set[str]) -> list[Problem]:
    """Simulation activities of the loaded programme that name no scenario."""
    return [
        Problem(
            f"curriculum activity {activity.module.path}/{activity.slug}",
            "scenario",
            f"{activity.scenario_slug!r} is not a scenario in sandbox/scenarios/",
        )
        for activity in Activity.objects.live()
        .filter(kind=Activity.Kind.SIMULATION)
        .select_related("module__stage")
        if activity.scenario_slug not in slugs
    ]


@transaction.atomic
def apply_scenarios(files: list[ScenarioFile]) -> Report:
    problems = simulation_problems({item.data["slug"] for item in files})
    if problems:
        raise ScenarioFilesError(problems)
    now = timezone.now()
    report = Report()
    existing = {scenario.slug: scenario for scenario in Scenario.objects.all()}
    for item in files:
        slug = item.data["slug"]
        values = {
            "title": item.data["title"],
            "summary": item.data["summary"].strip(),
            "data": item.data,
            "source": item.source,
            "digest": item.digest,
            "retired_at": None,
        }
        scenario = existing.get(slug)
        if scenario is None:
            Scenario.objects.create(slug=slug, loaded_at=now, **values)
            report.created.append(slug)
        elif scenario.digest != item.digest or scenario.retired_at is not None:
            Scenario.objects.filter(pk=scenario.pk).update(loaded_at=now, **values)
            report.updated.append(slug)
    gone = Scenario.objects.filter(retired_at__isnull=True).exclude(
        slug__in=[item.data["slug"] for item in files]
    )
    report.retired = list(gone.values_list("slug", flat=True))
    gone.update(retired_at=now)
    return report
