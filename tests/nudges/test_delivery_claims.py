"""The claim that keeps every nudge to one send: a crash or a retry never sends
twice and never loses one; the sweep and the command."""

import io
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from progress.models import Nudge
from progress.nudges.delivery import (
    CLAIM_TIMEOUT,
    claim,
    deliver_one,
    nudges_deliver,
    release_stale,
)
from progress.nudges.planner import nudges_plan
from tests.nudges.conftest import DAY, HOUR, NOW, daytime_zone, learner, nudge_for, overdue

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
SECOND = HOUR / 3600


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


def test_a_mail_server_error_shows_the_notification_and_a_retry_sends_the_email_once(
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
    assert (nudge.status, nudge.sent_at, nudge.attempts) == (Status.SENT, NOW, 1)
    assert (nudge.email, nudge.email_not_before) == (Nudge.Email.WAITING, NOW)
    assert "Mailbox busy" in nudge.last_error
    assert mailoutbox == []

    assert nudges_deliver(now=NOW + SECOND) == {"emailed": 1}
    nudge.refresh_from_db()
    assert (nudge.status, nudge.email, nudge.attempts, nudge.last_error) == (
        Status.SENT,
        Nudge.Email.SENT,
        2,
        "",
    )
    assert (nudge.sent_at, nudge.emailed_at) == (NOW, NOW + SECOND)
    assert len(mailoutbox) == 1
    assert nudges_deliver(now=NOW + DAY) == {}


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
