"""The margins of a reading: a hook for the app that discusses the readings.

The reading page is this app's, but what stands beside each paragraph (the
cohort's threads) belongs to an app above it, which registers here in its
`ready`; this app never imports it. Without one, a reading shows its text
alone.
"""

from collections.abc import Callable
from dataclasses import dataclass

from curriculum.rendering import Block


@dataclass(frozen=True)
class Margin:
    """What the registered app says about one reading for one person."""

    template: str  # rendered beside each block, with `block` and `margin` in the context
    by_anchor: dict  # block anchor -> what the template shows beside it
    extra: dict  # anything else the template reads (forms, links, orphaned threads)


MarginBuilder = Callable[..., Margin | None]  # (request, enrolment, activity, blocks)
_BUILDERS: list[MarginBuilder] = []


def margin_register(builder: MarginBuilder) -> None:
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)


def reading_margin(*, request, enrolment, activity, blocks: list[Block]) -> Margin | None:
    """The registered app's margin for this reading, if any app registered one."""
    for builder in _BUILDERS:
        margin = builder(request=request, enrolment=enrolment, activity=activity, blocks=blocks)
        if margin is not None:
            return margin
    return None
