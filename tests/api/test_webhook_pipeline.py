"""Webhooks end to end: a withdrawal through the API, the outbox row it
commits with, Redis, a real Celery worker in a thread of this process, and a
real HTTP server on localhost that fails twice before it accepts."""

import contextlib
import time

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.utils import timezone

from api.models import WebhookAttempt, WebhookDelivery
from api.services import webhook_endpoint_create
from api.tasks import deliver_webhook
from ediplomacy.celery import app
from tests.api.receiver import Receiver

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def _leave_logging_alone(**kwargs):
    return None  # the worker must not replace pytest's log handlers


@pytest.fixture
def worker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.2
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    signals.setup_logging.connect(_leave_logging_alone)
    app.control.purge()
    try:
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=15
        ) as running:
            yield running
    finally:
        app.control.purge()
        signals.setup_logging.disconnect(_leave_logging_alone)
        app.conf.task_always_eager = eager


def wait_until(condition, *, timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def idle() -> bool:
    return not worker_state.active_requests and not worker_state.reserved_requests


def test_a_withdrawal_reaches_a_failing_receiver_exactly_once(api, ours, worker):
    with Receiver(failures=2) as receiver:
        endpoint = webhook_endpoint_create(
            organisation=ours.organisation,
            url=receiver.url,
            events=["learner.withdrawn"],
            by=ours.admin,
            now=timezone.now(),
        )
        receiver.secret = endpoint.secret
        enrolment = ours.enrolments[0]

        response = api.post(f"/api/v1/enrolments/{enrolment.pk}/withdraw/")
        assert response.status_code == 200

        wait_until(
            lambda: WebhookDelivery.objects.filter(status="delivered").exists(),
            what="the delivery",
        )
        # A second queueing of the same delivery (a sweep, a duplicate
        # message) sends nothing more.
        with contextlib.suppress(Exception):
            deliver_webhook.delay(WebhookDelivery.objects.get().pk)
        time.sleep(0.5)
        wait_until(idle, what="the worker to finish")

    assert [r.status for r in receiver.requests] == [500, 500, 204]
    [accepted] = receiver.accepted
    assert accepted.json["type"] == "learner.withdrawn"
    assert accepted.json["data"]["enrolment"] == enrolment.pk
    done = WebhookDelivery.objects.get()
    assert (done.status, done.attempts) == ("delivered", 3)
    assert WebhookAttempt.objects.filter(delivery=done).count() == 3
