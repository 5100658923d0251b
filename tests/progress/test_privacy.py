"""A learner downloads their data, and deleting the account keeps reports correct."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, OrganisationInvitation, User
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
from reports.selectors import report_headline
from tests.factories import PASSWORD, cohort_with_learners, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(trainee, programme, organisation, trainer):
    cohort = cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Spring",
        starts_on=datetime.date(2026, 11, 1),
    ).cohort
    enrolment = enrol(cohort, trainee, started_at=timezone.now())
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


@pytest.fixture
def learner_with_records(client, learner, trainer):
    """The learner with a pause written by their trainer, a quiz, a nudge, an
    invitation and a session on another device."""
    from allauth.usersessions.models import UserSession

    from curriculum.models import Activity
    from progress.models import Nudge, QuizAttempt

    enrolment = Enrolment.objects.get(user=learner)
    services.enrolment_pause(enrolment=enrolment, by=trainer, reason="Posted to a crisis")
    services.enrolment_resume(enrolment=enrolment, by=trainer)
    now = timezone.now()
    QuizAttempt.objects.create(
        enrolment=enrolment,
        activity=Activity.objects.live().filter(kind=Activity.Kind.QUIZ).first(),
        answers={"0": [1]},
        score=50,
        passed=False,
        created_at=now,
    )
    Nudge.objects.create(
        recipient=learner,
        rule=Nudge.Rule.BEHIND,
        subject=f"enrolment:{enrolment.pk}",
        period="2026-W45",
        status=Nudge.Status.PENDING,
        not_before=now,
        created_at=now,
    )
    Invitation.objects.create(
        cohort=enrolment.cohort,
        email=learner.email,
        created_by=trainer,
        created_at=now,
        sent_at=now,
    )
    UserSession.objects.create(
        user=learner, ip="203.0.113.7", session_key="phone-session", user_agent="Phone 1.0"
    )
    return learner


def test_the_export_holds_pauses_history_audit_sessions_and_everything_else(
    client, learner_with_records, trainer
):
    learner = learner_with_records
    client.force_login(learner)
    data = json.loads(client.get(reverse("progress:data_export")).content)

    enrolment = data["enrolments"][0]
    assert enrolment["pauses"][0]["reason"] == "Posted to a crisis"
    assert enrolment["pauses"][0]["paused_by"] == str(trainer)
    assert enrolment["pauses"][0]["ended_at"]
    history = {event["kind"]: event for event in enrolment["history"]}
    assert {"withdrawn", "restored", "paused", "resumed"} <= set(history)
    assert history["withdrawn"]["by"] == str(trainer)
    actions = {event["action"] for event in data["audit"]}
    assert {"enrolment.withdraw", "enrolment.pause"} <= actions
    pause = next(event for event in data["audit"] if event["action"] == "enrolment.pause")
    assert pause["detail"]["reason"] == "Posted to a crisis"
    assert pause["organisation"] == "Ministry of Foreign Affairs"
    sessions = {s["ip"]: s for s in data["sessions"]}
    assert sessions["203.0.113.7"]["user_agent"] == "Phone 1.0"
    assert sessions["203.0.113.7"]["last_seen_at"]
    assert data["email_addresses"] == [{"email": learner.email, "verified": True, "primary": True}]
    assert data["invitations"][0]["cohort"] == "Spring"
    assert data["invitations"][0]["organisation"] == "Ministry of Foreign Affairs"
    nudge = data["notifications"][0]
    assert nudge["rule"] == "behind_pace" and nudge["subject"].startswith("enrolment:")
    assert nudge["created_at"] and "read_at" in nudge
    assert data["quiz_attempts"][0]["answers"] == {"0": [1]}
    assert {s["competence"] for s in data["standings"]} >= {"Curate"}


def test_the_export_runs_the_same_queries_for_little_and_much_data(
    learner_with_records, trainer, programme, django_assert_max_num_queries
):
    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from progress.models import HistoryEvent, Nudge, QuizAttempt
    from progress.services.privacy import personal_data_export

    learner = learner_with_records
    with CaptureQueriesContext(connection) as little:
        personal_data_export(user=learner)

    now = timezone.now()
    enrolment = Enrolment.objects.get(user=learner)
    for number in range(3):
        earlier = Enrolment.objects.create(
            user=learner,
            programme=programme,
            cohort=enrolment.cohort,
            started_at=now,
            status=Enrolment.Status.WITHDRAWN,
        )
        Completion.objects.create(
            enrolment=earlier, activity=enrolment.completions.first().activity, completed_at=now
        )
        Pause.objects.create(
            enrolment=earlier, started_at=now, ended_at=now, reason="Leave", created_by=trainer
        )
        HistoryEvent.objects.create(
            enrolment=earlier, kind="withdrawn", summary="Withdrawn", created_at=now, actor=trainer
        )
        QuizAttempt.objects.create(
            enrolment=earlier,
            activity=QuizAttempt.objects.first().activity,
            answers={},
            score=0,
            passed=False,
            created_at=now,
        )
        Nudge.objects.create(
            recipient=learner,
            rule=Nudge.Rule.INACTIVE,
            subject=f"enrolment:{earlier.pk}",
            period=str(number),
            not_before=now,
            created_at=now,
        )
        Invitation.objects.create(
            cohort=enrolment.cohort,
            email=learner.email,
            status=Invitation.Status.REVOKED,
            created_by=trainer,
            created_at=now,
            sent_at=now,
        )
        UserSession.objects.create(
            user=learner, ip="203.0.113.8", session_key=f"laptop-{number}", user_agent="Laptop"
        )
        OrganisationInvitation.objects.create(
            organisation=enrolment.cohort.organisation,
            email=learner.email,
            role="trainer",
            status="declined",
            created_by=trainer,
            created_at=now,
            sent_at=now,
        )
        EmailAddress.objects.create(user=learner, email=f"alias{number}@mfa.example")
        audit_record(actor=learner, action="export", target=learner.email)

    with CaptureQueriesContext(connection) as much:
        data = personal_data_export(user=learner)
    assert len(data["enrolments"]) == 4
    assert len(data["organisation_invitations"]) == 3
    assert len(little) == len(much), [q["sql"] for q in much]
    # e-mail addresses, sessions, memberships, invitations to cohorts and to
    # organisations, enrolments (with programme and cohort) and their
    # completions, milestones, pauses and history; standings, quiz attempts,
    # submissions with their marks, alternative evidence, reflections,
    # listening log, check-ins, notifications, audit entries: 20; discussion
    # posts, peer reviews given and received with their marks: 25.
    with django_assert_max_num_queries(25):
        personal_data_export(user=learner)


def test_invitations_to_an_organisation_are_exported_and_forgotten_on_deletion(
    learner_with_records, organisation, org_admin
):
    from accounts.invitations import organisation_invite
    from progress.services.privacy import account_delete, personal_data_export

    learner = learner_with_records
    organisation_invite(
        organisation=organisation, email=learner.email, role="trainer", by=org_admin
    )

    exported = personal_data_export(user=learner)["organisation_invitations"]
    assert [(i["organisation"], i["role"], i["status"]) for i in exported] == [
        (organisation.name, "trainer", "pending")
    ]

    email = learner.email
    account_delete(user=learner)

    assert not OrganisationInvitation.objects.filter(email__iexact=email).exists()
