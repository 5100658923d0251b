"""The scenario engine: plain Python, no Django and no database.

A scenario (`scenario.py`) says who is on the simulated platform, what
happens at which scenario minute, how the platform reacts to the learner
(branches) and what is checked. A run is an append-only log of the learner's
actions (`run.py`); the platform at any minute is a fold over that log. The
clock (`clock.py`) turns real seconds into scenario minutes, compressed and
pausable. `checks.py` turns a finished run into a debrief. `text.py` picks
out a post's addresses, hashtags and mentions, and finds its link card.
"""

from sandbox.engine.checks import CheckResult, Debrief, debrief, run_checks
from sandbox.engine.clock import Clock, ClockError, Pause
from sandbox.engine.run import (
    ACTION_KINDS,
    ITEM_ACTIONS,
    Action,
    Draft,
    Item,
    LogError,
    State,
    append,
    check_action,
    replay,
)
from sandbox.engine.scenario import (
    Account,
    Event,
    Link,
    ModelStep,
    Scenario,
    ScenarioError,
    parse_scenario,
)
from sandbox.engine.text import Card, Piece, card, pieces

__all__ = [
    "ACTION_KINDS",
    "ITEM_ACTIONS",
    "Account",
    "Action",
    "Card",
    "CheckResult",
    "Clock",
    "ClockError",
    "Debrief",
    "Draft",
    "Event",
    "Item",
    "Link",
    "LogError",
    "ModelStep",
    "Pause",
    "Piece",
    "Scenario",
    "ScenarioError",
    "State",
    "append",
    "card",
    "check_action",
    "debrief",
    "parse_scenario",
    "pieces",
    "replay",
    "run_checks",
]
