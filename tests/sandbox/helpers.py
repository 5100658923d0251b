"""Helpers for the sandbox's tests (and the access matrix's sandbox rows)."""

from django.utils import timezone

from sandbox import services
from sandbox.loader import apply_scenarios, read_scenarios
from sandbox.models import LiveRun, Run, Scenario


def scenarios_loaded() -> dict[str, Scenario]:
    if not Scenario.objects.exists():
        apply_scenarios(read_scenarios())
    return {scenario.slug: scenario for scenario in Scenario.objects.all()}


def run_of(enrolment) -> Run:
    """The learner's open practice run of the consular scenario (made once)."""
    scenario = scenarios_loaded()["consular-earthquake"]
    return services.run_start(
        learner=enrolment.user, scenario=scenario, enrolment=enrolment, now=timezone.now()
    )


def live_run_of(cohort) -> LiveRun:
    """A live run of the consular scenario for the cohort, starting now (made once)."""
    found = LiveRun.objects.filter(cohort=cohort).first()
    if found is None:
        found = services.live_start(
            cohort=cohort,
            scenario=scenarios_loaded()["consular-earthquake"],
            starts_at=timezone.now(),
            by=None,
            now=timezone.now(),
        )
    return found
