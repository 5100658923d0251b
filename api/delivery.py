"""Sending one delivery: claim it, POST it, log the attempt, and say when to
try again. Called by `api.tasks`; the task and the sweep are thin."""

import base64
import datetime
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from api.models import EventKind, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.signing import SIGNATURE_HEADER, sign

log = logging.getLogger(__name__)
Status = WebhookDelivery.Status
USER_AGENT = "ediplomacy-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    delivered: bool = False
    # Seconds until the next try, when there is one.
    retry_in: float | None = None


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: doubling from the base,
    capped (30 s, 1 min, 2 min … up to 6 hours with the defaults)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempts - 1), settings.WEBHOOK_RETRY_MAX_SECONDS)


def claim(*, delivery_id: int, now: datetime.datetime) -> WebhookDelivery | None:
    """Takes the delivery for one attempt, or None if it is not due, already
    being sent, or done: only the caller whose update changed the row sends."""
    changed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now)
    if not changed:
        return None
    return WebhookDelivery.objects.select_related("event__organisation", "endpoint").get(
        pk=delivery_id
    )


def webhook_body(delivery: WebhookDelivery) -> dict:
    event = delivery.event
    return {
        "id": f"evt_{event.pk}",
        "type": event.kind,
        "created": event.occurred_at.isoformat(),
        "organisation": event.organisation.slug,
        "data": event.payload,
    }


# What each event says in xAPI: a verb from the ADL vocabulary.
XAPI_VERBS = {
    EventKind.MILESTONE_REACHED: ("http://adlnet.gov/expapi/verbs/progressed", "progressed"),
    EventKind.ENROLMENT_COMPLETED: ("http://adlnet.gov/expapi/verbs/completed", "completed"),
}


def xapi_statement(delivery: WebhookDelivery) -> dict | None:
    """The xAPI 1.0.3 statement for the event, or None for an event xAPI does
    not carry (a withdrawal). Its id is fixed per delivery, so an LRS that
    receives it twice keeps one."""
    event = delivery.event
    verb = XAPI_VERBS.get(event.kind)
    if verb is None:
        return None
    learner = event.payload["learner"]
    site = settings.SITE_URL.rstrip("/")
    activity_id = f"{site}/programme/"
    if event.kind == EventKind.MILESTONE_REACHED:
        activity_id = f"{site}/programme/milestones/{event.payload['milestone']}"
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/deliveries/{delivery.pk}")),
        "actor": {
            "objectType": "Agent",
            "name": learner["name"],
            "mbox": f"mailto:{learner['email']}",
        },
        "verb": {"id": verb[0], "display": {"en-US": verb[1]}},
        "object": {
            "objectType": "Activity",
            "id": activity_id,
            "definition": {"name": {"en-US": event.payload.get("title", "")}},
        },
        "timestamp": event.occurred_at.isoformat(),
        "context": {"platform": "ediplomacy"},
    }


class RefusedAddress(Exception):
    """The URL points at this machine or a private network."""


def _check_address(url: str) -> None:
    """Refuses loopback, private and link-local targets unless settings allow
    them (development, tests): an administrator's URL must not reach the
    servers behind the site."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    host = urlsplit(url).hostname or ""
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise RefusedAddress(f"{host} is not a public address")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer like any other non-2xx


_opener = urllib.request.build_opener(_NoRedirects)


def _request(delivery: WebhookDelivery, now: datetime.datetime) -> urllib.request.Request | None:
    endpoint = delivery.endpoint
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if endpoint.format == WebhookEndpoint.Format.XAPI:
        statement = xapi_statement(delivery)
        if statement is None:
            return None
        body = json.dumps(statement).encode()
        headers["X-Experience-API-Version"] = "1.0.3"
        request = urllib.request.Request(
            endpoint.url.rstrip("/") + "/statements", data=body, headers=headers, method="POST"
        )
        request.add_unredirected_header("Authorization", _basic(endpoint.username, endpoint.secret))
        return request
    body = json.dumps(webhook_body(delivery)).encode()
    headers |= {
        "Ediplomacy-Event": delivery.event.kind,
        "Ediplomacy-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(secret=endpoint.secret, body=body, timestamp=int(now.timestamp())),
    }
    return urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _post(request: urllib.request.Request) -> tuple[int | None, str]:
    try:
        _check_address(request.full_url)
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, RefusedAddress, ValueError) as error:
        return None, str(error)[:300] or error.__class__.__name__


def attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> Outcome:
    """One attempt at a delivery, if it is due and nobody else holds it."""
    now = now or timezone.now()
    delivery = claim(delivery_id=delivery_id, now=now)
    if delivery is None:
        return Outcome()
    request = _request(delivery, now)
    if request is None:
        # Nothing to say in this format (a withdrawal to an LRS): done.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.DELIVERED, delivered_at=now, last_error="Not sent: no xAPI statement."
        )
        return Outcome(delivered=True)
    started = time.monotonic()
    status_code, error = _post(request)
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery, status_code, error, duration_ms, timezone.now())


@transaction.atomic
def _record(
    delivery: WebhookDelivery, status_code: int | None, error: str, duration_ms: int, now
) -> Outcome:
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
    )
    attempts = delivery.attempts + 1
    rows = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING)
    if status_code is not None and 200 <= status_code < 300:
        rows.update(
            status=Status.DELIVERED, delivered_at=now, attempts=F("attempts") + 1, last_error=""
        )
        return Outcome(delivered=True)
    if attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        rows.update(status=Status.FAILED, attempts=F("attempts") + 1, last_error=error)
        log.warning("Webhook delivery %s given up after %s attempts", delivery.pk, attempts)
        return Outcome()
    wait = backoff(attempts)
    rows.update(
        status=Status.PENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + datetime.timedelta(seconds=wait),
        last_error=error,
    )
    return Outcome(retry_in=wait)


def due(*, now: datetime.datetime, limit: int) -> list[int]:
    """Deliveries the sweep sends: pending ones whose time has come, after
    freeing those a dead worker claimed and never finished."""
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    WebhookDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.PENDING
    )
    return list(
        WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
