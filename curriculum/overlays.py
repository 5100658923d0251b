"""Language overlays: the programme's text in another language.

An overlay sits next to its English source with the language code before
`.yaml` (`curate/01-listening-foundations.fr.yaml`, `programme.fr.yaml`,
`competences/content/competences.fr.yaml`) and holds only translatable text,
keyed by the source's slugs (quiz choices and competence outcomes by position,
in the source's order). Every key must exist in the source; a key left out
falls back to English. See `curriculum/content/README.md`.

The *shape* of a source is its translatable text as nested mappings, with
lists where the overlay lists by position; an overlay is checked against the
shape, its coverage counted over it, and its text picked for each row.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum.rendering import render_markdown
from ediplomacy.lib.translations import CONTENT_LANGUAGES

# The Markdown text each kind shows as its main body (the loader reads it too).
BODY_FIELDS = {
    "reading": "body",
    "quiz": "intro",
    "resources": "intro",
    "listening_log": "prompt",
    "practice": "brief",
    "simulation": "brief",
    "reflection": "prompt",
    "checkin": "prompt",
    "discussion": "prompt",
}
HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)


def overlay_language(path: Path) -> tuple[str, str] | None:
    """(source file name, language code) for an overlay's path; None for a source.

    A source's name holds no dot before `.yaml`; an overlay's does."""
    stem = path.name.removesuffix(".yaml")
    if "." not in stem:
        return None
    source, _, language = stem.rpartition(".")
    return f"{source}.yaml", language


def unknown_language_message(language: str) -> str:
    return f"names no content language {language!r}; use one of {', '.join(CONTENT_LANGUAGES)}"


# --- Shapes -------------------------------------------------------------------


def programme_shape(programme: dict) -> dict:
    return {
        "title": programme["title"],
        "summary": programme["summary"],
        "stages": {
            stage["slug"]: {"title": stage["title"], "summary": stage["summary"]}
            for stage in programme["stages"]
        },
    }


def competences_shape(competences: list[dict]) -> dict:
    return {
        item["slug"]: {
            "name": item["name"],
            "tagline": item["tagline"],
            "description": item["description"],
            "outcomes": list(item["outcomes"]),
        }
        for item in competences
    }


def question_slug(question: dict, number: int) -> str:
    """A question's slug, or `qN` by its position (from 1) when it has none."""
    return question.get("slug") or f"q{number}"


def module_shape(module: dict) -> dict:
    return {
        "title": module["title"],
        "summary": module["summary"],
        "activities": {
            activity["slug"]: _activity_shape(activity) for activity in module["activities"]
        },
    }


def _activity_shape(activity: dict) -> dict:
    kind = activity["kind"]
    shape: dict[str, Any] = {"title": activity["title"]}
    for key in ("body", "intro", "prompt", "brief"):
        if activity.get(key):
            shape[key] = activity[key]
    if kind == "quiz":
        shape["questions"] = {
            question_slug(question, number): {
                "prompt": question["prompt"],
                "choices": [
                    {"text": choice["text"], "feedback": choice["feedback"]}
                    for choice in question["choices"]
                ],
            }
            for number, question in enumerate(activity["questions"], start=1)
        }
    elif kind == "resources":
        shape["resources"] = {
            item["slug"]: {"title": item["title"], "description": item["description"]}
            for item in activity["resources"]
        }
    elif kind in ("practice", "simulation"):
        shape["rubric"] = {
            item["criterion"]: {
                "criterion": item["criterion"],
                "description": item["description"],
                "levels": {
                    level: item["levels"][level] for level in ("not_yet", "meets", "exceeds")
                },
                "example": item["example"],
            }
            for item in activity["rubric"]
        }
    return shape


# --- Checking -----------------------------------------------------------------


def check_overlay(check, data: Any, shape: dict) -> None:
    """Reports, through the file's `Checker`, every key of `data` the source
    lacks, every list of the wrong length and every empty or non-text value."""
    if data is None:
        return  # an empty overlay translates nothing
    _check(check, data, shape, "")


def _check(check, value: Any, shape: Any, path: str) -> None:
    if isinstance(shape, str):
        if not isinstance(value, str) or not value.strip():
            check.problem(path, "must be non-empty text")
        elif len(HEADING.findall(value)) != len(HEADING.findall(shape)):
            check.problem(
                path,
                f"has {len(HEADING.findall(value))} headings where the source has "
                f"{len(HEADING.findall(shape))}: keep the source's structure",
            )
    elif isinstance(shape, list):
        if not isinstance(value, list) or len(value) != len(shape):
            check.problem(path, f"must list {len(shape)} items, in the source's order")
            return
        for index, (item, item_shape) in enumerate(zip(value, shape, strict=True)):
            _check(check, item, item_shape, f"{path}[{index}]")
    elif not isinstance(value, dict):
        check.problem(path or "(file)", "must be a mapping of fields")
    else:
        for key, item in value.items():
            where = f"{path}.{key}".lstrip(".")
            if str(key) not in shape:
                check.problem(where, "is not in the source: an overlay holds only its text")
            else:
                _check(check, item, shape[str(key)], where)


# --- Coverage -------------------------------------------------------------------


def count_fields(shape: Any, data: Any) -> tuple[int, int]:
    """(fields translated, fields in the source) of one overlay over its shape."""
    if isinstance(shape, str):
        return (1 if isinstance(data, str) and data.strip() else 0), 1
    if isinstance(shape, list):
        items = data if isinstance(data, list) and len(data) == len(shape) else [None] * len(shape)
        pairs = zip(shape, items, strict=True)
    else:
        data = data if isinstance(data, dict) else {}
        pairs = ((item, data.get(key)) for key, item in shape.items())
    done = total = 0
    for item_shape, item in pairs:
        item_done, item_total = count_fields(item_shape, item)
        done, total = done + item_done, total + item_total
    return done, total


@dataclass
class Coverage:
    """Fields translated and in the source, per language and part (a stage's
    slug, `programme` or `competences`), parts in the programme's order."""

    parts: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def add(self, language: str, part: str, done: int, total: int) -> None:
        if part not in self.parts:
            self.parts.append(part)
        before = self.counts.setdefault(language, {}).get(part, (0, 0))
        self.counts[language][part] = (before[0] + done, before[1] + total)

    def total(self, language: str) -> tuple[int, int]:
        counts = self.counts.get(language, {}).values()
        return sum(done for done, _ in counts), sum(total for _, total in counts)

    def report_lines(self) -> list[str]:
        """The `--check` report: per language, the fields translated of those
        in the source, in all and per part, percentages floored (100% means
        complete)."""
        lines = ["Translations (fields translated / fields in the source):"]
        width = max((len(part) for part in self.parts), default=0)
        for language in sorted(self.counts):
            done, total = self.total(language)
            lines.append(f"  {language}: {done}/{total} ({_percent(done, total)})")
            for part in self.parts:
                done, total = self.counts[language].get(part, (0, 0))
                share = _percent(done, total)
                lines.append(f"    {part:<{width}}  {done:>5}/{total:<5} {share:>5}")
        return lines


def _percent(done: int, total: int) -> str:
    return f"{100 * done // total if total else 100}%"


# --- Picking a row's translations ----------------------------------------------


def _text(data: Any, *keys: str) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}
    return {key: data[key].strip() for key in keys if isinstance(data.get(key), str)}


def _by_language(overlays: dict[str, Any], pick) -> dict[str, dict]:
    picked = {language: pick(data or {}) for language, data in sorted(overlays.items())}
    return {language: texts for language, texts in picked.items() if texts}


def programme_translations(overlays: dict[str, dict]) -> dict:
    return _by_language(overlays, lambda data: _text(data, "title", "summary"))


def stage_translations(overlays: dict[str, dict], slug: str) -> dict:
    return _by_language(
        overlays, lambda data: _text((data.get("stages") or {}).get(slug), "title", "summary")
    )


def module_translations(overlays: dict[str, dict]) -> dict:
    return _by_language(overlays, lambda data: _text(data, "title", "summary"))


def _activity(data: dict, slug: str) -> dict:
    return (data.get("activities") or {}).get(slug) or {}


def activity_translations(overlays: dict[str, dict], activity: dict) -> dict:
    """An activity's title per language (its row's `translations`)."""
    return _by_language(overlays, lambda data: _text(_activity(data, activity["slug"]), "title"))


def activity_body_translations(overlays: dict[str, dict], activity: dict) -> dict:
    """An activity's main text, rendered, and a quiz's words by question slug,
    per language (its row's `body_translations`)."""
    slug, kind = activity["slug"], activity["kind"]

    def pick(data):
        overlay = _activity(data, slug)
        texts = {}
        body = _text(overlay, BODY_FIELDS[kind]).get(BODY_FIELDS[kind])
        if body:
            texts["body"], texts["body_html"] = body, render_markdown(body)
        questions = {}
        for key, question in (overlay.get("questions") or {}).items():
            words = _text(question, "prompt")
            if isinstance(question.get("choices"), list):
                words["choices"] = [
                    _text(choice, "text", "feedback") for choice in question["choices"]
                ]
            questions[str(key)] = words
        if questions:
            texts["questions"] = questions
        return texts

    return _by_language(overlays, pick)


def resource_translations(overlays: dict[str, dict], activity_slug: str, slug: str) -> dict:
    return _by_language(
        overlays,
        lambda data: _text(
            (_activity(data, activity_slug).get("resources") or {}).get(slug),
            "title",
            "description",
        ),
    )


def criterion_translations(overlays: dict[str, dict], activity_slug: str, name: str) -> dict:
    def pick(data):
        item = (_activity(data, activity_slug).get("rubric") or {}).get(name) or {}
        texts = _text(item, "description", "example") | _text(
            item.get("levels"), "not_yet", "meets", "exceeds"
        )
        if isinstance(item.get("criterion"), str):
            texts["name"] = item["criterion"].strip()
        return texts

    return _by_language(overlays, pick)


def competence_translations(overlays: dict[str, dict], slug: str) -> dict:
    return _by_language(
        overlays, lambda data: _text(data.get(slug), "name", "tagline", "description")
    )


def outcome_translations(overlays: dict[str, dict], slug: str, index: int) -> dict:
    def pick(data):
        outcomes = (data.get(slug) or {}).get("outcomes")
        if (
            isinstance(outcomes, list)
            and index < len(outcomes)
            and isinstance(outcomes[index], str)
        ):
            return {"text": outcomes[index].strip()}
        return {}

    return _by_language(overlays, pick)
