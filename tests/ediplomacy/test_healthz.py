import pytest


@pytest.mark.django_db
def test_healthz_reports_redis_disabled_when_none_is_configured(client, settings):
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "disabled"}


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_configured_but_down(client, settings):
    # Nothing listens on port 1: a configured Redis that is down.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reports_a_running_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["redis"] == "ok"


@pytest.mark.django_db
def test_healthz_is_never_cached(client, settings):
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
