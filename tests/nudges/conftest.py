"""Shared helpers for the nudge tests: a fixed clock, learners at a known point
of the time model, and a real SMTP server on localhost.

Planner and delivery take `now`, so most tests pass NOW and never depend on the
wall clock. Celery tasks read the clock themselves; for them `daytime_zone()`
picks a time zone where it is working hours right now, so quiet hours never
get in the way whatever time the suite runs.
"""

import datetime
import email
import email.policy
import threading
import time
import zoneinfo
from collections.abc import Callable

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from accounts.models import User
from ediplomacy.lib.processes import free_port
from progress.models import Enrolment, Nudge
from tests.factories import UserFactory

# A Wednesday, 14:00 UTC: 09:00 in New York, 23:00 in Tokyo.
NOW = datetime.datetime(2026, 1, 14, 14, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# Offsets from UTC-10 to UTC+13, no more than three hours apart: at any moment
# one of them is between 10:00 and 18:00 local.
ZONES = [
    "UTC",
    "Europe/Rome",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Cape_Verde",
]


def daytime_zone(now: datetime.datetime | None = None) -> str:
    """A zone where it is now between 10:00 and 18:00, far from quiet hours."""
    now = now or timezone.now()
    for name in ZONES:
        if 10 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 18:
            return name
    raise AssertionError(f"no zone in ZONES is in working hours at {now:%H:%M} UTC")


def learner(email: str, *, time_zone: str = "UTC", **fields) -> User:
    return UserFactory(email=email, time_zone=time_zone, **fields)


def enrol(
    user: User,
    programme,
    *,
    started: datetime.timedelta,
    idle: datetime.timedelta = HOUR,
    now: datetime.datetime = NOW,
    **fields,
) -> Enrolment:
    """An enrolment `started` ago, last active `idle` ago, with nothing completed.

    Created directly rather than through the enrolment service, so no welcome
    message is planned on the side.
    """
    return Enrolment.objects.create(
        user=user,
        programme=programme,
        started_at=now - started,
        last_activity_at=now - idle,
        **fields,
    )


def overdue(user: User, programme, *, now: datetime.datetime = NOW, **fields) -> Enrolment:
    """Two days in with nothing done: planning gives exactly one nudge, Acquainted overdue."""
    return enrol(user, programme, started=2 * DAY, now=now, **fields)


def nudge_for(enrolment: Enrolment, rule: str = Nudge.Rule.OVERDUE) -> Nudge:
    return Nudge.objects.get(enrolment=enrolment, rule=rule)


def wait_until(condition: Callable[[], object], *, timeout: float = 10, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(0.05)


class Mailbox:
    """An aiosmtpd handler that keeps every accepted message, parsed.

    `refuse(n)` makes the next n DATA commands fail with 451, a temporary
    error a mail server gives when it cannot take the message right now.
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.attempts = 0
        self._refusals = 0
        self._lock = threading.Lock()

    def refuse(self, times: int) -> None:
        with self._lock:
            self._refusals = times

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.attempts += 1
            if self._refusals:
                self._refusals -= 1
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def wait_for(self, count: int, *, timeout: float = 10) -> None:
        wait_until(lambda: len(self.messages) >= count, timeout=timeout, what=f"{count} e-mails")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()
