"""The automatic checks a scenario declares, and the debrief built from them.

Each check reads the run's final state and says passed or not, with the
numbers behind it (`detail`), so the page can word the result in the
learner's language.
"""

import re
from dataclasses import dataclass, field

from sandbox.engine.run import Action, State, replay
from sandbox.engine.scenario import Check, ModelStep, Scenario

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class CheckResult:
    slug: str
    kind: str
    label: str
    passed: bool
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Debrief:
    results: tuple[CheckResult, ...]
    actions: tuple[Action, ...]  # the learner's timeline
    model_answer: tuple[ModelStep, ...]
    text: str

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.results)


def _first_response(scenario: Scenario, state: State, check: Check) -> CheckResult:
    event = scenario.event(check.event)
    answered = state.responses.get(check.event)
    minutes = None if answered is None else round(answered - event.at, 1)
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        minutes is not None and minutes <= check.within,
        {"minutes": minutes, "within": check.within},
    )


def _character_limit(scenario: Scenario, state: State, check: Check) -> CheckResult:
    texts = [item.text for item in state.mine] + [draft.text for draft in state.drafts]
    over = sum(scenario.platform.too_long(text) for text in texts)
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        over == 0,
        {"over": over, "limit": scenario.platform.max_chars},
    )


def _alt_text(scenario: Scenario, state: State, check: Check) -> CheckResult:
    images = [i for i in (*state.mine, *state.scheduled, *state.drafts) if i.image]
    missing = sum(not image.alt_text.strip() for image in images)
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        missing == 0,
        {"images": len(images), "missing": missing},
    )


def _public_top_level(state: State):
    return [i for i in state.mine if i.public and i.kind in ("post", "quote") and not i.reply_to]


def _source_linked(scenario: Scenario, state: State, check: Check) -> CheckResult:
    links = [link for item in _public_top_level(state) for link in LINK.findall(item.text)]
    if check.sources:
        links = [link for link in links if link.startswith(check.sources)]
    return CheckResult(check.slug, check.kind, check.label, bool(links), {"links": len(links)})


def _no_personal_data(scenario: Scenario, state: State, check: Check) -> CheckResult:
    public = [item.text.lower() for item in state.mine if item.public]
    repeated = sorted({term for term in check.terms for text in public if term.lower() in text})
    return CheckResult(
        check.slug, check.kind, check.label, not repeated, {"repeated": len(repeated)}
    )


def _impostor_reported(scenario: Scenario, state: State, check: Check) -> CheckResult:
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        check.handle in state.reported,
        {"handle": check.handle},
    )


def _clearance(scenario: Scenario, state: State, check: Check) -> CheckResult:
    published = _public_top_level(state)
    uncleared = sum(not item.cleared for item in published)
    cleared = len(published) - uncleared
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        cleared > 0 and uncleared == 0,
        {"cleared": cleared, "uncleared": uncleared},
    )


def _followed(scenario: Scenario, state: State, check: Check) -> CheckResult:
    found = len(set(check.handles) & state.followed)
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        found == len(check.handles),
        {"found": found, "expected": len(check.handles)},
    )


def _not_followed(scenario: Scenario, state: State, check: Check) -> CheckResult:
    found = len(set(check.handles) & state.followed)
    return CheckResult(check.slug, check.kind, check.label, found == 0, {"found": found})


def _mentions(scenario: Scenario, state: State, check: Check) -> CheckResult:
    public = " ".join(item.text.lower() for item in state.mine if item.public)
    found = sum(term.lower() in public for term in check.terms)
    return CheckResult(
        check.slug,
        check.kind,
        check.label,
        found == len(check.terms),
        {"found": found, "expected": len(check.terms)},
    )


RULES = {
    "first_response": _first_response,
    "character_limit": _character_limit,
    "alt_text": _alt_text,
    "source_linked": _source_linked,
    "no_personal_data": _no_personal_data,
    "impostor_reported": _impostor_reported,
    "clearance_before_publishing": _clearance,
    "followed": _followed,
    "not_followed": _not_followed,
    "mentions": _mentions,
}


def run_checks(scenario: Scenario, state: State) -> tuple[CheckResult, ...]:
    return tuple(RULES[check.kind](scenario, state, check) for check in scenario.checks)


def debrief(scenario: Scenario, log: tuple[Action, ...], now: float) -> Debrief:
    """The debrief of a run at `now` (its end, or when the learner submitted)."""
    state = replay(scenario, log, now)
    return Debrief(
        results=run_checks(scenario, state),
        actions=tuple(action for action in log if action.at <= state.minute),
        model_answer=scenario.model_answer,
        text=scenario.debrief,
    )
