"""A Celery worker killed mid-batch (SIGKILL): after restart every pending
nudge is delivered once.

Real parts throughout: PostgreSQL (the test database), Redis (broker and
results), `celery -A ediplomacy worker` as a child process with the prefork
pool, and an aiosmtpd server in this process that the worker reaches over SMTP.

1. Forty learners are each due one nudge. Delivery is queued in four chunks
   of ten, as `enqueue_delivery` queues it; one worker process takes them one
   at a time.
2. The mail server accepts five messages, then leaves the sixth DATA
   unanswered. While the worker waits for the reply, its whole process group
   gets SIGKILL: five rows sent, five claimed ("sending", the unanswered one
   among them), thirty pending, and the killed task's message unacknowledged
   in Redis. The unanswered message was never accepted.
3. A fresh worker delivers the three chunks still queued. The dead worker's
   claims look like a busy worker's until CLAIM_TIMEOUT has passed; after
   that the sweep (`deliver_due_nudges`, which beat runs every 5 minutes)
   gives them back and they go out. Then Redis redelivers the killed task, as
   it does after visibility_timeout: it finds nothing left to send.
4. Every nudge is sent, and the mail server holds exactly one message per
   nudge.

The whole process group is killed, as when a machine or container dies: if
only the pool process died, `task_reject_on_worker_lost` would requeue the
task at once, and the timeouts would not be exercised.
"""

import asyncio
import contextlib
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import TimeoutError as ResultTimeout
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from ediplomacy.celery import app
from ediplomacy.lib.processes import database_url, free_port
from progress.models import Nudge
from progress.nudges.delivery import CLAIM_TIMEOUT
from progress.nudges.planner import nudges_plan
from progress.tasks import deliver_due_nudges, deliver_nudges
from tests.nudges.conftest import Mailbox, daytime_zone, learner, overdue

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

Status = Nudge.Status
LEARNERS = 40
CHUNK = 10
ACCEPTED_BEFORE_KILL = 5
QUEUE = "celery"


class GatedMailbox(Mailbox):
    """Accepts `open_for` messages, then leaves the next DATA unanswered until released.

    The held message has been transmitted in full, and the client waits for
    the reply. If the client goes away meanwhile, aiosmtpd cancels the handler:
    the message is dropped, never accepted.
    """

    def __init__(self, open_for: int):
        super().__init__()
        self.open_for = open_for
        self.holding = threading.Event()
        self.released = threading.Event()
        self.dropped: list[list[str]] = []  # the recipients of each dropped message
        self.url = ""

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) >= self.open_for and not self.released.is_set():
            self.holding.set()
            try:
                while not self.released.is_set():
                    await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                self.dropped.append(list(envelope.rcpt_tos))
                raise
        return await super().handle_DATA(server, session, envelope)


class Worker:
    """`celery -A ediplomacy worker` in a process group of its own, logging to a file."""

    def __init__(self, name: str, env: dict[str, str], log: Path):
        self.hostname = f"{name}-{uuid.uuid4().hex[:8]}@faults"
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "ediplomacy", "worker"),
                    *("--pool=prefork", "--concurrency=1", "--loglevel=INFO"),
                    *(f"--hostname={self.hostname}", "--without-gossip", "--without-mingle"),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return f"--- last lines of {self.hostname}'s log ({self.log}) ---\n" + "\n".join(text)

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the worker exited at start-up ({self.process.returncode})\n{self.tail()}"
                )
            return f"{self.hostname} ready." in self.log.read_text(errors="replace")

        wait_for(ready, "the worker to start", self, timeout=timeout)

    def kill(self) -> None:
        """SIGKILL to the main process and its pool at once: no shutdown, no ack."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # a warm shutdown: finish the task in hand
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever of the group is left
        if self.process.poll() is None:
            self.process.wait(timeout=10)


def wait_for(condition: Callable[[], object], what: str, worker: Worker, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{worker.tail()}")
        time.sleep(0.05)


def outcome(result: AsyncResult, worker: Worker, timeout: float = 20):
    try:
        return result.get(timeout=timeout)
    except ResultTimeout:
        pytest.fail(f"task {result.id} gave no result within {timeout}s\n{worker.tail()}")


# The broker's bookkeeping: kombu keeps each message a worker took, and has
# not acknowledged, in a hash and a sorted set (scored by delivery time).


def queue_length() -> int:
    with app.connection_for_read() as broker:
        return broker.default_channel.client.llen(QUEUE)


def unacked_tag(task_id: str) -> str | None:
    """The delivery tag under which Redis keeps the task's unacknowledged message."""
    with app.connection_for_read() as broker:
        channel = broker.default_channel
        for tag, raw in channel.client.hgetall(channel.unacked_key).items():
            message = json.loads(raw)[0]
            if message["headers"]["id"] == task_id:
                return tag.decode()
    return None


def redeliver(tag: str) -> None:
    """Puts an unacknowledged message back in its queue, as kombu does for any
    message left unacknowledged for longer than visibility_timeout."""
    with app.connection_for_write() as broker:
        broker.default_channel.qos.restore_by_tag(tag)


def forget_unacked(since: float) -> None:
    """Drops what workers of this test took and never acknowledged, so no later
    worker on this Redis restores it into another test."""
    with app.connection_for_write() as broker:
        channel = broker.default_channel
        tags = channel.client.zrange(channel.unacked_index_key, since, "+inf", byscore=True)
        if tags:
            channel.client.zrem(channel.unacked_index_key, *tags)
            channel.client.hdel(channel.unacked_key, *tags)


@pytest.fixture
def mailbox():
    box = GatedMailbox(open_for=ACCEPTED_BEFORE_KILL)
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    try:
        yield box
    finally:
        box.released.set()
        controller.stop()


@pytest.fixture
def start_worker(mailbox, tmp_path):
    """Starts workers on the test database and Redis; stops them all at the end."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ediplomacy.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "EMAIL_URL": mailbox.url,
        "SITE_URL": settings.SITE_URL,
        "PYTHONUNBUFFERED": "1",
    }
    assert not app.conf.task_always_eager, "tasks must go through Redis to the worker"
    started: list[Worker] = []
    since = time.time()
    app.control.purge()  # nothing left over from another run

    def start(name: str) -> Worker:
        worker = Worker(name, env, tmp_path / f"{name}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        app.control.purge()
        forget_unacked(since)


def message_ids(nudge_ids) -> list[str]:
    domain = urlsplit(settings.SITE_URL).hostname
    return sorted(f"<nudge-{pk}@{domain}>" for pk in nudge_ids)


def test_a_worker_killed_mid_batch_delivers_every_nudge_once_after_restart(
    programme, mailbox, start_worker
):
    now = timezone.now()
    zone = daytime_zone(now)
    for number in range(LEARNERS):
        overdue(learner(f"learner{number}@mfa.example", time_zone=zone), programme, now=now)
    nudges_plan(now=now)
    ids = list(Nudge.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == LEARNERS
    chunks = [ids[start : start + CHUNK] for start in range(0, LEARNERS, CHUNK)]

    # 1-2. The first worker takes the first chunk; the mail server holds its sixth message.
    first = start_worker("first")
    deliveries = [deliver_nudges.delay(chunk) for chunk in chunks]
    wait_for(mailbox.holding.is_set, "the mail server to hold a message", first)
    first.kill()
    wait_for(lambda: mailbox.dropped, "the mail server to drop the held message", first)

    statuses = Counter(Nudge.objects.values_list("status", flat=True))
    assert statuses == {Status.SENT: 5, Status.SENDING: 5, Status.PENDING: 30}
    sent = list(Nudge.objects.filter(status=Status.SENT).values_list("pk", flat=True))
    assert sorted(sent) == chunks[0][:ACCEPTED_BEFORE_KILL]
    # Accepted and recorded as sent are the same five; the sixth was never accepted.
    assert sorted(message["Message-ID"] for message in mailbox.messages) == message_ids(sent)
    held = Nudge.objects.select_related("recipient").get(pk=chunks[0][ACCEPTED_BEFORE_KILL])
    assert mailbox.dropped == [[held.recipient.email]]
    assert held.status == Status.SENDING
    # Redis still holds the killed task, unacknowledged, and the three chunks after it.
    dead_task = unacked_tag(deliveries[0].id)
    assert dead_task is not None
    assert queue_length() == 3

    # 3. A fresh worker delivers the chunks still queued.
    mailbox.released.set()
    second = start_worker("second")
    for delivery in deliveries[1:]:
        assert outcome(delivery, second) == {"emailed": CHUNK}
    # The dead worker's claims are recent: for all the sweep knows, a busy worker holds them.
    assert outcome(deliver_due_nudges.delay(), second) == 0
    assert Nudge.objects.filter(status=Status.SENDING).count() == 5

    # Only once CLAIM_TIMEOUT (10 minutes) has passed does a claim count as a dead
    # worker's. The worker reads the wall clock, which a test cannot move in another
    # process; moving the claims back by as much is the same to release_stale, which
    # compares claimed_at with now - CLAIM_TIMEOUT.
    Nudge.objects.filter(status=Status.SENDING).update(
        claimed_at=F("claimed_at") - CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
    )
    assert outcome(deliver_due_nudges.delay(), second) == 5
    wait_for(
        lambda: not Nudge.objects.exclude(status=Status.SENT).exists(),
        "every nudge to be sent",
        second,
    )

    # visibility_timeout is ten minutes too: by now Redis gives the killed task to a
    # live worker. Its rows are all sent, so it claims and sends nothing.
    redeliver(dead_task)
    assert outcome(deliveries[0], second) == {}
    # The worker acknowledges a task after it stored the result, so this may lag a moment.
    wait_for(
        lambda: unacked_tag(deliveries[0].id) is None,
        "the redelivered task to be acknowledged",
        second,
    )

    # 4. Every nudge sent; exactly one message per nudge, none missing, none repeated.
    nudges = list(Nudge.objects.select_related("recipient").order_by("pk"))
    assert {(nudge.status, nudge.email) for nudge in nudges} == {(Status.SENT, Nudge.Email.SENT)}
    assert not Nudge.objects.filter(status__in=[Status.PENDING, Status.SENDING]).exists()
    by_recipient = Counter(message["To"] for message in mailbox.messages)
    assert by_recipient == Counter(nudge.recipient.email for nudge in nudges)
    assert set(by_recipient.values()) == {1}
    by_id = Counter(message["Message-ID"] for message in mailbox.messages)
    assert sorted(by_id) == message_ids(ids)
    assert set(by_id.values()) == {1}
    assert mailbox.attempts == LEARNERS  # every DATA that was answered was accepted
    # Claimed twice: the five the dead worker held and never sent; once: all the others.
    reclaimed = set(chunks[0][ACCEPTED_BEFORE_KILL:])
    assert {nudge.pk: nudge.attempts for nudge in nudges} == {
        pk: 2 if pk in reclaimed else 1 for pk in ids
    }
    assert queue_length() == 0
