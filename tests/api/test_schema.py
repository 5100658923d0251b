"""The OpenAPI schema validates, and a schemathesis run against the live
schema calls every operation with generated input, as a client would."""

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db
# Generated calls per operation: enough to reach each parameter's edges.
EXAMPLES = 12
# A request the schema allows may still break a rule (a trainer who is not
# one of the organisation's, a learner already in the cohort): that answer is
# a validation problem (400) or a conflict (409), not a broken contract.
BUSINESS_RULES = [schemathesis.checks.positive_data_acceptance]


def test_the_schema_validates_as_openapi_3(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/cohorts/", "/api/v1/enrolments/{id}/withdraw/", "/api/v1/report/"} <= set(
        schema["paths"]
    )
    # Every operation says how its errors look.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            problem = operation["responses"]["404"]["content"]
            assert "application/problem+json" in problem, (method, path)


def test_the_reference_is_served_from_this_site(client):
    response = client.get("/api/docs/")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'spec-url="/api/schema/"' in page
    assert "/static/drf_spectacular_sidecar/redoc/" in page
    assert "https://" not in page  # no script from elsewhere
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.fixture
def connection_kept():
    """The WSGI handler closes the database connection after each request;
    the test's transaction lives on it, so it stays open (Django's own test
    client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_operation_keeps_its_contract(ours, theirs, settings, connection_kept):
    """Each operation, with generated parameters and bodies, under a read-write
    token of one organisation while another exists: no server error, and
    every answer (status, media type, body, headers) as the schema says."""
    settings.API_RATE_LIMIT = "100000/min"
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    headers = {"Authorization": f"Bearer {ours.key}"}
    called = []

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case):
            case.call_and_validate(headers=headers, excluded_checks=BUSINESS_RULES)

        call()
        called.append(f"{operation.method.upper()} {operation.path}")

    assert len(called) == len(set(called)) >= 12
    assert "POST /api/v1/cohorts/{id}/learners/" in called
