import pytest

from tests.sandbox.helpers import scenarios_loaded


@pytest.fixture
def scenarios(programme):
    """The shipped scenarios, loaded (again, if a transactional test flushed them)."""
    return scenarios_loaded()


@pytest.fixture
def scenario_clock():
    from tests.sandbox.clock import ScenarioClock

    clock = ScenarioClock()
    yield clock
    clock.stop()
