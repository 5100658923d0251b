"""The OpenAPI schema validates, and a schemathesis run against the live
schema, served by a running server, calls every operation with generated
input, as a client would, and every operation that names an object with
another organisation's."""

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate

from tests.api.test_reach import OBJECTS, state

pytestmark = pytest.mark.django_db
# Generated calls per operation: enough to reach each parameter's edges.
EXAMPLES = 12
# A request the schema allows may still break a rule (a trainer who is not
# one of the organisation's, a learner already in the cohort): that answer is
# a validation problem (400) or a conflict (409), not a broken contract.
BUSINESS_RULES = [schemathesis.checks.positive_data_acceptance]
# The object each collection's operations name in their path.
COLLECTIONS = {
    "organisations": "organisation",
    "people": "person",
    "cohorts": "cohort",
    "enrolments": "enrolment",
    "completions": "completion",
}


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
def live_schema(live_server, settings):
    """The schema as a client reads it: fetched over HTTP from the running
    server, whose calls then go over the network too."""
    settings.API_RATE_LIMIT = "100000/min"
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")


@pytest.mark.django_db(transaction=True)
def test_every_operation_keeps_its_contract(ours, theirs, live_schema):
    """Each operation, with generated parameters and bodies, under a read-write
    token of one organisation while another exists: no server error, and
    every answer (status, media type, body, headers) as the schema says."""
    schema = live_schema
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


def answers_with_object(operation, *, parameter: str, value, headers: dict) -> set:
    """(status, media type) of generated calls to `operation` with `value` as
    its path parameter, each validated against the schema."""
    answers = set()

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=4,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case):
        case.path_parameters = {parameter: value}
        response = case.call_and_validate(headers=headers, excluded_checks=BUSINESS_RULES)
        answers.add((response.status_code, response.headers["content-type"][0]))

    call()
    return answers


@pytest.mark.django_db(transaction=True)
def test_every_operation_on_another_organisations_object_answers_404(ours, theirs, live_schema):
    """The same run, each operation that names an object given the other
    organisation's (its queries and bodies still generated): always 404, as
    the schema says, and nothing written."""
    schema = live_schema
    headers = {"Authorization": f"Bearer {ours.key}"}
    before = state()
    called = []

    for result in schema.get_all_operations():
        operation = result.ok()
        names = [p.name for p in operation.iter_parameters() if p.location == "path"]
        if not names:
            continue
        [parameter] = names
        collection = operation.path.removeprefix("/api/v1/").split("/")[0]
        value = OBJECTS[COLLECTIONS[collection]](theirs)

        answers = answers_with_object(operation, parameter=parameter, value=value, headers=headers)

        assert answers == {(404, "application/problem+json")}, (operation.label, answers)
        called.append(operation.label)

    assert state() == before
    assert "DELETE /api/v1/people/{id}/" in called
    assert "POST /api/v1/enrolments/{id}/withdraw/" in called
    assert "POST /api/v1/cohorts/{id}/learners/" in called
