"""The nudge pipeline end to end: PostgreSQL, Redis, a real Celery worker
running in a thread of this process, and a real SMTP server on localhost.

Tasks read the wall clock, so learners live in a zone where it is working
hours right now (`daytime_zone`), unless a test is about quiet hours. Each
test waits until the worker is idle before it stops it, so no task of one
test runs into the next.
"""

import contextlib
import datetime
import time
import zoneinfo
from urllib.parse import urlsplit

import celery.app.autoretry
import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db.models import F
from django.test import Client
from django.utils import timezone

from ediplomacy.celery import app
from progress import services
from progress.models import Enrolment, MilestoneAchievement, Nudge
from progress.nudges.delivery import CLAIM_TIMEOUT, claim
from progress.nudges.planner import nudges_plan
from progress.nudges.rules import quiet_until
from progress.tasks import deliver_due_nudges, deliver_nudges, plan_nudges
from tests.nudges.conftest import ZONES, daytime_zone, learner, nudge_for, overdue, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

Status = Nudge.Status
QUEUE = "celery"


def _leave_logging_alone(**kwargs):
    # A receiver for `setup_logging` stops the embedded worker from replacing
    # the root logger's handlers (pytest's among them).
    return None


@pytest.fixture
def celery_live(settings, smtp_server):
    """Tasks go through Redis to a worker, and e-mail to the SMTP server."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    signals.setup_logging.connect(_leave_logging_alone)
    app.control.purge()  # nothing left over from another run
    try:
        yield smtp_server
    finally:
        app.control.purge()
        signals.setup_logging.disconnect(_leave_logging_alone)
        app.conf.task_always_eager = eager


def _idle() -> bool:
    with app.connection_for_read() as connection:
        waiting = connection.default_channel.client.llen(QUEUE)
    return not waiting and not worker_state.active_requests and not worker_state.reserved_requests


def wait_for_idle(*, timeout: float = 10, quiet_for: float = 0.3) -> None:
    """Until the queue is empty and the worker holds no task, for a little while."""
    deadline = time.monotonic() + timeout
    since = None
    while True:
        if _idle():
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet_for:
                return
        else:
            since = None
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker was still busy after {timeout}s")
        time.sleep(0.05)


@contextlib.contextmanager
def running_worker(*, pool: str = "threads", concurrency: int = 2):
    with start_worker(
        app,
        pool=pool,
        concurrency=concurrency,
        perform_ping_check=False,
        shutdown_timeout=15,
    ) as worker:
        try:
            yield worker
        finally:
            wait_for_idle()


def message_ids(mailbox) -> list[str]:
    return sorted(message["Message-ID"] for message in mailbox.messages)


def expected_ids(nudges) -> list[str]:
    return sorted(f"<nudge-{nudge.pk}@127.0.0.1>" for nudge in nudges)


def learners(programme, count: int, *, zone: str, prefix: str = "learner") -> list[Enrolment]:
    now = timezone.now()
    return [
        overdue(learner(f"{prefix}{number}@mfa.example", time_zone=zone), programme, now=now)
        for number in range(count)
    ]


# Once, and only once


def test_planning_twice_sends_each_nudge_once(programme, celery_live):
    enrolments = learners(programme, 4, zone=daytime_zone())

    with running_worker(concurrency=2):
        # Two plans at once, each fanning out its own delivery of the same rows.
        plans = [plan_nudges.delay(), plan_nudges.delay()]
        counts = [plan.get(timeout=10) for plan in plans]
        celery_live.wait_for(4)

    nudges = [nudge_for(each) for each in enrolments]
    assert Nudge.objects.count() == 4
    assert sum(count.get(Nudge.Rule.OVERDUE, 0) for count in counts) >= 4
    assert {nudge.status for nudge in nudges} == {Status.SENT}
    assert message_ids(celery_live) == expected_ids(nudges)
    assert sorted(message["To"] for message in celery_live.messages) == [
        f"learner{number}@mfa.example" for number in range(4)
    ]


def test_two_workers_delivering_the_same_batch_send_each_message_once(programme, celery_live):
    enrolments = learners(programme, 6, zone=daytime_zone())
    nudges_plan(now=timezone.now())
    ids = list(Nudge.objects.order_by("pk").values_list("pk", flat=True))

    with running_worker(concurrency=2):
        deliveries = [deliver_nudges.delay(ids), deliver_nudges.delay(ids)]
        outcomes = [delivery.get(timeout=10) for delivery in deliveries]

    assert sum(outcome.get("emailed", 0) for outcome in outcomes) == 6
    assert len(celery_live.messages) == 6
    assert message_ids(celery_live) == expected_ids(nudge_for(each) for each in enrolments)
    assert set(Nudge.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_a_mail_server_error_is_retried_and_the_message_sent_once(
    programme, celery_live, monkeypatch
):
    (enrolment,) = learners(programme, 1, zone=daytime_zone())
    nudges_plan(now=timezone.now())
    # The task backs off 30 s, then longer; here the retry comes at once.
    monkeypatch.setattr(
        celery.app.autoretry, "get_exponential_backoff_interval", lambda **kwargs: 0
    )
    celery_live.refuse(1)  # 451 to the first DATA, 250 after

    with running_worker(pool="solo", concurrency=1):
        delivery = deliver_nudges.delay([nudge_for(enrolment).pk])
        assert delivery.get(timeout=10) == {"emailed": 1}

    assert celery_live.attempts == 2
    assert len(celery_live.messages) == 1
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.attempts, nudge.last_error) == (Status.SENT, 2, "")


def test_a_worker_that_dies_after_claiming_loses_nothing(programme, celery_live):
    enrolments = learners(programme, 3, zone=daytime_zone())
    nudges_plan(now=timezone.now())
    claim(ids=None, now=timezone.now())  # ... and the worker that claimed them dies

    with running_worker(concurrency=2):
        # The claim is recent: the sweep leaves it to the worker that may still be busy.
        assert deliver_due_nudges.delay().get(timeout=10) == 0
        assert celery_live.messages == []
        # Ten minutes later the claim is stale: the sweep gives the rows back, once.
        Nudge.objects.update(
            claimed_at=F("claimed_at") - CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
        )
        assert deliver_due_nudges.delay().get(timeout=10) == 3
        celery_live.wait_for(3)
        assert deliver_due_nudges.delay().get(timeout=10) == 0

    assert len(celery_live.messages) == 3
    nudges = [nudge_for(each) for each in enrolments]
    assert message_ids(celery_live) == expected_ids(nudges)
    assert {(nudge.status, nudge.attempts) for nudge in nudges} == {(Status.SENT, 2)}


# Checked again at delivery


def test_changes_between_planning_and_delivery_stop_the_message(programme, celery_live):
    opted_out, achieved, withdrawn, unchanged = learners(programme, 4, zone=daytime_zone())
    nudges_plan(now=timezone.now())
    opted_out.user.nudge_preferences = {Nudge.Rule.OVERDUE: "off"}
    opted_out.user.save()
    MilestoneAchievement.objects.create(
        enrolment=achieved, milestone="acquainted", achieved_at=timezone.now(), on_time=False
    )
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=Enrolment.Status.WITHDRAWN)

    with running_worker(concurrency=2):
        assert deliver_due_nudges.delay().get(timeout=10) == 4

    assert [message["To"] for message in celery_live.messages] == [unchanged.user.email]
    assert {
        each.user.email: (nudge_for(each).status, nudge_for(each).skip_reason)
        for each in (opted_out, achieved, withdrawn, unchanged)
    } == {
        opted_out.user.email: (Status.SKIPPED, "the recipient turned this kind off"),
        achieved.user.email: (Status.SKIPPED, "the milestone is already reached"),
        withdrawn.user.email: (Status.SKIPPED, "the enrolment was withdrawn"),
        unchanged.user.email: (Status.SENT, ""),
    }


def test_quiet_hours_hold_one_learners_email_while_another_is_emailed(programme, celery_live):
    now = timezone.now()
    night = next(name for name in ZONES if 1 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 6)
    (awake,) = learners(programme, 1, zone=daytime_zone(now), prefix="awake")
    (asleep,) = learners(programme, 1, zone=night, prefix="asleep")

    with running_worker(concurrency=2):
        plan_nudges.delay().get(timeout=10)
        celery_live.wait_for(1)

        wait_until(lambda: nudge_for(asleep).status == Status.SENT, what="the night's notification")

    assert [message["To"] for message in celery_live.messages] == [awake.user.email]
    held = nudge_for(asleep)
    # The notification shows at once; between 01:00 and 06:00 there, its
    # e-mail waits until 08:00 the same morning.
    assert (held.email, held.skip_reason) == (Nudge.Email.WAITING, "quiet hours")
    assert held.email_not_before == quiet_until(now, zoneinfo.ZoneInfo(night))
    assert held.email_not_before.astimezone(zoneinfo.ZoneInfo(night)).time() == datetime.time(8)


# The e-mail as the mail server received it


def test_the_sent_email_has_both_parts_and_one_click_unsubscribe(programme, celery_live):
    (enrolment,) = learners(programme, 1, zone=daytime_zone())
    nudges_plan(now=timezone.now())

    with running_worker(pool="solo", concurrency=1):
        deliver_due_nudges.delay().get(timeout=10)
        celery_live.wait_for(1)

    (message,) = celery_live.messages
    nudge = nudge_for(enrolment)
    assert message["Subject"] == "Acquainted is overdue"
    assert message["Message-ID"] == f"<nudge-{nudge.pk}@127.0.0.1>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "The milestone Acquainted has passed its due date" in text
    assert "The milestone Acquainted has passed its due date" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe in text
    path = urlsplit(unsubscribe).path

    # A link scanner opening it changes nothing...
    assert Client().get(path).status_code == 200
    enrolment.user.refresh_from_db()
    assert enrolment.user.nudge_preferences == {}
    # ...the mail client's one-click POST, with no session, turns that kind to in-app.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    enrolment.user.refresh_from_db()
    assert enrolment.user.nudge_preferences == {Nudge.Rule.OVERDUE: "in_app"}


def test_enrolling_sends_the_welcome_through_the_worker_after_commit(programme, celery_live):
    ada = learner("ada@mfa.example", time_zone=daytime_zone(), display_name="Ada")

    with running_worker(pool="solo", concurrency=1):
        enrolment = services.enrolment_create(user=ada, programme=programme)
        celery_live.wait_for(1)

    (message,) = celery_live.messages
    assert message["Subject"] == "Welcome to the programme"
    assert message["To"] == "ada@mfa.example"
    welcome = nudge_for(enrolment, Nudge.Rule.WELCOME)
    assert (welcome.status, welcome.email) == (Status.SENT, Nudge.Email.SENT)
