"""Deleting an account ends every role, every session and every place that names the person."""

import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, User
from curriculum.models import Activity
from progress import services
from progress.models import Invitation, Nudge, Submission
from tests.factories import PASSWORD, MembershipFactory, UserFactory, cohort_with_learners

pytestmark = pytest.mark.django_db


def delete_account(client, user):
    client.force_login(user)
    return client.post(
        reverse("progress:delete_account"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )


@pytest.fixture
def cohort(organisation, programme, trainer):
    return cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Spring",
        starts_on=datetime.date(2026, 11, 1),
    ).cohort


def test_deleting_an_account_ends_its_memberships_and_its_places_on_trainer_lists(
    client, trainer, org_admin, organisation, cohort
):
    response = delete_account(client, trainer)
    assert "Your account and personal data are deleted." in response.content.decode()
    assert not Membership.objects.filter(user=trainer).exists()
    assert not cohort.trainers.exists()
    event = AuditEvent.objects.get(action="membership.remove", organisation=organisation)
    assert event.target == f"deleted learner #{trainer.pk}"
    assert event.detail["cohorts_left"] == "1"


def test_the_only_administrator_is_asked_to_appoint_another_before_deleting(
    client, org_admin, organisation
):
    # A closed account is no administrator, even if its membership lingers.
    closed = UserFactory(email="closed@mfa.example", is_active=False)
    MembershipFactory(user=closed, organisation=organisation, role=Membership.Role.ORG_ADMIN)
    client.force_login(org_admin)
    page = client.get(reverse("progress:delete_account")).content.decode()
    assert "Ministry of Foreign Affairs" in page
    assert "appoint another administrator" in page

    response = client.post(
        reverse("progress:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 400
    assert "appoint another administrator" in response.content.decode()
    user = User.objects.get(pk=org_admin.pk)
    assert user.is_active and user.email == "admin@mfa.example"
    assert Membership.objects.get(user=user, organisation=organisation).role == "org_admin"


def test_an_administrator_with_a_colleague_can_delete_their_account(
    client, org_admin, organisation
):
    MembershipFactory(
        user=UserFactory(email="colleague@mfa.example"),
        organisation=organisation,
        role=Membership.Role.ORG_ADMIN,
    )
    response = delete_account(client, org_admin)
    assert "Your account and personal data are deleted." in response.content.decode()
    assert not Membership.objects.filter(user=org_admin).exists()


def test_deleting_ends_every_session_and_forgets_where_they_were_used(client, trainee):
    phone = Client(HTTP_USER_AGENT="Phone browser 1.0")
    phone.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    phone_key = phone.session.session_key
    assert UserSession.objects.filter(user=trainee, user_agent="Phone browser 1.0").exists()

    delete_account(client, trainee)

    assert not UserSession.objects.filter(user=trainee).exists()
    assert not Session.objects.filter(session_key=phone_key).exists()
    response = phone.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_deleting_removes_the_name_from_what_other_people_hold(
    client, trainer, trainee, organisation, cohort
):
    now = timezone.now()
    trainee.display_name = "Tina Trainee"
    trainee.save()
    # A trainer's digest that lists the learner by name and address.
    Nudge.objects.create(
        recipient=trainer,
        rule=Nudge.Rule.TRAINER_DIGEST,
        subject="trainer",
        period="2026-W45",
        status=Nudge.Status.SENT,
        digest=[
            "Spring: 3 learners; 1 at risk.",
            "Inactive: Tina Trainee (trainee@mfa.example), Bo Other.",
        ],
        not_before=now,
        created_at=now,
        sent_at=now,
    )
    delete_account(client, trainee)
    digest = Nudge.objects.get(recipient=trainer).digest
    assert digest[0] == "Spring: 3 learners; 1 at risk."
    assert "Tina" not in str(digest) and "trainee@mfa.example" not in str(digest)
    assert "Bo Other" in digest[1]


def test_deleting_a_trainer_takes_their_name_off_their_invitations_and_reviews(
    client, trainer, trainee, cohort
):
    now = timezone.now()
    invitation = Invitation.objects.create(
        cohort=cohort, email="new@mfa.example", created_by=trainer, created_at=now, sent_at=now
    )
    enrolment = services.enrolment_create(user=trainee, programme=cohort.programme, cohort=cohort)
    work = Submission.objects.create(
        enrolment=enrolment,
        activity=Activity.objects.live().filter(kind=Activity.Kind.PRACTICE).first(),
        text="My post",
        status=Submission.Status.ACCEPTED,
        reviewed_by=trainer,
        reviewed_at=now,
        created_at=now,
    )
    delete_account(client, trainer)
    invitation.refresh_from_db()
    work.refresh_from_db()
    # Pages fall back to "your trainer".
    assert invitation.created_by is None
    assert work.reviewed_by is None and work.status == Submission.Status.ACCEPTED
