"""Helpers for the sandbox's tests (and the access matrix's sandbox rows)."""

from sandbox.loader import apply_scenarios, read_scenarios
from sandbox.models import Scenario


def scenarios_loaded() -> dict[str, Scenario]:
    if not Scenario.objects.exists():
        apply_scenarios(read_scenarios())
    return {scenario.slug: scenario for scenario in Scenario.objects.all()}
