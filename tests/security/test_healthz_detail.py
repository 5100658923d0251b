"""/healthz tells the public only whether the site is up; the state of the
database and Redis goes to a probe on the same machine or one with the token."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC = {"REMOTE_ADDR": "203.0.113.7"}
TOKEN = "probe-token-4f1c9a"


@pytest.fixture
def healthy(settings):
    settings.REDIS_URL = None


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_the_public_learns_only_that_the_site_is_up(client, healthy):
    response = client.get("/healthz", **PUBLIC)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_public_learns_only_that_the_site_is_unavailable(client, redis_down):
    response = client.get("/healthz", **PUBLIC)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_a_probe_on_the_same_machine_gets_the_detail(client, redis_down, address):
    response = client.get("/healthz", REMOTE_ADDR=address)

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "down"}


def test_a_request_a_local_proxy_forwarded_gets_no_detail(client, redis_down):
    response = client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert response.json() == {"status": "unavailable"}


def test_a_probe_with_the_token_gets_the_detail(client, redis_down, settings):
    settings.HEALTHZ_TOKEN = TOKEN

    response = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **PUBLIC)

    assert response.json()["redis"] == "down"


@pytest.mark.parametrize("sent", ["Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", ""])
def test_a_wrong_token_gets_no_detail(client, redis_down, settings, sent):
    settings.HEALTHZ_TOKEN = TOKEN

    response = client.get("/healthz", HTTP_AUTHORIZATION=sent, **PUBLIC)

    assert response.json() == {"status": "unavailable"}


def test_without_a_configured_token_no_header_opens_the_detail(client, redis_down, settings):
    settings.HEALTHZ_TOKEN = ""

    response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer ", **PUBLIC)

    assert response.json() == {"status": "unavailable"}
