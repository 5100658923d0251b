"""Delivery with a fixed clock and Django's in-memory outbox: one message once,
what is checked again just before sending, quiet hours, the daily cap and an
organisation's pause."""

import pytest

from accounts.models import Membership, User
from progress.models import Cohort, Enrolment, MilestoneAchievement, Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from tests.factories import MembershipFactory
from tests.nudges.conftest import DAY, HOUR, NOW, enrol, learner, nudge_for, overdue

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
SECOND = HOUR / 3600


# One message, once


def test_a_due_nudge_is_emailed_and_marked_sent(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)

    outcomes = nudges_deliver(now=NOW)

    nudge = nudge_for(enrolment)
    assert outcomes == {"emailed": 1}
    assert [message.to for message in mailoutbox] == [["ada@mfa.example"]]
    assert mailoutbox[0].subject == "Acquainted is overdue"
    assert (nudge.status, nudge.email, nudge.sent_at, nudge.attempts) == (
        Status.SENT,
        Nudge.Email.SENT,
        NOW,
        1,
    )
    assert (nudge.skip_reason, nudge.last_error, nudge.read_at) == ("", "", None)


def test_delivering_again_sends_nothing_more(programme, mailoutbox):
    overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    assert nudges_deliver(now=NOW) == {}
    assert nudges_deliver(now=NOW + DAY) == {}
    assert len(mailoutbox) == 1


def test_planning_twice_then_delivering_sends_one_message(programme, mailoutbox):
    overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_plan(now=NOW)

    nudges_deliver(now=NOW)

    assert len(mailoutbox) == 1


def test_a_nudge_not_due_yet_waits(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW - SECOND) == {}
    assert nudge_for(enrolment).status == Status.PENDING
    assert mailoutbox == []


# Checked again just before sending


def test_opting_out_after_planning_stops_the_message(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    enrolment.user.nudge_preferences = {Rule.OVERDUE: "off"}
    enrolment.user.save()

    assert nudges_deliver(now=NOW) == {"skipped": 1}

    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.skip_reason) == (
        Status.SKIPPED,
        "the recipient turned this kind off",
    )
    assert mailoutbox == []
    assert nudges_deliver(now=NOW + DAY) == {}


def test_choosing_in_app_only_after_planning_keeps_the_notification_without_email(
    programme, mailoutbox
):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    enrolment.user.nudge_preferences = {Rule.OVERDUE: "in_app"}
    enrolment.user.save()

    assert nudges_deliver(now=NOW) == {"in_app": 1}

    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.email, nudge.sent_at) == (Status.SENT, Nudge.Email.IN_APP, NOW)
    assert mailoutbox == []


def test_reaching_the_milestone_after_planning_stops_the_reminder(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    MilestoneAchievement.objects.create(
        enrolment=enrolment, milestone="acquainted", achieved_at=NOW - SECOND, on_time=False
    )

    assert nudges_deliver(now=NOW) == {"skipped": 1}
    assert nudge_for(enrolment).skip_reason == "the milestone is already reached"
    assert mailoutbox == []


def test_being_withdrawn_after_planning_stops_the_message(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)

    assert nudges_deliver(now=NOW) == {"skipped": 1}
    assert nudge_for(enrolment).skip_reason == "the enrolment was withdrawn"
    assert mailoutbox == []


def test_a_pause_after_planning_stops_reminders_but_not_congratulations(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    congratulation = Nudge.objects.create(
        recipient=enrolment.user,
        rule=Rule.MILESTONE_ACHIEVED,
        subject=f"enrolment:{enrolment.pk}",
        period="acquainted",
        enrolment=enrolment,
        milestone="acquainted",
        not_before=NOW,
        created_at=NOW,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.PAUSED)

    assert nudges_deliver(now=NOW) == {"skipped": 1, "emailed": 1}
    assert nudge_for(enrolment).skip_reason == "the enrolment is paused"
    assert [message.subject for message in mailoutbox] == ["You reached Acquainted"]
    congratulation.refresh_from_db()
    assert congratulation.status == Status.SENT


def test_archiving_the_cohort_after_planning_stops_the_message(programme, organisation, mailoutbox):
    cohort = Cohort.objects.create(
        organisation=organisation, programme=programme, name="Winter", starts_on=NOW.date()
    )
    enrolment = overdue(learner("ada@mfa.example"), programme, cohort=cohort)
    nudges_plan(now=NOW)
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=NOW - SECOND)

    assert nudges_deliver(now=NOW) == {"skipped": 1}
    assert nudge_for(enrolment).skip_reason == "the cohort is archived"


def test_coming_back_after_planning_stops_the_inactivity_nudge(programme, mailoutbox):
    enrolment = enrol(learner("ada@mfa.example"), programme, started=60 * DAY, idle=20 * DAY)
    nudges_plan(now=NOW)
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=NOW - SECOND)

    assert nudges_deliver(now=NOW) == {"skipped": 1, "emailed": 1}

    inactive = nudge_for(enrolment, Rule.INACTIVE)
    assert (inactive.status, inactive.skip_reason) == (
        Status.SKIPPED,
        "the learner is active again",
    )
    assert [message.subject for message in mailoutbox] == ["Acquainted is overdue"]


def test_a_deactivated_account_gets_nothing(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    User.objects.filter(pk=enrolment.user_id).update(is_active=False)

    assert nudges_deliver(now=NOW) == {"skipped": 1}
    assert mailoutbox == []


# Quiet hours, the daily cap, an organisation's pause


def test_quiet_hours_hold_only_the_email_until_08_00_in_the_learners_own_zone(
    programme, mailoutbox
):
    # 14:00 UTC: 09:00 in New York, 23:00 in Tokyo. Both planned in one run.
    tokyo = overdue(learner("tokyo@mofa.example", time_zone="Asia/Tokyo"), programme)
    new_york = overdue(learner("newyork@state.example", time_zone="America/New_York"), programme)
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"emailed": 1, "email_waiting": 1}

    assert [message.to for message in mailoutbox] == [["newyork@state.example"]]
    assert nudge_for(new_york).status == Status.SENT
    waiting = nudge_for(tokyo)
    morning = NOW.replace(hour=23)  # 08:00 the next day in Tokyo (UTC+9)
    # The notification shows at once; only its e-mail waits for the morning.
    assert (waiting.status, waiting.sent_at) == (Status.SENT, NOW)
    assert (waiting.email, waiting.email_not_before, waiting.skip_reason) == (
        Nudge.Email.WAITING,
        morning,
        "quiet hours",
    )
    assert waiting.email_not_before.astimezone(tokyo.user.zone).hour == 8

    assert nudges_deliver(now=morning - SECOND) == {}
    assert nudges_deliver(now=morning) == {"emailed": 1}
    assert [message.to for message in mailoutbox][-1] == ["tokyo@mofa.example"]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.email, waiting.sent_at, waiting.emailed_at) == (
        Status.SENT,
        Nudge.Email.SENT,
        NOW,
        morning,
    )
    assert waiting.skip_reason == ""
    assert nudges_deliver(now=morning + DAY) == {}
    assert len(mailoutbox) == 2


def test_quiet_hours_do_not_hold_an_in_app_notification(programme, mailoutbox):
    enrolment = overdue(
        learner(
            "tokyo@mofa.example",
            time_zone="Asia/Tokyo",
            nudge_preferences={Rule.OVERDUE: "in_app"},
        ),
        programme,
    )
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"in_app": 1}
    assert nudge_for(enrolment).sent_at == NOW


def test_a_second_email_the_same_day_becomes_in_app_only(programme, mailoutbox):
    # Overdue and inactive: two nudges, planned and delivered together.
    enrolment = enrol(learner("ada@mfa.example"), programme, started=60 * DAY, idle=20 * DAY)
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"emailed": 1, "in_app": 1}

    assert len(mailoutbox) == 1
    emails = sorted(Nudge.objects.filter(enrolment=enrolment).values_list("email", "skip_reason"))
    assert emails == [
        (Nudge.Email.IN_APP, "one reminder e-mail a day: this one stays in the app"),
        (Nudge.Email.SENT, ""),
    ]
    assert set(Nudge.objects.values_list("status", flat=True)) == {Status.SENT}


def test_the_daily_cap_counts_the_last_24_hours(programme, mailoutbox):
    ada = learner("ada@mfa.example")
    overdue(ada, programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    def event(period: str, at) -> Nudge:
        return Nudge.objects.create(
            recipient=ada,
            rule=Rule.WELCOME,
            subject="test",
            period=period,
            not_before=at,
            created_at=at,
        )

    later = event("later", NOW + DAY - SECOND)
    nudges_deliver(now=NOW + DAY - SECOND)
    next_day = event("next-day", NOW + DAY)
    nudges_deliver(now=NOW + DAY)

    later.refresh_from_db()
    next_day.refresh_from_db()
    assert (later.email, next_day.email) == (Nudge.Email.IN_APP, Nudge.Email.SENT)
    assert len(mailoutbox) == 2


def test_the_daily_cap_is_per_person(programme, mailoutbox):
    for number in range(3):
        overdue(learner(f"learner{number}@mfa.example"), programme)
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"emailed": 3}


def test_an_organisation_pause_holds_its_members_nudges_until_it_ends(
    programme, organisation, mailoutbox
):
    ada = MembershipFactory(
        user=learner("ada@mfa.example"), organisation=organisation, role=Membership.Role.TRAINEE
    ).user
    enrolment = overdue(ada, programme)
    outsider = overdue(learner("solo@example.org"), programme)
    organisation.nudges_paused_until = NOW + 3 * DAY + 5 * HOUR
    organisation.save()
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"held": 1, "emailed": 1}

    held = nudge_for(enrolment)
    assert (held.status, held.not_before, held.skip_reason) == (
        Status.PENDING,
        NOW + 3 * DAY + 5 * HOUR,
        "the organisation paused reminders",
    )
    assert nudge_for(outsider).status == Status.SENT
    assert nudges_deliver(now=NOW + 3 * DAY + 5 * HOUR) == {"emailed": 1}
    assert [message.to[0] for message in mailoutbox] == ["solo@example.org", "ada@mfa.example"]


def test_an_organisation_pause_holds_its_cohorts_learners_too(programme, organisation, mailoutbox):
    # A learner in the organisation's cohort, without a membership of their own.
    cohort = Cohort.objects.create(
        organisation=organisation, programme=programme, name="Winter", starts_on=NOW.date()
    )
    enrolment = overdue(learner("guest@example.org"), programme, cohort=cohort)
    organisation.nudges_paused_until = NOW + DAY
    organisation.save()
    nudges_plan(now=NOW)

    nudges_deliver(now=NOW)

    assert nudge_for(enrolment).not_before == NOW + DAY
    assert mailoutbox == []


def test_a_pause_that_has_ended_holds_nothing(programme, organisation, mailoutbox):
    ada = MembershipFactory(user=learner("ada@mfa.example"), organisation=organisation).user
    overdue(ada, programme)
    organisation.nudges_paused_until = NOW - SECOND
    organisation.save()
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"emailed": 1}
