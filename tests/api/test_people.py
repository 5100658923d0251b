"""People through the API, as on the people page: an HR system invites
someone to a role, changes a role, removes someone; the organisation always
keeps an administrator, and every write is audited with the token."""

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Membership, OrganisationInvitation
from api.models import ApiToken
from api.services import api_token_create
from tests.api.conftest import api_client
from tests.api.test_tokens import assert_problem
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def membership_of(side, role: str) -> Membership:
    return Membership.objects.filter(organisation=side.organisation, role=role).first()


def test_inviting_someone_answers_the_same_whether_or_not_they_have_an_account(api, ours):
    MembershipFactory(
        user=UserFactory(email="known@elsewhere.example"), role=Membership.Role.TRAINEE
    )

    known = api.post(
        "/api/v1/people/",
        {"email": "Known@elsewhere.example", "role": "trainer"},
        content_type="application/json",
    )
    unknown = api.post(
        "/api/v1/people/",
        {"email": "nobody@elsewhere.example", "role": "trainer"},
        content_type="application/json",
    )

    assert known.status_code == unknown.status_code == 202
    assert set(known.json()) == set(unknown.json()) == {"email", "role", "status", "sent_at"}
    assert known.json()["email"] == "known@elsewhere.example"
    assert known.json()["status"] == "pending"
    pending = OrganisationInvitation.objects.filter(
        organisation=ours.organisation, status="pending"
    )
    assert sorted(pending.values_list("email", flat=True)) == [
        "known@elsewhere.example",
        "nobody@elsewhere.example",
    ]
    # Nobody takes a role before accepting.
    assert not Membership.objects.filter(
        organisation=ours.organisation, user__email="known@elsewhere.example"
    ).exists()
    assert AuditEvent.objects.filter(action="api.membership.invite").count() == 2


def test_a_retried_invitation_is_one_invitation(api, ours):
    headers = {"HTTP_IDEMPOTENCY_KEY": "invite-once"}
    body = {"email": "retry@mfa.example", "role": "trainee"}

    first = api.post("/api/v1/people/", body, content_type="application/json", **headers)
    again = api.post("/api/v1/people/", body, content_type="application/json", **headers)

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert OrganisationInvitation.objects.filter(email="retry@mfa.example").count() == 1
    assert AuditEvent.objects.filter(action="api.membership.invite").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an address", "role": "trainer"}, "email"),
        ({"email": "someone@mfa.example", "role": "minister"}, "role"),
        ({"role": "trainer"}, "email"),
    ],
)
def test_a_bad_invitation_names_the_field_and_sends_nothing(api, body, field):
    response = api.post("/api/v1/people/", body, content_type="application/json")

    problem = assert_problem(response, 400)
    assert [error["field"] for error in problem["errors"]] == [field]
    assert not OrganisationInvitation.objects.exists()


def test_a_role_changes_and_a_former_trainer_leaves_the_cohorts(api, ours):
    trainer = membership_of(ours, Membership.Role.TRAINER)
    assert ours.cohort.trainers.filter(pk=trainer.user_id).exists()

    promoted = api.patch(
        f"/api/v1/people/{trainer.pk}/", {"role": "org_admin"}, content_type="application/json"
    )
    demoted = api.patch(
        f"/api/v1/people/{trainer.pk}/", {"role": "trainee"}, content_type="application/json"
    )

    assert promoted.status_code == 200, promoted.content
    assert promoted.json()["role"] == "org_admin"
    assert demoted.json()["role"] == "trainee"
    trainer.refresh_from_db()
    assert trainer.role == Membership.Role.TRAINEE
    assert not ours.cohort.trainers.filter(pk=trainer.user_id).exists()
    lines = AuditEvent.objects.filter(action="api.membership.role").order_by("pk")
    assert [(e.detail["previous"], e.detail["role"]) for e in lines] == [
        ("trainer", "org_admin"),
        ("org_admin", "trainee"),
    ]
    assert lines[0].detail["token"] == ours.token.name


def test_the_last_administrator_can_be_neither_demoted_nor_removed(api, ours):
    admin = membership_of(ours, Membership.Role.ORG_ADMIN)

    demoted = api.patch(
        f"/api/v1/people/{admin.pk}/", {"role": "trainee"}, content_type="application/json"
    )
    removed = api.delete(f"/api/v1/people/{admin.pk}/")

    assert "needs at least one administrator" in assert_problem(demoted, 409)["detail"]
    assert_problem(removed, 409)
    admin.refresh_from_db()
    assert admin.role == Membership.Role.ORG_ADMIN
    assert not AuditEvent.objects.filter(action__startswith="api.membership").exists()


def test_removing_someone_keeps_their_account_and_record(api, ours):
    learner = ours.enrolments[0].user
    membership = Membership.objects.get(organisation=ours.organisation, user=learner)

    removed = api.delete(f"/api/v1/people/{membership.pk}/")
    again = api.delete(f"/api/v1/people/{membership.pk}/")

    assert removed.status_code == 204
    assert_problem(again, 404)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    learner.refresh_from_db()
    assert learner.is_active
    assert learner.enrolments.filter(pk=ours.enrolments[0].pk).exists()
    assert AuditEvent.objects.filter(action="api.membership.remove").count() == 1


def test_a_read_only_token_changes_no_one(ours):
    reader = api_client(
        api_token_create(
            organisation=ours.organisation,
            name="Reporting",
            scope=ApiToken.Scope.READ,
            by=ours.admin,
            now=timezone.now(),
        ).key
    )
    trainer = membership_of(ours, Membership.Role.TRAINER)

    answers = [
        reader.post(
            "/api/v1/people/",
            {"email": "x@mfa.example", "role": "trainee"},
            content_type="application/json",
        ),
        reader.patch(
            f"/api/v1/people/{trainer.pk}/", {"role": "trainee"}, content_type="application/json"
        ),
        reader.delete(f"/api/v1/people/{trainer.pk}/"),
    ]

    for answer in answers:
        assert_problem(answer, 403)
    trainer.refresh_from_db()
    assert trainer.role == Membership.Role.TRAINER
    assert not OrganisationInvitation.objects.exists()


def test_a_person_cannot_be_replaced_whole(api, ours):
    trainer = membership_of(ours, Membership.Role.TRAINER)

    response = api.put(
        f"/api/v1/people/{trainer.pk}/", {"role": "trainee"}, content_type="application/json"
    )

    assert_problem(response, 405)
