"""The planner's periods on the calendar's edges: one weekly digest per
trainer per ISO week of the trainer's own date, and one monthly summary per
administrator and organisation per calendar month of theirs."""

import datetime

import pytest

from accounts.models import Membership
from ediplomacy.lib.periods import iso_week_label, local_date, month_label
from progress.models import Cohort, Enrolment, Nudge
from progress.nudges.planner import nudges_plan
from tests.calendar.days import DAY_PARAMS, ZONES, zone
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def people(programme):
    """In each zone, an administrator and a trainer of one organisation, whose
    cohort has an active learner (the digest needs one)."""
    ministry = OrganisationFactory()
    other = OrganisationFactory()
    admins, trainers = {}, {}
    cohort = Cohort.objects.create(
        organisation=ministry,
        programme=programme,
        name="Intake",
        starts_on=datetime.date(2026, 1, 1),
    )
    for name in ZONES:
        slug = name.replace("/", "-").lower()
        admin = UserFactory(email=f"admin-{slug}@mfa.example", time_zone=name)
        MembershipFactory(user=admin, organisation=ministry, role=Membership.Role.ORG_ADMIN)
        # An administrator of two organisations gets a summary of each.
        MembershipFactory(user=admin, organisation=other, role=Membership.Role.ORG_ADMIN)
        trainer = UserFactory(email=f"trainer-{slug}@mfa.example", time_zone=name)
        MembershipFactory(user=trainer, organisation=ministry, role=Membership.Role.TRAINER)
        cohort.trainers.add(trainer)
        admins[name], trainers[name] = admin, trainer
    Enrolment.objects.create(
        user=UserFactory(email="learner@mfa.example"),
        programme=programme,
        cohort=cohort,
        started_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    return admins, trainers, (ministry, other)


@pytest.mark.parametrize("today", DAY_PARAMS)
def test_each_period_is_read_on_the_recipients_own_calendar(people, today):
    admins, trainers, _ = people

    nudges_plan(now=today, dry_run=False)

    for name in ZONES:
        local = local_date(today, zone(name))
        digest = Nudge.objects.get(recipient=trainers[name], rule=Rule.TRAINER_DIGEST)
        assert digest.period == iso_week_label(local), name
        summaries = Nudge.objects.filter(recipient=admins[name], rule=Rule.ORG_SUMMARY)
        assert {summary.period for summary in summaries} == {month_label(local)}, name


@pytest.mark.parametrize("today", DAY_PARAMS)
def test_planning_around_the_clock_gives_one_summary_per_month_and_one_digest_per_week(
    people, today
):
    admins, trainers, organisations = people
    # Every three hours from two days before to two days after, as beat would
    # (more sparsely): each run may only add the periods that just began.
    runs = [today + offset * 3 * HOUR for offset in range(-16, 17)]
    for now in runs:
        nudges_plan(now=now)
    nudges_plan(now=runs[-1])  # once more: nothing new

    for name in ZONES:
        place = zone(name)
        months = {month_label(local_date(now, place)) for now in runs}
        weeks = {iso_week_label(local_date(now, place)) for now in runs}
        summaries = list(
            Nudge.objects.filter(recipient=admins[name], rule=Rule.ORG_SUMMARY).values_list(
                "subject", "period"
            )
        )
        assert sorted(summaries) == sorted(
            (f"organisation:{organisation.pk}", month)
            for organisation in organisations
            for month in months
        ), name
        digests = Nudge.objects.filter(recipient=trainers[name], rule=Rule.TRAINER_DIGEST)
        assert sorted(digests.values_list("period", flat=True)) == sorted(weeks), name
