"""The shipped consular scenario, read once, for the engine's tests."""

from functools import cache
from pathlib import Path

import yaml

from sandbox.engine import Scenario, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "sandbox" / "scenarios"


@cache
def consular() -> Scenario:
    return parse_scenario(yaml.safe_load((SCENARIOS / "consular-earthquake.yaml").read_text()))
