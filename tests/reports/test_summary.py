"""The monthly summary e-mailed to organisation administrators."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from progress.models import SNAPSHOT_STATUS_FIELDS, Cohort, Enrolment, Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from tests.factories import MembershipFactory, UserFactory
from tests.reports.world import (
    DAY,
    LATE,
    NOW,
    ON,
    REPORT,
    World,
)

pytestmark = pytest.mark.django_db


# The monthly summary to organisation administrators


@pytest.fixture
def summary_world(programme, organisation, other_organisation, org_admin):
    """The ministry: one active learner with Acquainted overdue, one completed,
    one paused and one withdrawn; the Foreign Service has its own admin."""
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Winter intake",
        starts_on=(NOW - 2 * DAY).date(),
    )
    settled = {"cohort": cohort, "started_at": NOW - 400 * DAY, "assessed_at": NOW - DAY}
    for email, status, snapshot in [
        ("done@mfa.example", "completed", (ON, ON, ON, ON)),
        ("resting@mfa.example", "paused", ("paused", LATE, "paused", "paused")),
        ("gone@mfa.example", "withdrawn", ("overdue", ON, "overdue", "not_started")),
    ]:
        Enrolment.objects.create(
            user=UserFactory(email=email),
            programme=programme,
            status=status,
            **dict(zip(SNAPSHOT_STATUS_FIELDS, snapshot, strict=True)),
            **settled,
        )
    # Two days in with nothing done: the planner finds Acquainted overdue.
    Enrolment.objects.create(
        user=UserFactory(email="late@mfa.example"),
        programme=programme,
        cohort=cohort,
        started_at=NOW - 2 * DAY,
        last_activity_at=NOW - DAY,
    )
    foreign_admin = MembershipFactory(
        user=UserFactory(email="admin@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user
    return World(foreign_admin=foreign_admin)


def summaries() -> set[tuple]:
    return set(
        Nudge.objects.filter(rule=Nudge.Rule.ORG_SUMMARY).values_list(
            "recipient__email", "subject", "period"
        )
    )


def test_one_summary_is_planned_per_org_admin_and_month(
    summary_world, organisation, other_organisation, org_admin
):
    first = nudges_plan(now=NOW)
    again = nudges_plan(now=NOW + DAY)
    next_month = nudges_plan(now=NOW + 31 * DAY)

    assert (first[Nudge.Rule.ORG_SUMMARY], again[Nudge.Rule.ORG_SUMMARY]) == (2, 0)
    assert next_month[Nudge.Rule.ORG_SUMMARY] == 2
    ministry, service = f"organisation:{organisation.pk}", f"organisation:{other_organisation.pk}"
    assert summaries() == {
        ("admin@mfa.example", ministry, "2026-01"),
        ("admin@fs.example", service, "2026-01"),
        ("admin@mfa.example", ministry, "2026-02"),
        ("admin@fs.example", service, "2026-02"),
    }


def test_the_summary_emails_the_organisations_figures(
    summary_world, organisation, org_admin, mailoutbox
):
    assert org_admin.time_zone == "UTC"
    nudges_plan(now=NOW)
    summary = Nudge.objects.get(rule=Nudge.Rule.ORG_SUMMARY, recipient=org_admin)

    outcome = nudges_deliver(ids=[summary.pk], now=NOW)

    assert outcome == {"emailed": 1}
    lines = [
        # The withdrawn learner is not current.
        "Ministry of Foreign Affairs: 3 current learners.",
        "Acquainted: 1 on time, 1 late, 1 overdue, 0 pending.",
        "e-Listener: 1 on time, 0 late, 0 overdue, 2 pending.",
        "Active e-diplomat: 1 on time, 0 late, 0 overdue, 2 pending.",
    ]
    summary.refresh_from_db()
    assert (summary.status, summary.email) == (Nudge.Status.SENT, Nudge.Email.SENT)
    assert summary.digest == lines
    [message] = mailoutbox
    assert message.to == ["admin@mfa.example"]
    for line in lines:
        assert line in message.body
    assert "Foreign Service" not in message.body
    assert reverse(REPORT) in message.body


def test_a_former_admin_gets_no_summary(summary_world, organisation, org_admin, mailoutbox):
    nudges_plan(now=NOW)
    summary = Nudge.objects.get(rule=Nudge.Rule.ORG_SUMMARY, recipient=org_admin)
    Membership.objects.filter(user=org_admin, organisation=organisation).update(
        role=Membership.Role.TRAINER
    )

    assert nudges_deliver(ids=[summary.pk], now=NOW) == {"skipped": 1}
    assert not mailoutbox


def test_the_summary_subject_is_plain_text(summary_world, org_admin, mailoutbox):
    nudges_plan(now=NOW)
    summary = Nudge.objects.get(rule=Nudge.Rule.ORG_SUMMARY, recipient=org_admin)

    nudges_deliver(ids=[summary.pk], now=NOW)

    assert [message.subject for message in mailoutbox] == [
        "Your organisation's month in the programme"
    ]
