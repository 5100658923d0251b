"""A cohort changed through the API as on its edit page: only the fields
given change, a new start moves every learner's due dates, a typo in a name
or a cohort archived by mistake can be undone, and every change is audited."""

import datetime

import pytest

from accounts.models import AuditEvent, Membership
from progress.models import Cohort
from tests.api.conftest import api_client
from tests.api.test_tokens import assert_problem, read_token
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def patch(api, cohort, body, **headers):
    return api.patch(
        f"/api/v1/cohorts/{cohort.pk}/", body, content_type="application/json", **headers
    )


def test_a_name_changes_and_nothing_else(api, ours):
    before = Cohort.objects.get(pk=ours.cohort.pk)
    trainers = set(before.trainers.values_list("pk", flat=True))

    response = patch(api, ours.cohort, {"name": "Spring intake 2027"})

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Spring intake 2027"
    assert response.json()["learners_moved"] == 0
    after = Cohort.objects.get(pk=ours.cohort.pk)
    assert (after.starts_on, after.length_days) == (before.starts_on, before.length_days)
    assert set(after.trainers.values_list("pk", flat=True)) == trainers
    event = AuditEvent.objects.get(action="api.cohort.update")
    assert event.detail["fields"] == "name"


def test_a_new_start_moves_every_learners_due_dates(api, ours):
    enrolment = ours.enrolments[0]
    started = enrolment.started_at
    new_start = ours.cohort.starts_on + datetime.timedelta(days=7)

    response = patch(api, ours.cohort, {"starts_on": new_start.isoformat()})

    assert response.json()["learners_moved"] == len(ours.enrolments)
    enrolment.refresh_from_db()
    assert enrolment.started_at - started == datetime.timedelta(days=7)


def test_archiving_by_mistake_is_undone(api, ours):
    archived = patch(api, ours.cohort, {"archived": True})
    restored = patch(api, ours.cohort, {"archived": False})

    assert archived.json()["archived"] is True
    assert restored.json()["archived"] is False
    assert Cohort.objects.get(pk=ours.cohort.pk).archived_at is None
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="cohort.")
        .exclude(action="cohort.create")
        .order_by("pk")
    ] == ["cohort.archive", "cohort.restore"]


def test_trainers_are_replaced_by_the_organisations_own_only(api, ours, theirs):
    colleague = MembershipFactory(
        user=UserFactory(email="colleague@mfa.example"),
        organisation=ours.organisation,
        role=Membership.Role.TRAINER,
    ).user
    outsider = theirs.cohort.trainers.first()

    refused = patch(api, ours.cohort, {"trainers": [colleague.email, outsider.email]})
    accepted = patch(api, ours.cohort, {"trainers": [colleague.email]})

    problem = assert_problem(refused, 400)
    assert problem["errors"][0]["field"] == "trainers"
    assert accepted.status_code == 200
    assert list(Cohort.objects.get(pk=ours.cohort.pk).trainers.all()) == [colleague]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "name"),
        ({"length_days": 0}, "length_days"),
        ({"starts_on": "soon"}, "starts_on"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(api, ours, body, field):
    before = Cohort.objects.filter(pk=ours.cohort.pk).values().get()

    problem = assert_problem(patch(api, ours.cohort, body), 400)

    assert [error["field"] for error in problem["errors"]] == [field]
    assert Cohort.objects.filter(pk=ours.cohort.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="api.cohort.update").exists()


def test_a_read_only_token_changes_no_cohort(ours):
    reader = api_client(read_token(ours))

    assert_problem(patch(reader, ours.cohort, {"name": "Renamed"}), 403)
    assert Cohort.objects.get(pk=ours.cohort.pk).name == ours.cohort.name


def test_a_retried_change_is_one_change(api, ours):
    headers = {"HTTP_IDEMPOTENCY_KEY": "move-once"}
    new_start = (ours.cohort.starts_on + datetime.timedelta(days=3)).isoformat()

    first = patch(api, ours.cohort, {"starts_on": new_start}, **headers)
    again = patch(api, ours.cohort, {"starts_on": new_start}, **headers)

    assert first.json() == again.json()
    assert AuditEvent.objects.filter(action="api.cohort.update").count() == 1
