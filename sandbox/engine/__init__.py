"""The scenario engine: plain Python, no Django and no database.

A scenario (`scenario.py`) says who is on the simulated platform, what
happens at which scenario minute, how the platform reacts to the learner
(branches) and what is checked. A run is an append-only log of the learner's
actions (`run.py`); the platform at any minute is a fold over that log. The
clock (`clock.py`) turns real seconds into scenario minutes, compressed and
pausable. `checks.py` turns a finished run into a debrief.
"""

from sandbox.engine.checks import CheckResult, Debrief, debrief, run_checks
from sandbox.engine.clock import Clock, ClockError, Pause
from sandbox.engine.run import (
    ACTION_KINDS,
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
    ModelStep,
    Scenario,
    ScenarioError,
    parse_scenario,
)

__all__ = [
    "ACTION_KINDS",
    "Account",
    "Action",
    "CheckResult",
    "Clock",
    "ClockError",
    "Debrief",
    "Draft",
    "Event",
    "Item",
    "LogError",
    "ModelStep",
    "Pause",
    "Scenario",
    "ScenarioError",
    "State",
    "append",
    "check_action",
    "debrief",
    "parse_scenario",
    "replay",
    "run_checks",
]
