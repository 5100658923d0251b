"""Language overlays of the scenarios: a scenario's text in another language.

An overlay sits beside its English source, `<slug>.<lang>.yaml`, and holds
only text keyed by the source's slugs and handles (the model answer by
position). Its *shape* is the source's translatable text as nested mappings;
the overlay is checked against the shape with the curriculum's rules, its
coverage counted over it, and laid over a copy of the source to show the
scenario in that language; a link card is keyed by its address as the
source writes it. Slugs, handles, times and counts never come from an
overlay. What a `no_personal_data` check looks for may: an overlay adds the
forms a learner of its language would write ("chambre 214" for "room 214"),
and the loader adds every language's terms to the check for all languages
(`with_overlay_terms`), so a run's results do not depend on the language it
is played or read in. See docs/sandbox.md.
"""

import copy
from typing import Any

# The checks whose terms an overlay may add to: those that look for personal
# details, which a learner writes in their own language. A `mentions` check's
# hashtags and handles are never translated, and adding to them would ask more.
TERMS_KINDS = ("no_personal_data",)


def _texts(item: Any, *keys: str) -> dict[str, str]:
    """The non-empty text fields `keys` of a source mapping."""
    if not isinstance(item, dict):
        return {}
    return {key: item[key] for key in keys if isinstance(item.get(key), str) and item[key].strip()}


def _events(data: dict) -> list[dict]:
    """The source's events and its branches' events, as mappings."""
    events = [event for event in data.get("events") or [] if isinstance(event, dict)]
    for branch in data.get("branches") or []:
        if isinstance(branch, dict):
            events += [event for event in branch.get("then") or [] if isinstance(event, dict)]
    return events


def scenario_shape(data: dict) -> dict:
    """The translatable text of a source scenario (already validated). Fields
    the format does not list as text (including any added later) are left
    out, so an overlay cannot carry them."""
    shape: dict[str, Any] = _texts(data, "title", "summary", "briefing", "debrief")
    sections = {
        "platform": _texts(data.get("platform"), "name"),
        "accounts": {
            account["handle"]: _texts(account, "name", "bio")
            for account in data.get("accounts") or []
            if isinstance(account, dict) and account.get("handle")
        },
        "events": {
            event["slug"]: _texts(event, "text", "image", "alt_text")
            for event in _events(data)
            if event.get("slug")
        },
        "checks": {
            check["slug"]: _texts(check, "label")
            for check in data.get("checks") or []
            if isinstance(check, dict) and check.get("slug")
        },
        "approver": _texts(data.get("approver"), "approval", "refusal"),
        "media": {
            item["slug"]: _texts(item, "description")
            for item in data.get("media") or []
            if isinstance(item, dict) and item.get("slug")
        },
        # By the address exactly as the source writes it.
        "links": {
            link["url"]: _texts(link, "title", "description", "image_alt")
            for link in data.get("links") or []
            if isinstance(link, dict) and isinstance(link.get("url"), str)
        },
    }
    shape |= {key: value for key, value in sections.items() if value}
    if data.get("model_answer"):
        shape["model_answer"] = [_texts(step, "action", "text") for step in data["model_answer"]]
    return shape


def clean_overlay(shape: Any, overlay: Any) -> Any:
    """The overlay's text that fits the shape, stripped; empty parts dropped.
    (Run on an overlay already checked: it only trims what would not show.)"""
    if isinstance(shape, str):
        return overlay.strip() if isinstance(overlay, str) and overlay.strip() else None
    if isinstance(shape, list):
        if not isinstance(overlay, list) or len(overlay) != len(shape):
            return None
        items = [
            clean_overlay(item, value) or {} for item, value in zip(shape, overlay, strict=True)
        ]
        return items if any(items) else None
    if not isinstance(overlay, dict):
        return None
    cleaned = {}
    for key, item in shape.items():
        value = clean_overlay(item, overlay.get(key))
        if value:
            cleaned[key] = value
    return cleaned or None


def untranslated_fields(shape: Any, overlay: Any, path: str = "") -> set[str]:
    """The dotted paths of the shape's text with no translation in `overlay`:
    `briefing`, `events.ana-question.text`, `model_answer.0.action`..."""
    if isinstance(shape, str):
        return set() if isinstance(overlay, str) and overlay.strip() else {path}
    if isinstance(shape, list):
        items = overlay if isinstance(overlay, list) and len(overlay) == len(shape) else []
        pairs = enumerate(zip(shape, items or [None] * len(shape), strict=True))
        return {
            name
            for index, (item, value) in pairs
            for name in untranslated_fields(item, value, f"{path}.{index}".lstrip("."))
        }
    overlay = overlay if isinstance(overlay, dict) else {}
    return {
        name
        for key, item in shape.items()
        for name in untranslated_fields(item, overlay.get(key), f"{path}.{key}".lstrip("."))
    }


def localised_data(data: dict, overlay: dict) -> dict:
    """A copy of the source mapping with the overlay's text laid over it,
    field by field; what the overlay leaves out stays English."""
    shown = copy.deepcopy(data)
    shown.update(_texts(overlay, "title", "summary", "briefing", "debrief"))
    if isinstance(shown.get("platform"), dict):
        shown["platform"].update(_texts(overlay.get("platform"), "name"))
    accounts = overlay.get("accounts") or {}
    for account in shown.get("accounts") or []:
        account.update(_texts(accounts.get(account.get("handle")), "name", "bio"))
    events = overlay.get("events") or {}
    for event in _events(shown):
        event.update(_texts(events.get(event.get("slug")), "text", "image", "alt_text"))
    checks = overlay.get("checks") or {}
    for check in shown.get("checks") or []:
        check.update(_texts(checks.get(check.get("slug")), "label"))
    if isinstance(shown.get("approver"), dict):
        shown["approver"].update(_texts(overlay.get("approver"), "approval", "refusal"))
    media = overlay.get("media") or {}
    for item in shown.get("media") or []:
        item.update(_texts(media.get(item.get("slug")), "description"))
    links = overlay.get("links") or {}
    for link in shown.get("links") or []:
        link.update(_texts(links.get(link.get("url")), "title", "description", "image_alt"))
    steps = overlay.get("model_answer") or []
    for step, texts in zip(shown.get("model_answer") or [], steps, strict=False):
        step.update(_texts(texts, "action", "text"))
    return shown


# --- Terms of the personal-data checks ------------------------------------------


def split_terms(overlay: Any) -> tuple[Any, dict[str, Any]]:
    """The overlay without its checks' `terms` (its text, for `check_overlay`)
    and those terms by check slug, as written. A check left with no text stays
    as an empty mapping, so an unknown slug is still reported."""
    if not isinstance(overlay, dict) or not isinstance(overlay.get("checks"), dict):
        return overlay, {}
    checks, terms = {}, {}
    for slug, item in overlay["checks"].items():
        if isinstance(item, dict) and "terms" in item:
            terms[str(slug)] = item["terms"]
            item = {key: value for key, value in item.items() if key != "terms"}
        checks[slug] = item
    return overlay | {"checks": checks}, terms


def terms_problems(data: dict, terms: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each of an overlay's check terms that cannot be
    added to its source check `data`: a check that looks for no personal
    details, terms that are not a list, an empty term."""
    kinds = {
        check["slug"]: check.get("kind")
        for check in data.get("checks") or []
        if isinstance(check, dict) and check.get("slug")
    }
    problems = []
    for slug, value in terms.items():
        where = f"checks.{slug}.terms"
        if slug not in kinds:
            continue  # the unknown slug itself is reported with the overlay's text
        if kinds[slug] not in TERMS_KINDS:
            reason = (
                "a mentions check's hashtags and handles are never translated"
                if kinds[slug] == "mentions"
                else "this check looks for no terms"
            )
            problems.append((where, f"{reason}; only a no_personal_data check takes terms"))
        elif not isinstance(value, list) or not value:
            problems.append((where, "must be a list of terms (text)"))
        else:
            problems += [
                (f"{where}[{index}]", "must be non-empty text")
                for index, term in enumerate(value)
                if not isinstance(term, str) or not term.strip()
            ]
    return problems


def with_overlay_terms(data: dict, extras: list[dict[str, list[str]]]) -> dict:
    """A copy of the source mapping whose personal-data checks look for their
    own terms and every overlay's (`extras`, one mapping of check slug to
    terms per language, in a fixed order), each once whatever its case, as
    the engine compares them. The same terms for every language, so a run
    is checked the same whichever language it is played or read in."""
    if not any(extras):
        return data
    merged = copy.deepcopy(data)
    for check in merged.get("checks") or []:
        if check.get("kind") not in TERMS_KINDS:
            continue
        terms, seen = [], set()
        added = [term.strip() for extra in extras for term in extra.get(check["slug"]) or []]
        for term in [*(check.get("terms") or []), *added]:
            if term.lower() not in seen:
                seen.add(term.lower())
                terms.append(term)
        check["terms"] = terms
    return merged
