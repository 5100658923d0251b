import pytest

from tests.access.world import World, build_world


@pytest.fixture
def world(
    programme, organisation, other_organisation, trainee, trainer, org_admin, outsider, staff
) -> World:
    return build_world(
        programme, organisation, other_organisation, trainee, trainer, org_admin, outsider, staff
    )
