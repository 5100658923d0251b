"""Tokens: stored hashed, refused when unknown or revoked, scoped, rate
limited, and every error a problem (RFC 9457)."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership
from accounts.services import membership_change
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from progress.models import Cohort
from tests.api.conftest import api_client

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["code"]
    return body


def read_token(side) -> str:
    return api_token_create(
        organisation=side.organisation,
        name="Reporting",
        scope=ApiToken.Scope.READ,
        by=side.admin,
        now=timezone.now(),
    ).key


def test_a_token_is_stored_only_as_its_hash(ours):
    stored = ApiToken.objects.get(pk=ours.token.pk)

    assert stored.key_hash == hashlib.sha256(ours.key.encode()).hexdigest()
    assert ours.key not in str(ApiToken.objects.filter(pk=ours.token.pk).values().get())
    assert ours.key.startswith(stored.key_start)


def test_a_valid_token_reads_and_is_marked_used(api, ours):
    assert ApiToken.objects.get(pk=ours.token.pk).last_used_at is None

    response = api.get("/api/v1/cohorts/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [ours.cohort.pk]
    assert ApiToken.objects.get(pk=ours.token.pk).last_used_at is not None


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer edp_unknown", "Token abc", "Bearer a b"])
def test_no_token_or_an_unknown_one_is_refused_with_401(ours, client, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/api/v1/cohorts/", **headers)

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_at_once(api, ours):
    assert api.get("/api/v1/cohorts/").status_code == 200

    api_token_revoke(token=ours.token, by=ours.admin, now=timezone.now())

    body = assert_problem(api.get("/api/v1/cohorts/"), 401)
    # The same words as for an unknown token: nothing tells which it was.
    assert (
        body["detail"] == assert_problem(api_client("edp_x").get("/api/v1/cohorts/"), 401)["detail"]
    )


def test_a_token_stops_when_its_maker_no_longer_administers_the_organisation(api, ours):
    other_admin = Membership.objects.create(
        user=type(ours.admin).objects.create_user("second@mfa.example"),
        organisation=ours.organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user

    membership_change(organisation=ours.organisation, user=ours.admin, role=None, by=other_admin)

    assert_problem(api.get("/api/v1/cohorts/"), 401)


def test_a_read_only_token_reads_but_cannot_write(ours):
    reader = api_client(read_token(ours))
    before = Cohort.objects.count()

    assert reader.get("/api/v1/cohorts/").status_code == 200
    created = reader.post(
        "/api/v1/cohorts/",
        {"name": "New", "starts_on": "2030-01-01"},
        content_type="application/json",
    )
    withdrawn = reader.post(f"/api/v1/enrolments/{ours.enrolments[0].pk}/withdraw/")
    added = reader.post(
        f"/api/v1/cohorts/{ours.cohort.pk}/learners/",
        {"learners": [{"email": "new@mfa.example"}]},
        content_type="application/json",
    )

    for response in (created, withdrawn, added):
        assert_problem(response, 403)
    assert Cohort.objects.count() == before
    ours.enrolments[0].refresh_from_db()
    assert ours.enrolments[0].status == "active"


def test_a_write_is_audited_with_the_token(api, ours):
    response = api.post(
        "/api/v1/cohorts/",
        {"name": "Autumn intake", "starts_on": "2030-09-01", "length_days": 200},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="api.cohort.create")
    assert event.actor == ours.admin
    assert event.organisation_id == ours.organisation.pk
    assert event.detail["token"] == ours.token.name
    assert event.detail["token_id"] == str(ours.token.pk)
    # The service's own line is there too.
    assert AuditEvent.objects.filter(action="cohort.create", target="Autumn intake").exists()


def test_withdrawing_through_the_api_is_audited_and_refused_twice(api, ours):
    url = f"/api/v1/enrolments/{ours.enrolments[0].pk}/withdraw/"

    first = api.post(url)
    second = api.post(url)

    assert first.status_code == 200
    assert first.json()["status"] == "withdrawn"
    assert_problem(second, 409)
    assert AuditEvent.objects.filter(action="api.enrolment.withdraw").count() == 1


def test_bad_input_is_a_validation_problem_naming_each_field(api):
    response = api.post(
        "/api/v1/cohorts/",
        {"name": "", "starts_on": "not a date", "trainers": ["stranger@elsewhere.example"]},
        content_type="application/json",
    )

    body = assert_problem(response, 400)
    assert body["code"] == "validation"
    assert {error["field"] for error in body["errors"]} == {"name", "starts_on"}


def test_a_trainer_from_elsewhere_cannot_be_put_on_a_cohort(api, theirs):
    response = api.post(
        "/api/v1/cohorts/",
        {"name": "Mixed", "starts_on": "2030-01-01", "trainers": [theirs.admin.email]},
        content_type="application/json",
    )

    body = assert_problem(response, 400)
    assert body["errors"][0]["field"] == "trainers"


def test_adding_learners_reports_each_bad_row(api, ours):
    response = api.post(
        f"/api/v1/cohorts/{ours.cohort.pk}/learners/",
        {"learners": [{"email": "fine@mfa.example"}, {"email": "not an address"}]},
        content_type="application/json",
    )

    body = assert_problem(response, 400)
    assert body["errors"] == [
        {"field": "learners[1].email", "message": "is not a valid e-mail address"}
    ]
    assert not ours.cohort.invitations.exists()


def test_adding_learners_invites_newcomers_and_enrols_members(api, ours):
    member = Membership.objects.create(
        user=type(ours.admin).objects.create_user("colleague@mfa.example"),
        organisation=ours.organisation,
        role=Membership.Role.TRAINEE,
    ).user

    response = api.post(
        f"/api/v1/cohorts/{ours.cohort.pk}/learners/",
        {"learners": [{"email": member.email}, {"email": "new@mfa.example", "name": "Ana"}]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "enrolled": [member.email],
        "restored": [],
        "invited": ["new@mfa.example"],
    }


def test_wrong_method_and_unknown_address_are_problems(api, ours):
    assert_problem(api.delete(f"/api/v1/cohorts/{ours.cohort.pk}/"), 405)
    assert_problem(api.get("/api/v1/nothing-here/"), 404)
    assert_problem(api.get("/api/v2/cohorts/"), 404)


def test_too_many_requests_is_a_problem_with_retry_after(api, settings):
    settings.API_RATE_LIMIT = "3/min"

    answers = [api.get("/api/v1/organisations/") for _ in range(4)]

    assert [response.status_code for response in answers[:3]] == [200, 200, 200]
    body = assert_problem(answers[3], 429)
    assert int(answers[3]["Retry-After"]) > 0
    assert body["retry_after"] > 0


def test_the_limit_is_per_token(api, ours, settings):
    settings.API_RATE_LIMIT = "2/min"
    other = api_client(read_token(ours))

    for _ in range(2):
        api.get("/api/v1/organisations/")

    assert api.get("/api/v1/organisations/").status_code == 429
    assert other.get("/api/v1/organisations/").status_code == 200


# The pages where an administrator manages tokens


def test_an_administrator_makes_a_token_sees_it_once_and_revokes_it(client, ours):
    client.force_login(ours.admin)
    url = reverse("api:tokens", args=[ours.organisation.slug])

    made = client.post(url, {"name": "Learning system", "scope": "read"})

    key = made.context["new_key"]
    assert key.startswith("edp_") and key in made.content.decode()
    token = ApiToken.objects.get(name="Learning system")
    assert token.scope == "read" and token.created_by == ours.admin
    assert api_client(key).get("/api/v1/cohorts/").status_code == 200
    listed = client.get(url)
    assert key not in listed.content.decode()
    assert token.key_start in listed.content.decode()

    revoke = reverse("api:token_revoke", args=[ours.organisation.slug, token.pk])
    asked = client.post(revoke)
    assert asked.status_code == 200 and ApiToken.objects.get(pk=token.pk).revoked_at is None
    client.post(revoke, {"confirm": "yes"})

    assert ApiToken.objects.get(pk=token.pk).revoked_by == ours.admin
    assert api_client(key).get("/api/v1/cohorts/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", target=token.name).exists()


def test_an_administrator_cannot_revoke_another_organisations_token(client, ours, theirs):
    client.force_login(ours.admin)
    url = reverse("api:token_revoke", args=[ours.organisation.slug, theirs.token.pk])

    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None


# Retries


def test_a_retried_write_with_the_same_key_writes_once_and_answers_the_same(api, ours):
    body = {"name": "Retried intake", "starts_on": "2030-09-01"}
    headers = {"HTTP_IDEMPOTENCY_KEY": "5f0c7d5e-retry"}

    first = api.post("/api/v1/cohorts/", body, content_type="application/json", **headers)
    again = api.post("/api/v1/cohorts/", body, content_type="application/json", **headers)

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Cohort.objects.filter(name="Retried intake").count() == 1
    assert AuditEvent.objects.filter(action="api.cohort.create").count() == 1


def test_a_key_used_for_another_request_is_refused(api, ours):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reused"}
    api.post(
        "/api/v1/cohorts/",
        {"name": "One", "starts_on": "2030-09-01"},
        content_type="application/json",
        **headers,
    )

    other = api.post(
        "/api/v1/cohorts/",
        {"name": "Two", "starts_on": "2030-09-01"},
        content_type="application/json",
        **headers,
    )

    body = assert_problem(other, 400)
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert not Cohort.objects.filter(name="Two").exists()


def test_a_retried_withdrawal_answers_as_the_first_did(api, ours):
    url = f"/api/v1/enrolments/{ours.enrolments[0].pk}/withdraw/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "withdraw-once"}

    first = api.post(url, **headers)
    again = api.post(url, **headers)

    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "withdrawn"
