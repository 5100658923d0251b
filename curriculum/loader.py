"""Reads the programme's content files, validates them, and upserts them.

`read_content` only reads and checks: it returns the whole programme or raises
`ContentError` listing every problem with its file and field. `apply_content`
writes in one transaction, keyed by stable slugs, touching only rows that
changed; an activity, module or resource gone from the files is retired, never
deleted, so no learner's completion is lost.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from competences.models import Competence, Outcome
from curriculum import overlays
from curriculum.grading import RetakePolicy
from curriculum.models import (
    Activity,
    Criterion,
    Horizon,
    Module,
    Programme,
    Resource,
    RubricLevel,
    Stage,
)
from curriculum.rendering import render_markdown
from ediplomacy.lib.translations import CONTENT_LANGUAGES, source_text

CONTENT_DIR = Path(settings.BASE_DIR) / "curriculum" / "content"
COMPETENCES_FILE = Path(settings.BASE_DIR) / "competences" / "content" / "competences.yaml"

KIND_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required keys, optional keys), besides slug, kind and title
    "reading": ({"body"}, set()),
    "quiz": ({"questions"}, {"intro", "pass_mark", "draw", "retakes"}),
    "resources": ({"required", "resources"}, {"intro"}),
    "listening_log": ({"prompt", "required_days"}, {"required_weeks"}),
    "practice": ({"brief", "rubric"}, {"peer_review"}),
    # A run of a practice-sandbox scenario (sandbox/scenarios/<scenario>.yaml),
    # reviewed with its rubric like practice work.
    "simulation": ({"brief", "rubric", "scenario"}, set()),
    "reflection": ({"prompt"}, {"min_words"}),
    "checkin": ({"prompt"}, set()),
    # Start or answer a thread on a reading of the same module, with at least
    # min_words words (discussions complete it).
    "discussion": ({"prompt", "reading"}, {"min_words"}),
}
# A quiz's pass mark (percent) when neither it nor programme.yaml sets one.
DEFAULT_PASS_MARK = 80
# The retake policy's fields, each a whole number of at least this much.
RETAKE_FIELDS = {"max_attempts": 1, "cooldown_hours": 0, "self_paced_wait_hours": 0}
RETAKE_MAX_HOURS = 24 * 365

# The Markdown text each kind shows as its main body: one table, shared with
# the overlays, which translate that field.
BODY_FIELD = overlays.BODY_FIELDS


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


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class Content:
    competences: list[dict]
    programme: dict
    modules: dict[str, list[dict]]  # stage slug -> module dicts in order
    digest: str
    # Problems worth a reader's attention that do not stop loading.
    warnings: list[Problem] = field(default_factory=list)
    # Each source's overlays by language: keys `programme`, `competences` and
    # `<stage>/<module>`, values {language: overlay data}.
    translated: dict[str, dict[str, Any]] = field(default_factory=dict)
    coverage: overlays.Coverage = field(default_factory=overlays.Coverage)


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], name: str) -> None:
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


class Checker:
    """Collects problems for one file instead of stopping at the first."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        # Paths already reported as missing, so a later check says nothing twice.
        self.missing: set[str] = set()

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def mapping(self, value: Any, path: str, required: set[str], optional: set[str] = frozenset()):
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return False
        for key in sorted(required - value.keys()):
            self.problem(f"{path}.{key}".lstrip("."), "is required")
            self.missing.add(f"{path}.{key}".lstrip("."))
        for key in sorted(value.keys() - required - optional):
            self.problem(f"{path}.{key}".lstrip("."), "is not a known field")
        return True

    def text(self, value: Any, path: str, *, optional: bool = False) -> None:
        if path in self.missing or (value is None and optional):
            return
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be non-empty text")

    def integer(
        self, value: Any, path: str, low: int, high: int | None = None, *, optional: bool = False
    ) -> None:
        if path in self.missing or (value is None and optional):
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, "must be a whole number")
        elif value < low or (high is not None and value > high):
            self.problem(
                path, f"must be between {low} and {high}" if high else f"must be at least {low}"
            )

    def slug(self, value: Any, path: str, seen: set[str]) -> None:
        if not isinstance(value, str) or slugify(value) != value or not value:
            self.problem(path, f"{value!r} is not a slug (lower-case letters, digits, hyphens)")
        elif value in seen:
            self.problem(path, f"duplicate slug {value!r}")
        else:
            seen.add(value)


def _parse(path: Path, root: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problems.append(Problem(str(path.relative_to(root)), where, f"invalid YAML: {error}"))
    return None


def read_content(
    content_dir: Path = CONTENT_DIR, competences_file: Path = COMPETENCES_FILE
) -> Content:
    problems: list[Problem] = []
    root = content_dir.parent.parent
    digest = hashlib.sha256()
    files = [
        competences_file,
        *sorted(competences_file.parent.glob(f"{competences_file.stem}.*.yaml")),
        content_dir / "programme.yaml",
        *sorted(content_dir.glob("programme.*.yaml")),
        *sorted(content_dir.glob("*/*.yaml")),
    ]
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())

    competences = _check_competences(competences_file, root, problems)
    programme = _check_programme(content_dir / "programme.yaml", root, competences, problems)
    stage_slugs = [
        stage["slug"]
        for stage in programme.get("stages", [])
        if isinstance(stage, dict) and isinstance(stage.get("slug"), str)
    ]
    modules: dict[str, list[dict]] = {slug: [] for slug in stage_slugs}
    module_files: list[tuple[str, dict]] = []

    for folder in sorted(path for path in content_dir.iterdir() if path.is_dir()):
        if folder.name not in modules:
            problems.append(
                Problem(
                    str(folder.relative_to(root)), "", "folder names no stage in programme.yaml"
                )
            )
            continue
        for stray in sorted(folder.glob("*.yml")):
            problems.append(
                Problem(str(stray.relative_to(root)), "", "use the .yaml extension: it is not read")
            )
        seen: set[str] = set()
        for path in sorted(folder.glob("*.yaml")):
            if overlays.overlay_language(path):
                continue  # read with its source below
            module = _check_module(path, root, seen, problems)
            if module is not None:
                modules[folder.name].append(module)
                module_files.append((str(path.relative_to(root)), module))

    _check_unlocks(content_dir / "programme.yaml", root, programme, modules, problems)
    if problems:
        raise ContentError(problems)
    found, coverage = _read_overlays(
        content_dir, competences_file, root, competences, programme, module_files, problems
    )
    if problems:
        raise ContentError(problems)
    warnings = [warning for file, module in module_files for warning in quiz_warnings(module, file)]
    return Content(competences, programme, modules, digest.hexdigest(), warnings, found, coverage)


def _read_overlays(
    content_dir: Path,
    competences_file: Path,
    root: Path,
    competences: list[dict],
    programme: dict,
    module_files: list[tuple[str, dict]],
    problems: list[Problem],
) -> tuple[dict[str, dict[str, Any]], overlays.Coverage]:
    """Reads and checks every overlay of the (valid) sources, and counts how
    much of each source every language translates."""
    stage_of = {file: file.split("/")[-2] for file, _ in module_files}
    sources: dict[str, tuple[str, str, dict]] = {
        str(competences_file.relative_to(root)): (
            "competences",
            "competences",
            overlays.competences_shape(competences),
        ),
        str((content_dir / "programme.yaml").relative_to(root)): (
            "programme",
            "programme",
            overlays.programme_shape(programme),
        ),
    }
    for file, module in module_files:
        key = f"{stage_of[file]}/{module['slug']}"
        sources[file] = (key, stage_of[file], overlays.module_shape(module))
    candidates = [
        *sorted(competences_file.parent.glob("*.yaml")),
        *sorted(content_dir.glob("*.yaml")),
        *sorted(content_dir.glob("*/*.yaml")),
    ]
    found: dict[str, dict[str, Any]] = {}
    stages = [stage["slug"] for stage in programme["stages"]]
    coverage = overlays.Coverage(parts=["programme", "competences", *stages])
    for path in candidates:
        named = overlays.overlay_language(path)
        if named is None:
            continue
        file = str(path.relative_to(root))
        source_name, language = named
        source = str((path.parent / source_name).relative_to(root))
        check = Checker(file, problems)
        if language not in CONTENT_LANGUAGES:
            check.problem("", overlays.unknown_language_message(language))
            continue
        if source not in sources:
            check.problem("", f"has no source file {source}")
            continue
        data = _parse(path, root, problems)
        key, _, shape = sources[source]
        before = len(problems)
        overlays.check_overlay(check, data, shape)
        if len(problems) == before:
            found.setdefault(key, {})[language] = data or {}
    for key, part, shape in sources.values():
        for language in sorted({language for by in found.values() for language in by}):
            done, total = overlays.count_fields(shape, found.get(key, {}).get(language))
            coverage.add(language, part, done, total)
    return found, coverage


def _check_competences(path: Path, root: Path, problems: list[Problem]) -> list[dict]:
    check = Checker(str(path.relative_to(root)), problems)
    data = _parse(path, root, problems) if path.exists() else None
    if not isinstance(data, list) or not data:
        check.problem("", "must be a list of competences")
        return []
    seen: set[str] = set()
    orders: set[int] = set()
    for index, item in enumerate(data):
        where = f"[{index}]"
        if not check.mapping(
            item, where, {"slug", "name", "order", "tagline", "description", "outcomes"}
        ):
            continue
        check.slug(item.get("slug"), f"{where}.slug", seen)
        for key in ("name", "tagline", "description"):
            check.text(item.get(key), f"{where}.{key}")
        check.integer(item.get("order"), f"{where}.order", 1)
        if item.get("order") in orders:
            check.problem(f"{where}.order", f"duplicate order {item.get('order')}")
        orders.add(item.get("order"))
        outcomes = item.get("outcomes")
        if not isinstance(outcomes, list) or not 3 <= len(outcomes) <= 5:
            check.problem(f"{where}.outcomes", "must list 3 to 5 observable outcomes")
        else:
            for number, outcome in enumerate(outcomes):
                check.text(outcome, f"{where}.outcomes[{number}]")
    return [item for item in data if isinstance(item, dict)]


def _check_programme(path: Path, root: Path, competences: list[dict], problems) -> dict:
    check = Checker(str(path.relative_to(root)), problems)
    data = _parse(path, root, problems) if path.exists() else None
    if data is None and not path.exists():
        check.problem("", "is missing")
    if not isinstance(data, dict) or not check.mapping(
        data, "", {"slug", "title", "summary", "stages"}, {"quizzes"}
    ):
        return {}
    quizzes = data.get("quizzes")
    if quizzes is not None and check.mapping(quizzes, "quizzes", set(), {"pass_mark", "retakes"}):
        check.integer(quizzes.get("pass_mark"), "quizzes.pass_mark", 1, 100, optional=True)
        _check_retakes(check, quizzes.get("retakes"), "quizzes.retakes")
    check.slug(data.get("slug"), "slug", set())
    check.text(data.get("title"), "title")
    check.text(data.get("summary"), "summary")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        check.problem("stages", "must list at least one stage")
        return {**data, "stages": []}
    known = {item.get("slug") for item in competences}
    seen: set[str] = set()
    for index, stage in enumerate(stages):
        where = f"stages[{index}]"
        if not check.mapping(stage, where, {"slug", "title", "summary", "competence", "unlock"}):
            continue
        check.slug(stage.get("slug"), f"{where}.slug", seen)
        check.text(stage.get("title"), f"{where}.title")
        check.text(stage.get("summary"), f"{where}.summary")
        if stage.get("competence") is not None and stage.get("competence") not in known:
            check.problem(f"{where}.competence", f"unknown competence {stage.get('competence')!r}")
    return data


def _check_module(path: Path, root: Path, seen: set[str], problems: list[Problem]) -> dict | None:
    check = Checker(str(path.relative_to(root)), problems)
    data = _parse(path, root, problems)
    required = {"slug", "title", "horizon", "effort_minutes", "summary", "activities"}
    if not check.mapping(data, "", required):
        return None
    check.slug(data.get("slug"), "slug", seen)
    check.text(data.get("title"), "title")
    check.text(data.get("summary"), "summary")
    if data.get("horizon") not in Horizon.values:
        check.problem("horizon", f"must be one of {', '.join(Horizon.values)}")
    check.integer(data.get("effort_minutes"), "effort_minutes", 1)
    activities = data.get("activities")
    if not isinstance(activities, list) or not activities:
        check.problem("activities", "must list at least one activity")
        return data
    activity_slugs: set[str] = set()
    for index, activity in enumerate(activities):
        _check_activity(check, activity, f"activities[{index}]", activity_slugs)
    readings = {
        activity.get("slug")
        for activity in activities
        if isinstance(activity, dict) and activity.get("kind") == "reading"
    }
    for index, activity in enumerate(activities):
        discussion = isinstance(activity, dict) and activity.get("kind") == "discussion"
        if discussion and activity.get("reading") not in readings:
            check.problem(f"activities[{index}].reading", "must name a reading of this module")
    return data


def _check_activity(check: Checker, activity: Any, where: str, seen: set[str]) -> None:
    if not isinstance(activity, dict):
        check.problem(where, "must be a mapping of fields")
        return
    kind = activity.get("kind")
    if kind not in KIND_FIELDS:
        check.problem(
            f"{where}.kind", f"unknown kind {kind!r}; use one of {', '.join(KIND_FIELDS)}"
        )
        return
    required, optional = KIND_FIELDS[kind]
    check.mapping(activity, where, {"slug", "kind", "title", *required}, optional)
    check.slug(activity.get("slug"), f"{where}.slug", seen)
    check.text(activity.get("title"), f"{where}.title")
    for key in ("body", "brief", "prompt", "intro"):
        if key in activity:
            check.text(activity[key], f"{where}.{key}")
    if kind == "quiz":
        check.integer(activity.get("pass_mark"), f"{where}.pass_mark", 1, 100, optional=True)
        check.integer(activity.get("draw"), f"{where}.draw", 1, optional=True)
        _check_retakes(check, activity.get("retakes"), f"{where}.retakes")
        _check_questions(check, activity.get("questions"), f"{where}.questions")
    elif kind == "resources":
        resources = activity.get("resources")
        _check_resources(check, resources, f"{where}.resources")
        high = len(resources) if isinstance(resources, list) and resources else None
        check.integer(activity.get("required"), f"{where}.required", 1, high)
    elif kind == "listening_log":
        check.integer(activity.get("required_days"), f"{where}.required_days", 1, 365)
        weeks, days = activity.get("required_weeks"), activity.get("required_days")
        check.integer(weeks, f"{where}.required_weeks", 1, 53, optional=True)
        if isinstance(weeks, int) and isinstance(days, int) and weeks > days:
            check.problem(f"{where}.required_weeks", "cannot exceed required_days: one entry a day")
    elif kind == "practice":
        _check_rubric(check, activity.get("rubric"), f"{where}.rubric")
        _check_peer_review(check, activity.get("peer_review"), f"{where}.peer_review")
    elif kind == "simulation":
        _check_rubric(check, activity.get("rubric"), f"{where}.rubric")
        # That the scenario exists is checked by `load_scenarios`, which owns them.
        check.slug(activity.get("scenario"), f"{where}.scenario", set())
    elif kind == "reflection":
        check.integer(activity.get("min_words"), f"{where}.min_words", 1, 2000, optional=True)
    elif kind == "discussion":
        check.integer(activity.get("min_words"), f"{where}.min_words", 1, 1000, optional=True)


def _check_peer_review(check: Checker, peer_review: Any, where: str) -> None:
    """`peer_review: {reviewers: 2, anonymous: true}`, both optional; `true` alone
    asks for the defaults."""
    if peer_review is None or peer_review is True:
        return
    if not check.mapping(peer_review, where, set(), {"reviewers", "anonymous"}):
        return
    check.integer(peer_review.get("reviewers"), f"{where}.reviewers", 1, 5, optional=True)
    if not isinstance(peer_review.get("anonymous", True), bool):
        check.problem(f"{where}.anonymous", "must be true or false")


def _check_retakes(check: Checker, retakes: Any, where: str) -> None:
    if retakes is None or not check.mapping(retakes, where, set(), set(RETAKE_FIELDS)):
        return
    for key, low in RETAKE_FIELDS.items():
        high = 100 if key == "max_attempts" else RETAKE_MAX_HOURS
        check.integer(retakes.get(key), f"{where}.{key}", low, high, optional=True)


# A level's descriptor sits on one line beside a radio button and in the table.
DESCRIPTOR_LIMIT = 300


def _check_rubric(check: Checker, rubric: Any, where: str) -> None:
    if not isinstance(rubric, list) or not rubric:
        check.problem(where, "must list at least one criterion")
        return
    seen: set[str] = set()
    for index, criterion in enumerate(rubric):
        path = f"{where}[{index}]"
        required = {"criterion", "description", "levels", "example"}
        if not check.mapping(criterion, path, required):
            continue
        name = criterion.get("criterion")
        check.text(name, f"{path}.criterion")
        if isinstance(name, str) and name.strip():
            slug = slugify(name)
            if not slug:
                check.problem(f"{path}.criterion", "needs letters or digits")
            elif slug in seen:
                check.problem(f"{path}.criterion", f"two criteria are both named {name!r}")
            seen.add(slug)
        check.text(criterion.get("description"), f"{path}.description")
        check.text(criterion.get("example"), f"{path}.example")
        levels = criterion.get("levels")
        if f"{path}.levels" in check.missing:
            continue
        level_codes = set(RubricLevel.values)
        if not check.mapping(levels, f"{path}.levels", level_codes):
            continue
        for code in RubricLevel.values:
            text = levels.get(code)
            level_path = f"{path}.levels.{code}"
            if level_path in check.missing:
                continue
            if not isinstance(text, str) or not text.strip():
                check.problem(level_path, "must be non-empty text")
            elif "\n" in text.strip():
                check.problem(level_path, "must be one line")
            elif len(text.strip()) > DESCRIPTOR_LIMIT:
                check.problem(level_path, f"must be at most {DESCRIPTOR_LIMIT} characters")


def _check_questions(check: Checker, questions: Any, where: str) -> None:
    if not isinstance(questions, list) or not questions:
        check.problem(where, "must list at least one question")
        return
    slugs: set[str] = set()
    for index, question in enumerate(questions):
        path = f"{where}[{index}]"
        if not check.mapping(question, path, {"prompt", "choices"}, {"slug", "multiple"}):
            continue
        if "slug" in question:
            check.slug(question.get("slug"), f"{path}.slug", slugs)
        else:
            # Unnamed questions are known by their place: q1, q2...
            slugs.add(f"q{index + 1}")
        check.text(question.get("prompt"), f"{path}.prompt")
        if not isinstance(question.get("multiple", False), bool):
            check.problem(f"{path}.multiple", "must be true or false")
        choices = question.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            check.problem(f"{path}.choices", "must list at least two choices")
            continue
        for number, choice in enumerate(choices):
            choice_path = f"{path}.choices[{number}]"
            if check.mapping(choice, choice_path, {"text", "correct", "feedback"}):
                check.text(choice.get("text"), f"{choice_path}.text")
                check.text(choice.get("feedback"), f"{choice_path}.feedback")
                if not isinstance(choice.get("correct"), bool):
                    check.problem(f"{choice_path}.correct", "must be true or false")
        correct = sum(
            1 for choice in choices if isinstance(choice, dict) and choice.get("correct") is True
        )
        if correct == 0:
            check.problem(f"{path}.choices", "a question needs a correct answer")
        elif correct > 1 and not question.get("multiple", False):
            check.problem(
                f"{path}.choices", "a single-choice question needs exactly one correct answer"
            )


# A quiz whose correct single choice sits in the same place, or is the longest,
# in more than this share of its single-choice questions can be passed by
# pattern rather than knowledge; with fewer questions a pattern means little.
GIVEAWAY_SHARE = 0.5
GIVEAWAY_MIN_QUESTIONS = 3


def quiz_warnings(module: dict, file: str) -> list[Problem]:
    """Warns about each quiz of a valid module that can be passed by pattern
    rather than knowledge, or whose bank is smaller than its draw.

    Pattern: its correct single choice is systematically the first or the
    longest option (shuffling hides the first, not the longest; the content
    should not lean on either), or a multi-select question has only one wrong
    option (tick all but the odd one out).
    """
    warnings = []
    for index, activity in enumerate(module["activities"]):
        if activity["kind"] != "quiz":
            continue
        path = f"activities[{index}] ({activity['slug']})"
        questions = activity["questions"]
        draw = activity.get("draw")
        if draw is not None and draw > len(questions):
            warnings.append(
                Problem(
                    file,
                    f"{path}.draw",
                    f"draws {draw} questions from a bank of {len(questions)}; "
                    f"every attempt shows the same {len(questions)}",
                )
            )
        for number, question in enumerate(questions):
            wrong = sum(1 for choice in question["choices"] if not choice["correct"])
            if question.get("multiple", False) and wrong < 2:
                warnings.append(
                    Problem(
                        file,
                        f"{path}.questions[{number}]",
                        f"this multi-select question has {wrong} wrong option"
                        f"{'' if wrong == 1 else 's'}: add at least two, so that "
                        "ticking all but one is no strategy",
                    )
                )
        single = [
            question["choices"]
            for question in activity["questions"]
            if not question.get("multiple", False)
        ]
        if len(single) < GIVEAWAY_MIN_QUESTIONS:
            continue
        first = sum(1 for choices in single if choices[0]["correct"])
        longest = sum(1 for choices in single if _correct_is_longest(choices))
        for count, place in ((first, "the first"), (longest, "the longest")):
            if count > GIVEAWAY_SHARE * len(single):
                warnings.append(
                    Problem(
                        file,
                        path,
                        f"the correct choice is {place} option in {count} of "
                        f"{len(single)} single-choice questions; vary it",
                    )
                )
    return warnings


def _correct_is_longest(choices: list[dict]) -> bool:
    correct = next(len(c["text"].strip()) for c in choices if c["correct"])
    return all(correct > len(c["text"].strip()) for c in choices if not c["correct"])


def _check_resources(check: Checker, resources: Any, where: str) -> None:
    if not isinstance(resources, list) or not resources:
        check.problem(where, "must list at least one resource")
        return
    seen: set[str] = set()
    for index, resource in enumerate(resources):
        path = f"{where}[{index}]"
        optional = {"author", "year", "url"}
        if not check.mapping(
            resource, path, {"slug", "title", "category", "description"}, optional
        ):
            continue
        check.slug(resource.get("slug"), f"{path}.slug", seen)
        check.text(resource.get("title"), f"{path}.title")
        check.text(resource.get("description"), f"{path}.description")
        if resource.get("category") not in Resource.Category.values:
            check.problem(
                f"{path}.category", f"must be one of {', '.join(Resource.Category.values)}"
            )
        check.integer(resource.get("year"), f"{path}.year", 1900, 2100, optional=True)
        url = resource.get("url") or ""
        if url and (
            urlsplit(str(url)).scheme not in {"http", "https"} or not urlsplit(str(url)).netloc
        ):
            check.problem(f"{path}.url", "must be an http(s) address or empty")


def _check_unlocks(path: Path, root: Path, programme: dict, modules: dict, problems) -> None:
    check = Checker(str(path.relative_to(root)), problems)
    earlier: set[str] = set()
    for index, stage in enumerate(programme.get("stages", [])):
        if not isinstance(stage, dict):
            continue
        unlock = stage.get("unlock")
        where = f"stages[{index}].unlock"
        if unlock is None:
            pass
        elif (
            not isinstance(unlock, dict)
            or len(unlock) != 1
            or not unlock.keys() <= {"stage", "module"}
        ):
            check.problem(where, "must be null, {stage: slug} or {module: stage/module}")
        elif "stage" in unlock and unlock["stage"] not in earlier:
            check.problem(where, f"names {unlock['stage']!r}, which is not an earlier stage")
        elif "module" in unlock:
            stage_slug, _, module_slug = str(unlock["module"]).partition("/")
            found = stage_slug in earlier and any(
                module.get("slug") == module_slug for module in modules.get(stage_slug, [])
            )
            if not found:
                check.problem(
                    where, f"names {unlock['module']!r}, which is no module of an earlier stage"
                )
        earlier.add(stage.get("slug"))


def _save(model, lookup: dict, values: dict, report: Report, name: str):
    """Creates or updates one row, and writes only when something changed."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        report.count(report.created, name)
        return model.objects.create(**lookup, **values)
    changed = [key for key, value in values.items() if getattr(instance, key) != value]
    if changed:
        for key in changed:
            setattr(instance, key, values[key])
        instance.save(update_fields=changed)
        report.count(report.updated, name)
    return instance


def _retire(queryset, report: Report, name: str, now) -> None:
    count = queryset.filter(retired_at__isnull=True).update(retired_at=now)
    if count:
        report.retired[name] = report.retired.get(name, 0) + count


def apply_content(content: Content) -> Report:
    # Rows are compared and written in their English source text, whatever
    # language is active.
    with source_text(), transaction.atomic():
        return _apply(content)


def _apply(content: Content) -> Report:
    report = Report()
    now = timezone.now()
    competences = {}
    competence_overlays = content.translated.get("competences", {})
    for item in content.competences:
        competence = _save(
            Competence,
            {"slug": item["slug"]},
            {key: item[key] for key in ("name", "order", "tagline", "description")}
            | {"translations": overlays.competence_translations(competence_overlays, item["slug"])},
            report,
            "competence",
        )
        competences[competence.slug] = competence
        for order, text in enumerate(item["outcomes"], start=1):
            _save(
                Outcome,
                {"competence": competence, "order": order},
                {
                    "text": text,
                    "translations": overlays.outcome_translations(
                        competence_overlays, item["slug"], order - 1
                    ),
                },
                report,
                "outcome",
            )
        Outcome.objects.filter(competence=competence, order__gt=len(item["outcomes"])).delete()

    data = content.programme
    programme_overlays = content.translated.get("programme", {})
    programme = _save(
        Programme,
        {"slug": data["slug"]},
        {
            "title": data["title"],
            "summary": data["summary"],
            "translations": overlays.programme_translations(programme_overlays),
        },
        report,
        "programme",
    )
    stages: dict[str, Stage] = {}
    live_modules: set[int] = set()
    live_activities: set[int] = set()
    live_resources: set[int] = set()
    modules_by_path: dict[str, Module] = {}
    for stage_order, stage_data in enumerate(data["stages"], start=1):
        stage = _save(
            Stage,
            {"programme": programme, "slug": stage_data["slug"]},
            {
                "title": stage_data["title"],
                "summary": stage_data["summary"],
                "order": stage_order,
                "competence": competences.get(stage_data["competence"]),
                "retired_at": None,
                "translations": overlays.stage_translations(programme_overlays, stage_data["slug"]),
            },
            report,
            "stage",
        )
        stages[stage.slug] = stage
        for module_order, module_data in enumerate(content.modules.get(stage.slug, []), start=1):
            module_overlays = content.translated.get(f"{stage.slug}/{module_data['slug']}", {})
            module = _save(
                Module,
                {"stage": stage, "slug": module_data["slug"]},
                {
                    "title": module_data["title"],
                    "summary": module_data["summary"].strip(),
                    "order": module_order,
                    "horizon": module_data["horizon"],
                    "effort_minutes": module_data["effort_minutes"],
                    "retired_at": None,
                    "translations": overlays.module_translations(module_overlays),
                },
                report,
                "module",
            )
            live_modules.add(module.pk)
            modules_by_path[f"{stage.slug}/{module.slug}"] = module
            for activity_order, activity_data in enumerate(module_data["activities"], start=1):
                activity = _save_activity(
                    module,
                    activity_order,
                    activity_data,
                    report,
                    live_resources,
                    now,
                    quiz_defaults=data.get("quizzes") or {},
                    translated=module_overlays,
                )
                live_activities.add(activity.pk)

    for stage_data in data["stages"]:
        unlock = stage_data.get("unlock") or {}
        _save(
            Stage,
            {"programme": programme, "slug": stage_data["slug"]},
            {
                "unlock_stage": stages.get(unlock.get("stage")),
                "unlock_module": modules_by_path.get(unlock.get("module")),
            },
            report,
            "stage",
        )

    in_programme = {"module__stage__programme": programme}
    _retire(
        Activity.objects.filter(**in_programme).exclude(pk__in=live_activities),
        report,
        "activity",
        now,
    )
    _retire(
        Module.objects.filter(stage__programme=programme).exclude(pk__in=live_modules),
        report,
        "module",
        now,
    )
    _retire(
        Resource.objects.filter(activity__module__stage__programme=programme).exclude(
            pk__in=live_resources
        ),
        report,
        "resource",
        now,
    )
    _retire(
        Stage.objects.filter(programme=programme).exclude(slug__in=stages.keys()),
        report,
        "stage",
        now,
    )
    if report.changed or programme.content_digest != content.digest:
        Programme.objects.filter(pk=programme.pk).update(
            content_digest=content.digest, loaded_at=now
        )
    return report


def _save_activity(
    module: Module,
    order: int,
    data: dict,
    report: Report,
    live_resources: set[int],
    now,
    *,
    quiz_defaults: dict,
    translated: dict[str, Any],
) -> Activity:
    kind = data["kind"]
    body = (data.get(BODY_FIELD[kind]) or "").strip()
    config: dict[str, Any] = {}
    if kind == "quiz":
        # Each quiz stores its whole policy, resolved from its own fields, the
        # programme's defaults and the built-in ones, so pages read one place.
        policy = RetakePolicy()
        retakes = (
            {key: getattr(policy, key) for key in RETAKE_FIELDS}
            | (quiz_defaults.get("retakes") or {})
            | (data.get("retakes") or {})
        )
        config = {
            "pass_mark": data.get("pass_mark")
            or quiz_defaults.get("pass_mark")
            or DEFAULT_PASS_MARK,
            "draw": data.get("draw"),
            "retakes": retakes,
            "questions": [
                {
                    "slug": overlays.question_slug(question, number),
                    "prompt": question["prompt"].strip(),
                    "multiple": question.get("multiple", False),
                    "choices": [
                        {
                            "text": c["text"].strip(),
                            "correct": c["correct"],
                            "feedback": c["feedback"].strip(),
                        }
                        for c in question["choices"]
                    ],
                }
                for number, question in enumerate(data["questions"], start=1)
            ],
        }
    elif kind == "resources":
        config = {"required": data["required"]}
    elif kind == "listening_log":
        config = {
            "required_days": data["required_days"],
            "required_weeks": data.get("required_weeks", 1),
        }
    elif kind == "reflection":
        config = {"min_words": data.get("min_words", 30)}
    elif kind == "simulation":
        config = {"scenario": data["scenario"]}
    elif kind == "discussion":
        config = {"reading": data["reading"], "min_words": data.get("min_words", 40)}
    elif kind == "practice" and data.get("peer_review") is not None:
        asked = data["peer_review"] if isinstance(data["peer_review"], dict) else {}
        config = {
            "peer_review": {
                "reviewers": asked.get("reviewers", 2),
                "anonymous": asked.get("anonymous", True),
            }
        }
    activity = _save(
        Activity,
        {"module": module, "slug": data["slug"]},
        {
            "kind": kind,
            "title": data["title"],
            "order": order,
            "body": body,
            "body_html": render_markdown(body),
            "config": config,
            "retired_at": None,
            "translations": overlays.activity_translations(translated, data),
            "body_translations": overlays.activity_body_translations(translated, data),
        },
        report,
        "activity",
    )
    if kind == "resources":
        for resource_order, item in enumerate(data["resources"], start=1):
            resource = _save(
                Resource,
                {"activity": activity, "slug": item["slug"]},
                {
                    "title": item["title"],
                    "author": item.get("author") or "",
                    "year": item.get("year"),
                    "category": item["category"],
                    "url": item.get("url") or "",
                    "description": item["description"].strip(),
                    "order": resource_order,
                    "retired_at": None,
                    "translations": overlays.resource_translations(
                        translated, data["slug"], item["slug"]
                    ),
                },
                report,
                "resource",
            )
            live_resources.add(resource.pk)
    if kind in ("practice", "simulation"):
        _save_rubric(activity, data["rubric"], report, now, translated)
    return activity


def _save_rubric(
    activity: Activity, rubric: list[dict], report: Report, now, translated: dict[str, Any]
) -> None:
    """Upserts the criteria by the slug of their names; retires those gone."""
    live = []
    for order, item in enumerate(rubric, start=1):
        levels = item["levels"]
        criterion = _save(
            Criterion,
            {"activity": activity, "slug": slugify(item["criterion"])},
            {
                "name": item["criterion"].strip(),
                "description": item["description"].strip(),
                "not_yet": levels["not_yet"].strip(),
                "meets": levels["meets"].strip(),
                "exceeds": levels["exceeds"].strip(),
                "example": item["example"].strip(),
                "order": order,
                "retired_at": None,
                "translations": overlays.criterion_translations(
                    translated, activity.slug, item["criterion"]
                ),
            },
            report,
            "criterion",
        )
        live.append(criterion.pk)
    _retire(
        Criterion.objects.filter(activity=activity).exclude(pk__in=live), report, "criterion", now
    )
