"""The audit log records consequential actions and shows them to the right people."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Membership
from progress import services
from progress.models import Cohort
from tests.factories import UserFactory, cohort_with_learners

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organisation, programme, trainer):
    return cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Spring intake",
        starts_on=datetime.date(2026, 3, 1),
        by=trainer,
    ).cohort


def actions(organisation):
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_cohort_changes_withdrawals_pauses_and_reviews_are_recorded(
    cohort, organisation, programme, trainer, trainee
):
    import datetime

    services.cohort_update(
        cohort=cohort,
        name="Spring intake",
        starts_on=datetime.date(2026, 3, 8),
        length_days=365,
        trainers=[trainer],
        by=trainer,
    )
    enrolment = services.enrolment_create(user=trainee, programme=programme, cohort=cohort)
    services.enrolment_pause(enrolment=enrolment, by=trainer, reason="Home leave")
    services.enrolment_resume(enrolment=enrolment, by=trainer)
    services.enrolment_withdraw(enrolment=enrolment, by=trainer)
    services.enrolment_restore(enrolment=enrolment, by=trainer)
    services.cohort_archive(cohort=cohort, by=trainer)
    assert actions(organisation) == [
        "cohort.create",
        "cohort.update",
        "enrolment.pause",
        "enrolment.resume",
        "enrolment.withdraw",
        "enrolment.restore",
        "cohort.archive",
    ]
    pause = AuditEvent.objects.get(action="enrolment.pause")
    assert (pause.actor, pause.target, pause.detail["reason"]) == (
        trainer,
        trainee.email,
        "Home leave",
    )


def test_role_changes_and_exports_are_recorded(client, org_admin, organisation, cohort):
    newcomer = UserFactory(email="newcomer@mfa.example")
    client.force_login(org_admin)
    client.post(
        reverse("accounts:people", args=[organisation.slug]),
        {"action": "add", "email": newcomer.email, "role": "trainer"},
    )
    client.get(reverse("reports:report_csv")).getvalue()
    recorded = actions(organisation)
    assert "membership.invite" in recorded
    assert "report.export_csv" in recorded


def test_org_admin_reads_their_organisations_log_and_no_other(
    client, org_admin, organisation, other_organisation, cohort, outsider, programme
):
    Cohort.objects.create(
        organisation=other_organisation,
        programme=programme,
        name="Elsewhere",
        starts_on="2026-01-01",
    )
    AuditEvent.objects.create(
        organisation=other_organisation, action="cohort.create", target="Secret cohort"
    )
    client.force_login(org_admin)
    html = client.get(reverse("accounts:audit", args=[organisation.slug])).content.decode()
    assert "Spring intake" in html
    assert "Secret cohort" not in html
    assert client.get(reverse("accounts:audit", args=[other_organisation.slug])).status_code == 404


def test_trainers_cannot_read_the_audit_log(client, trainer, organisation):
    client.force_login(trainer)
    assert client.get(reverse("accounts:audit", args=[organisation.slug])).status_code == 404
    assert Membership.objects.filter(user=trainer, role="trainer").exists()
