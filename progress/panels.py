"""Panels that apps above add to this app's pages, without this app importing them.

A page names a slot ("practice": a learner's practice task; "review": the
trainer's review of a submission); an app registers a builder for the slot
in its `ready`, and the page includes each panel's template with the
panel's own context. Peer review (discussions) shows itself this way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


_BUILDERS: dict[str, list[Callable[..., Panel | None]]] = {}


def panel_register(slot: str, builder: Callable[..., Panel | None]) -> None:
    builders = _BUILDERS.setdefault(slot, [])
    if builder not in builders:
        builders.append(builder)


def panels(slot: str, **about) -> list[Panel]:
    """The panels the registered apps give this page; each builder gets the
    page's objects by name (request, enrolment, activity, submission...)."""
    found = []
    for builder in _BUILDERS.get(slot, []):
        panel = builder(**about)
        if panel is not None:
            found.append(panel)
    return found
