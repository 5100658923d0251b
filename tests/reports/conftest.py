import pytest

from tests.reports.world import build_world


@pytest.fixture
def world(programme, organisation, other_organisation, trainer, outsider):
    return build_world(programme, organisation, other_organisation, trainer, outsider)
