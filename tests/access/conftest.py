"""The access world, built once per test module.

Building it takes a good part of a second (fourteen people, three cohorts,
enrolments, work handed in, a learner who moved), and the matrix opens it
hundreds of times. So a module builds it once, inside a transaction that is
rolled back when the module ends, and each test runs in a savepoint within
that transaction: whatever a test changes is undone before the next one.
Each test gets its own copy of the objects, so changing one in memory does
not leak either.
"""

import copy

import pytest
from django.db import transaction

from accounts.models import Membership
from tests.access.world import World, build_world
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def _cast() -> World:
    """The same people as the shared fixtures of tests/conftest.py."""
    from curriculum.loader import apply_content, read_content
    from curriculum.selectors import programme_default

    if programme_default() is None:  # a transactional test flushed it
        apply_content(read_content())
    organisation = OrganisationFactory(
        name="Ministry of Foreign Affairs", slug="mfa", country="Italy"
    )
    other = OrganisationFactory(name="Foreign Service", slug="foreign-service", country="Chile")

    def member(email, place, role):
        return MembershipFactory(user=UserFactory(email=email), organisation=place, role=role).user

    return build_world(
        programme_default(),
        organisation,
        other,
        member("trainee@mfa.example", organisation, Membership.Role.TRAINEE),
        member("trainer@mfa.example", organisation, Membership.Role.TRAINER),
        member("admin@mfa.example", organisation, Membership.Role.ORG_ADMIN),
        member("outsider@fs.example", other, Membership.Role.TRAINER),
        UserFactory(email="staff@ediplomacy.example", is_staff=True, is_superuser=True),
    )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _cast()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db) -> World:
    # `db` opens the test's savepoint inside the module's transaction.
    return copy.deepcopy(_module_world)
