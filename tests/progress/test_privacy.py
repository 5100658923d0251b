"""A learner downloads their data, and deleting the account keeps reports correct."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services import audit_record
from competences.models import Standing
from progress import services
from progress.models import (
    Completion,
    Enrolment,
    Invitation,
    ListeningEntry,
    Pause,
    Reflection,
)
from progress.selectors.reports import report_headline
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(trainee, programme, organisation, trainer):
    cohort = services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="Spring",
        starts_on="2026-11-01",
        length_days=365,
        trainers=[trainer],
    )
    enrolment = services.enrolment_create(user=trainee, programme=programme, cohort=cohort)
    from curriculum.models import Activity

    orientation = Activity.objects.live().filter(module__stage__slug="orientation")
    for activity in orientation:
        if activity.kind == Activity.Kind.READING:
            services.reading_mark_read(enrolment=enrolment, activity=activity)
        elif activity.kind == Activity.Kind.REFLECTION:
            services.reflection_save(
                enrolment=enrolment, activity=activity, text="My private thoughts " * 20
            )
    log = Activity.objects.live().get(kind=Activity.Kind.LISTENING_LOG)
    services.listening_entry_save(
        enrolment=enrolment, activity=log, followed="Secret feeds", learned="Secret lessons"
    )
    services.enrolment_withdraw(enrolment=enrolment, by=trainer)
    services.enrolment_restore(enrolment=enrolment, by=trainer)
    return trainee


def test_a_learner_downloads_everything_held_about_them(client, learner):
    client.force_login(learner)
    response = client.get(reverse("progress:data_export"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == learner.email
    assert data["enrolments"][0]["cohort"] == "Spring"
    assert len(data["enrolments"][0]["completions"]) >= 7
    assert data["reflections"][0]["text"].startswith("My private thoughts")
    assert data["listening_log"][0]["followed"] == "Secret feeds"


def test_deleting_the_account_removes_personal_data_and_keeps_the_facts(
    client, learner, trainer, organisation
):
    enrolment = Enrolment.objects.get(user=learner)
    services.enrolment_pause(enrolment=enrolment, by=learner, reason="Medical leave")
    services.enrolment_resume(enrolment=enrolment, by=learner)
    cohort = enrolment.cohort
    now = timezone.now()
    Invitation.objects.create(
        cohort=cohort,
        email=learner.email,
        display_name="Tina Trainee",
        created_by=trainer,
        created_at=now,
        sent_at=now,
    )
    # Another person whose address contains this one keeps their audit trail.
    audit_record(
        actor=trainer,
        action="enrolment.withdraw",
        target="xtrainee@mfa.example",
        organisation=organisation.pk,
    )
    completions = Completion.objects.filter(enrolment=enrolment).count()
    before = report_headline(Enrolment.objects.all()).as_json()

    client.force_login(learner)
    response = client.post(
        reverse("progress:delete_account"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )
    assert "Your account and personal data are deleted." in response.content.decode()

    user = User.objects.get(pk=learner.pk)
    assert user.email == f"deleted-{learner.pk}@deleted.invalid"
    assert user.display_name == "Deleted learner" and not user.is_active
    assert not user.has_usable_password()
    assert not user.emailaddress_set.exists()
    assert "Secret" not in str(ListeningEntry.objects.filter(enrolment=enrolment).values())
    assert "private" not in str(Reflection.objects.filter(enrolment=enrolment).values())
    assert not AuditEvent.objects.filter(target="trainee@mfa.example").exists()
    assert AuditEvent.objects.filter(target="xtrainee@mfa.example").exists()
    assert "Medical" not in str(AuditEvent.objects.values("detail"))
    assert "Medical" not in str(Pause.objects.filter(enrolment=enrolment).values())
    assert "Medical" not in str(enrolment.history.values("summary"))
    assert not Invitation.objects.filter(email__iexact="trainee@mfa.example").exists()
    assert not Invitation.objects.filter(display_name="Tina Trainee").exists()
    assert Completion.objects.filter(enrolment=enrolment).count() == completions
    assert Standing.objects.filter(user=user).exists()
    assert report_headline(Enrolment.objects.all()).as_json() == before
    assert not client.login(email="trainee@mfa.example", password=PASSWORD)


def test_deleting_needs_the_password_and_the_confirmation(client, learner):
    client.force_login(learner)
    response = client.post(reverse("progress:delete_account"), {"password": "wrong"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This is not your current password." in html
    assert "This field is required." in html
    assert User.objects.get(pk=learner.pk).is_active
