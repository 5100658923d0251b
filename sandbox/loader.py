"""Reads the scenario files, validates them, and upserts them.

Like the curriculum's loader, `read_scenarios` only reads and checks: it
returns every scenario or raises `ScenarioFilesError` listing every problem
with its file and field. `apply_scenarios` writes in one transaction, keyed by
slug, touching only scenarios whose file changed; a scenario gone from the
files is retired, never deleted, so no learner's run loses its scenario. It
also checks that every simulation activity of the programme names a scenario.

Language overlays (`<slug>.<lang>.yaml`, `sandbox.overlays`) are read with
their sources: each is checked against its source's text, and its cleaned
text is stored on the scenario's row (`translations`, per language), part of
the digest so a changed translation reloads the scenario. The terms an
overlay adds to a personal-data check are added to the source's check for
every language (`with_overlay_terms`), so the stored scenario checks a run
the same whatever language it is shown in.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curriculum.models import Activity
from curriculum.overlays import (
    check_overlay,
    count_fields,
    overlay_language,
    unknown_language_message,
)
from ediplomacy.lib.translations import CONTENT_LANGUAGES
from sandbox.engine import ScenarioError, parse_scenario
from sandbox.models import Scenario
from sandbox.overlays import (
    clean_overlay,
    scenario_shape,
    split_terms,
    terms_problems,
    with_overlay_terms,
)

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
    # The overlays' cleaned text, per language code.
    translations: dict = field(default_factory=dict)
    # (fields translated, text fields in the source) per language code.
    coverage: dict = field(default_factory=dict)


class _OverlayChecker:
    """Collects an overlay's problems with its file, for `check_overlay`."""

    def __init__(self, name: str, problems: list[Problem]):
        self.name, self.problems = name, problems

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.name, where, message))


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def _load_yaml(path: Path, name: str, problems: list[Problem]) -> tuple[object, bytes] | None:
    raw = path.read_bytes()
    try:
        return yaml.safe_load(raw.decode("utf-8")), raw
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problems.append(Problem(name, where, f"invalid YAML: {error}"))
        return None


def read_scenarios(directory: Path = SCENARIOS_DIR) -> list[ScenarioFile]:
    problems: list[Problem] = []
    found: list[ScenarioFile] = []
    seen: dict[str, str] = {}
    overlays: list[tuple[Path, str, str]] = []
    root = directory.parent.parent
    for path in sorted(directory.glob("*.yaml")):
        name = str(path.relative_to(root))
        if (overlay := overlay_language(path)) is not None:
            overlays.append((path, name, overlay[1]))
            continue
        loaded = _load_yaml(path, name, problems)
        if loaded is None:
            continue
        data, raw = loaded
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
    # An overlay of a source that failed its own checks is read once the source is fixed.
    sources = {path.stem for path in directory.glob("*.yaml") if overlay_language(path) is None}
    valid = {item.data["slug"]: item for item in found}
    _read_overlays(
        [o for o in overlays if _slug_of(o[0]) not in sources - valid.keys()], valid, problems
    )
    if problems:
        raise ScenarioFilesError(problems)
    return found


def _slug_of(overlay: Path) -> str:
    return overlay.name.removesuffix(".yaml").rpartition(".")[0]


def _read_overlays(
    overlays: list[tuple[Path, str, str]], sources: dict[str, ScenarioFile], problems
) -> None:
    """Checks each overlay against its source and keeps its text on the source's
    `ScenarioFile`, and its personal-data terms in the source's checks; a
    source without one counts as untranslated."""
    digests: dict[str, list[str]] = {}
    terms: dict[str, dict[str, dict]] = {}
    for path, name, language in overlays:
        slug = _slug_of(path)
        if language not in CONTENT_LANGUAGES:
            problems.append(Problem(name, "", unknown_language_message(language)))
            continue
        source = sources.get(slug)
        if source is None:
            problems.append(Problem(name, "", f"has no source scenario {slug}.yaml"))
            continue
        loaded = _load_yaml(path, name, problems)
        if loaded is None:
            continue
        data, raw = loaded
        shape = scenario_shape(source.data)
        before = len(problems)
        text, added = split_terms(data)
        check_overlay(_OverlayChecker(name, problems), text, shape)
        problems += [
            Problem(name, where, message) for where, message in terms_problems(source.data, added)
        ]
        if len(problems) == before and data:
            source.translations[language] = clean_overlay(shape, text) or {}
            terms.setdefault(slug, {})[language] = added
        digests.setdefault(slug, []).append(f"{language}:{hashlib.sha256(raw).hexdigest()}")
    for slug, source in sources.items():
        by_language = terms.get(slug, {})
        source.data = with_overlay_terms(
            source.data, [by_language.get(language) or {} for language in CONTENT_LANGUAGES]
        )
        shape = scenario_shape(source.data)
        source.coverage = {
            language: count_fields(shape, source.translations.get(language))
            for language in CONTENT_LANGUAGES
        }
        if digests.get(slug):
            joined = "\n".join([source.digest, *sorted(digests[slug])])
            source.digest = hashlib.sha256(joined.encode()).hexdigest()


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
            "translations": item.translations,
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
