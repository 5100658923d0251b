"""Shared fixtures: personas, and the service markers.

Tests marked `postgres`, `redis` or `browser` skip, saying why, when their
service is missing; with REQUIRE_SERVICES=1 (as CI sets) they fail instead,
so a green CI run has really exercised PostgreSQL, Redis and the browser.
"""

import os
import shutil

import pytest
from django.conf import settings

from accounts.models import Membership
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    cohort_with_learners,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES is set, so this may not skip)")
    pytest.skip(reason)


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


def pytest_addoption(parser):
    parser.addoption(
        "--faults",
        action="store_true",
        help="run only the fault tests (tests/faults: workers killed, PostgreSQL "
        "restarted, a minute of load); without it they are left out",
    )


def pytest_collection_modifyitems(config, items):
    # The fault tests take minutes and run on their own (`make test-faults`).
    faults = config.getoption("--faults")
    kept = [item for item in items if bool(item.get_closest_marker("faults")) == faults]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    # Browser tests last: once Chromium runs, its event loop lives in the main
    # thread, and the other tests should run without it.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing("needs PostgreSQL: set DATABASE_URL to a PostgreSQL database")
    if request.node.get_closest_marker("redis") and not redis_available():
        _missing("needs Redis: set REDIS_URL to a running Redis")
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing(f"needs Chromium at {CHROMIUM}: apt-get install chromium")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is slow on purpose; tests only need it to be a hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_outline():
    # Tests change content rows directly, and roll back, without the loader
    # that keys the per-process outline.
    from curriculum.selectors import programme_outline_forget

    programme_outline_forget()
    yield
    programme_outline_forget()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth keeps its rate-limit counters in the cache: one test's
    # attempts must not count against the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Ministry of Foreign Affairs", slug="mfa", country="Italy")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Foreign Service", slug="foreign-service", country="Chile")


@pytest.fixture
def trainee(organisation):
    return MembershipFactory(
        user=UserFactory(email="trainee@mfa.example"),
        organisation=organisation,
        role=Membership.Role.TRAINEE,
    ).user


@pytest.fixture
def trainer(organisation):
    return MembershipFactory(
        user=UserFactory(email="trainer@mfa.example"),
        organisation=organisation,
        role=Membership.Role.TRAINER,
    ).user


@pytest.fixture
def org_admin(organisation):
    return MembershipFactory(
        user=UserFactory(email="admin@mfa.example"),
        organisation=organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user


@pytest.fixture
def outsider(other_organisation):
    """A trainer, but in another organisation."""
    return MembershipFactory(
        user=UserFactory(email="outsider@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.TRAINER,
    ).user


@pytest.fixture
def self_paced(db):
    return UserFactory(email="solo@example.org")


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@ediplomacy.example", is_staff=True, is_superuser=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The shipped programme, loaded once for the whole session.
    from curriculum.loader import apply_content, read_content

    with django_db_blocker.unblock():
        apply_content(read_content())


@pytest.fixture
def programme(db):
    """The shipped programme (reloaded if a transactional test flushed it)."""
    from curriculum.loader import apply_content, read_content
    from curriculum.selectors import programme_default

    found = programme_default()
    if found is None:
        apply_content(read_content())
        found = programme_default()
    return found


@pytest.fixture
def cohort(organisation, programme, trainer):
    """A cohort of the organisation, run by the trainer, starting today, no learners yet."""
    return cohort_with_learners(
        0, organisation=organisation, trainer=trainer, programme=programme
    ).cohort


@pytest.fixture
def eager_celery(settings):
    """Runs queued tasks in-process, also where CI points Celery at Redis."""
    from ediplomacy.celery import app

    # Read before changing settings: Celery loads its configuration lazily.
    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
