"""Language overlays of the scenarios: a scenario's text in another language.

An overlay sits beside its English source, `<slug>.<lang>.yaml`, and holds
only text keyed by the source's slugs and handles (the model answer by
position). Its *shape* is the source's translatable text as nested mappings;
the overlay is checked against the shape with the curriculum's rules, its
coverage counted over it, and laid over a copy of the source to show the
scenario in that language. Slugs, handles, times, counts and the checks'
terms never come from an overlay, so a run's results do not depend on the
language it is shown in. See docs/sandbox.md.
"""

import copy
from typing import Any


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
    steps = overlay.get("model_answer") or []
    for step, texts in zip(shown.get("model_answer") or [], steps, strict=False):
        step.update(_texts(texts, "action", "text"))
    return shown
