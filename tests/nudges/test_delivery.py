"""Delivery with a fixed clock and Django's in-memory outbox: what is checked
again just before sending, quiet hours, the daily cap, an organisation's
pause, the e-mail itself, and the claim that keeps every nudge to one send."""

import io
import smtplib
from urllib.parse import urlsplit

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from progress import services
from progress.models import Cohort, Enrolment, MilestoneAchievement, Nudge
from progress.nudges.delivery import (
    CLAIM_TIMEOUT,
    claim,
    deliver_one,
    nudges_deliver,
    release_stale,
)
from progress.nudges.planner import nudges_plan
from tests.factories import MembershipFactory
from tests.nudges.conftest import (
    DAY,
    HOUR,
    NOW,
    daytime_zone,
    enrol,
    learner,
    nudge_for,
    overdue,
)

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
SECOND = HOUR / 3600


def header(message, name: str) -> str:
    return message.message()[name]


def unsubscribe_path(message) -> str:
    url = header(message, "List-Unsubscribe").strip("<>")
    return urlsplit(url).path


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


# The e-mail


def test_the_email_has_a_text_and_an_html_part(programme, mailoutbox):
    overdue(learner("ada@mfa.example", display_name="Ada Lovelace"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    message = mailoutbox[0]
    mime = message.message()
    assert mime.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mime.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    html = message.alternatives[0][0]
    assert "The milestone Acquainted has passed its due date" in message.body
    assert "The milestone Acquainted has passed its due date" in html
    assert f"http://127.0.0.1:8000{reverse('progress:continue')}" in message.body
    unsubscribe = header(message, "List-Unsubscribe").strip("<>")
    assert unsubscribe in message.body
    assert unsubscribe in html


def test_the_email_carries_one_click_unsubscribe_headers(programme, mailoutbox):
    overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    message = mailoutbox[0]
    unsubscribe = header(message, "List-Unsubscribe")
    assert unsubscribe.startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert header(message, "Auto-Submitted") == "auto-generated"


def test_each_nudge_has_its_own_message_id_and_keeps_it_when_sent_again(programme, mailoutbox):
    first = overdue(learner("ada@mfa.example"), programme)
    second = overdue(learner("grace@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    ids = {message.to[0]: header(message, "Message-ID") for message in mailoutbox}
    assert ids == {
        "ada@mfa.example": f"<nudge-{nudge_for(first).pk}@127.0.0.1>",
        "grace@mfa.example": f"<nudge-{nudge_for(second).pk}@127.0.0.1>",
    }

    # A worker that died after the mail server took the message, before it
    # marked the row: the row comes back and goes out again, as the same message.
    Nudge.objects.filter(pk=nudge_for(first).pk).update(status=Status.PENDING)
    nudges_deliver(now=NOW + DAY)

    assert header(mailoutbox[-1], "Message-ID") == ids["ada@mfa.example"]


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


def test_quiet_hours_hold_an_email_until_08_00_in_the_learners_own_zone(programme, mailoutbox):
    # 14:00 UTC: 09:00 in New York, 23:00 in Tokyo. Both planned in one run.
    tokyo = overdue(learner("tokyo@mofa.example", time_zone="Asia/Tokyo"), programme)
    new_york = overdue(learner("newyork@state.example", time_zone="America/New_York"), programme)
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"emailed": 1, "held": 1}

    assert [message.to for message in mailoutbox] == [["newyork@state.example"]]
    assert nudge_for(new_york).status == Status.SENT
    held = nudge_for(tokyo)
    morning = NOW.replace(hour=23)  # 08:00 the next day in Tokyo (UTC+9)
    assert (held.status, held.not_before, held.skip_reason) == (
        Status.PENDING,
        morning,
        "quiet hours",
    )
    assert held.not_before.astimezone(tokyo.user.zone).hour == 8

    assert nudges_deliver(now=morning - SECOND) == {}
    assert nudges_deliver(now=morning) == {"emailed": 1}
    assert [message.to for message in mailoutbox][-1] == ["tokyo@mofa.example"]
    held.refresh_from_db()
    assert (held.status, held.sent_at, held.skip_reason) == (Status.SENT, morning, "")


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
    emails = sorted(Nudge.objects.filter(enrolment=enrolment).values_list("email", flat=True))
    assert emails == [Nudge.Email.IN_APP, Nudge.Email.SENT]
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


# One-click unsubscribe, from the message as sent


def test_one_click_unsubscribe_from_the_headers_turns_that_kind_to_in_app(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    path = unsubscribe_path(mailoutbox[0])

    # A mail client posts this with no session and no CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    enrolment.user.refresh_from_db()
    assert enrolment.user.nudge_preferences == {Rule.OVERDUE: "in_app"}


def test_after_unsubscribing_that_kind_arrives_in_app_and_others_still_by_email(
    programme, mailoutbox
):
    ada = learner("ada@mfa.example")
    first = overdue(ada, programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    Client().post(unsubscribe_path(mailoutbox[0]), {"List-Unsubscribe": "One-Click"})
    # The next overdue milestone, and a different kind, two days later.
    Nudge.objects.create(
        recipient=ada,
        rule=Rule.OVERDUE,
        subject=f"enrolment:{first.pk}",
        period="e_listener",
        enrolment=first,
        milestone="e_listener",
        not_before=NOW + 2 * DAY,
        created_at=NOW + 2 * DAY,
    )
    Nudge.objects.create(
        recipient=ada,
        rule=Rule.REVIEWED,
        subject="submission:1",
        period="accepted",
        not_before=NOW + 3 * DAY,
        created_at=NOW + 3 * DAY,
    )

    assert nudges_deliver(now=NOW + 2 * DAY) == {"in_app": 1}
    assert nudges_deliver(now=NOW + 3 * DAY) == {"emailed": 1}
    assert [message.subject for message in mailoutbox] == [
        "Acquainted is overdue",
        "Your practice work was reviewed",
    ]


def test_opening_the_unsubscribe_link_changes_nothing(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    response = Client().get(unsubscribe_path(mailoutbox[0]))

    assert response.status_code == 200
    assert "Stop these e-mails?" in response.content.decode()
    enrolment.user.refresh_from_db()
    assert enrolment.user.nudge_preferences == {}


# Claims: a crash or a retry never sends twice and never loses one


def test_a_claimed_row_is_not_claimed_again(programme):
    overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)

    first = claim(ids=None, now=NOW)
    second = claim(ids=None, now=NOW)

    assert len(first) == 1
    assert second == []
    nudge = Nudge.objects.get()
    assert (nudge.status, nudge.claimed_at, nudge.attempts) == (Status.SENDING, NOW, 1)


def test_a_claim_takes_only_the_ids_asked_for_and_at_most_its_limit(programme):
    enrolments = [overdue(learner(f"l{n}@mfa.example"), programme) for n in range(5)]
    nudges_plan(now=NOW)
    ids = [nudge_for(each).pk for each in enrolments]

    assert claim(ids=ids[:2], now=NOW) == ids[:2]
    assert claim(ids=None, now=NOW, limit=2) == ids[2:4]


def test_a_row_that_is_no_longer_claimed_is_left_alone(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)

    assert deliver_one(nudge_for(enrolment).pk, NOW) == "gone"
    assert nudge_for(enrolment).status == Status.PENDING
    assert mailoutbox == []


def test_a_worker_that_dies_after_claiming_loses_nothing(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    claim(ids=None, now=NOW)  # ... and the worker dies here

    assert release_stale(NOW + CLAIM_TIMEOUT) == 0  # it may still be working
    assert nudges_deliver(now=NOW + CLAIM_TIMEOUT) == {}
    assert release_stale(NOW + CLAIM_TIMEOUT + SECOND) == 1

    assert nudges_deliver(now=NOW + CLAIM_TIMEOUT + SECOND) == {"emailed": 1}
    assert len(mailoutbox) == 1
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.attempts) == (Status.SENT, 2)
    assert release_stale(NOW + DAY) == 0


def test_a_mail_server_error_puts_the_nudge_back_and_a_retry_sends_it_once(
    programme, mailoutbox, monkeypatch
):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    send = EmailBackend.send_messages
    failures = iter([smtplib.SMTPDataError(451, b"Mailbox busy, try again later")])

    def flaky(self, messages):
        if error := next(failures, None):
            raise error
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)

    with pytest.raises(smtplib.SMTPDataError):
        nudges_deliver(now=NOW)
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.attempts) == (Status.PENDING, 1)
    assert "Mailbox busy" in nudge.last_error
    assert mailoutbox == []

    assert nudges_deliver(now=NOW + SECOND) == {"emailed": 1}
    nudge.refresh_from_db()
    assert (nudge.status, nudge.attempts, nudge.last_error) == (Status.SENT, 2, "")
    assert len(mailoutbox) == 1


def test_a_mail_server_error_leaves_no_other_nudge_of_the_batch_claimed(
    programme, mailoutbox, monkeypatch
):
    for number in range(3):
        overdue(learner(f"learner{number}@mfa.example"), programme)
    nudges_plan(now=NOW)
    ids = list(Nudge.objects.order_by("pk").values_list("pk", flat=True))
    send = EmailBackend.send_messages
    failures = iter([smtplib.SMTPDataError(451, b"Mailbox busy, try again later")])

    def flaky(self, messages):
        if error := next(failures, None):
            raise error
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with pytest.raises(smtplib.SMTPDataError):
        nudges_deliver(ids=ids, now=NOW)

    # What the task's retry does, a moment later.
    assert nudges_deliver(ids=ids, now=NOW + SECOND) == {"emailed": 3}
    assert len(mailoutbox) == 3


# Events that happen to the learner


def test_enrolling_plans_a_welcome_and_queues_its_delivery_after_commit(
    programme, monkeypatch, django_capture_on_commit_callbacks
):
    from progress import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver_nudges, "delay", lambda ids: queued.append(ids))
    ada = learner("ada@mfa.example")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment = services.enrolment_create(user=ada, programme=programme)
        assert queued == []
    for callback in callbacks:
        callback()

    welcome = nudge_for(enrolment, Rule.WELCOME)
    assert (welcome.subject, welcome.period, welcome.status) == (
        f"enrolment:{enrolment.pk}",
        "once",
        Status.PENDING,
    )
    assert queued == [[welcome.pk]]


def test_a_broker_that_is_down_leaves_the_nudge_for_the_sweep(
    programme, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from progress import tasks

    def down(ids):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(tasks.deliver_nudges, "delay", down)

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_create(user=learner("ada@mfa.example"), programme=programme)

    assert nudge_for(enrolment, Rule.WELCOME).status == Status.PENDING
    assert "the periodic sweep will send them" in caplog.text


def test_the_trainer_digest_sums_up_each_cohort(programme, organisation, trainer, mailoutbox):
    cohort = Cohort.objects.create(
        organisation=organisation, programme=programme, name="Winter", starts_on=NOW.date()
    )
    cohort.trainers.add(trainer)
    overdue(learner("ada@mfa.example"), programme, cohort=cohort)
    nudges_plan(now=NOW)

    nudges_deliver(now=NOW)

    (digest,) = [message for message in mailoutbox if message.to == [trainer.email]]
    assert digest.subject == "Your cohorts this week"
    assert (
        "Winter: 1 learners; 0 at risk, 1 overdue, 0 inactive for 14 days; "
        "0 submissions waiting for review." in digest.body
    )


def test_a_digest_for_a_cohort_archived_since_is_skipped(
    programme, organisation, trainer, mailoutbox
):
    cohort = Cohort.objects.create(
        organisation=organisation, programme=programme, name="Winter", starts_on=NOW.date()
    )
    cohort.trainers.add(trainer)
    overdue(learner("ada@mfa.example"), programme, cohort=cohort)
    nudges_plan(now=NOW)
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=NOW - SECOND)

    nudges_deliver(now=NOW)

    digest = Nudge.objects.get(rule=Rule.TRAINER_DIGEST)
    assert digest.status == Status.SKIPPED
    assert mailoutbox == []


# The sweep and the command


def test_the_sweep_gives_back_stale_claims_and_fans_due_nudges_out_in_batches(
    programme, monkeypatch
):
    from progress import tasks

    now = timezone.now()
    for number in range(5):
        overdue(learner(f"learner{number}@mfa.example"), programme, now=now)
    nudges_plan(now=now - SECOND)  # due a second ago
    stale = Nudge.objects.order_by("pk").first()
    Nudge.objects.filter(pk=stale.pk).update(
        status=Status.SENDING, claimed_at=now - CLAIM_TIMEOUT - HOUR
    )
    later = learner("later@mfa.example")
    Nudge.objects.create(
        recipient=later,
        rule=Rule.WELCOME,
        subject="t",
        period="once",
        not_before=now + DAY,
        created_at=now,
    )
    batches = []
    monkeypatch.setattr(tasks, "BATCH", 2)
    monkeypatch.setattr(tasks.deliver_nudges, "delay", batches.append)

    assert tasks.deliver_due_nudges.run() == 5

    assert [len(batch) for batch in batches] == [2, 2, 1]
    queued = [pk for batch in batches for pk in batch]
    assert stale.pk in queued
    assert sorted(queued) == sorted(
        Nudge.objects.filter(rule=Rule.OVERDUE).values_list("pk", flat=True)
    )


def test_the_command_plans_and_delivers_what_is_due(programme, mailoutbox):
    now = timezone.now()
    overdue(learner("ada@mfa.example", time_zone=daytime_zone(now)), programme, now=now)
    output = io.StringIO()

    call_command("plan_nudges", stdout=output)

    assert "Delivered: 1 emailed." in output.getvalue()
    assert [message.to for message in mailoutbox] == [["ada@mfa.example"]]
