"""Writes of the API app: tokens, webhook endpoints, events and their delivery."""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts import access
from accounts.models import Organisation, User
from accounts.services import audit_record
from api.models import (
    TOKEN_PREFIX,
    ApiToken,
    EventKind,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    token_hash,
)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # Shown once, on the page that made it; never stored.
    key: str


@transaction.atomic
def api_token_create(
    *, organisation: Organisation, name: str, scope: str, by: User, now: datetime.datetime
) -> NewToken:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip(),
        scope=scope,
        key_hash=token_hash(key),
        key_start=key[: len(TOKEN_PREFIX) + 6],
        created_by=by,
        created_at=now,
    )
    audit_record(
        actor=by,
        action="api_token.create",
        target=token.name,
        organisation=organisation,
        scope=scope,
    )
    return NewToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User, now: datetime.datetime) -> bool:
    """Revokes the token at once; returns False if it already was."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    if changed:
        audit_record(
            actor=by,
            action="api_token.revoke",
            target=token.name,
            organisation=token.organisation_id,
        )
    return bool(changed)


def api_token_touch(*, token: ApiToken, now: datetime.datetime) -> None:
    """Notes the token's use, at most once a minute: a busy integration must
    not write a row on every call."""
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_write_record(*, token: ApiToken, action: str, target: str, **detail) -> None:
    """The audit line of a write made through the API, in its transaction: the
    token that made it, and the administrator who issued that token."""
    audit_record(
        actor=token.created_by,
        action=f"api.{action}",
        target=target,
        organisation=token.organisation_id,
        token=token.name,
        token_id=token.pk,
        **detail,
    )


# Webhook endpoints ---------------------------------------------------------------


@transaction.atomic
def webhook_endpoint_create(
    *,
    organisation: Organisation,
    url: str,
    events: list[str],
    by: User,
    now: datetime.datetime,
    format: str = WebhookEndpoint.Format.WEBHOOK,
    secret: str = "",
    username: str = "",
) -> WebhookEndpoint:
    """Registers an endpoint; a webhook gets a fresh secret (shown on its page)."""
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        format=format,
        secret=secret or "whsec_" + secrets.token_urlsafe(32),
        username=username,
        events=[kind for kind in EventKind.values if kind in events],
        created_by=by,
        created_at=now,
    )
    audit_record(
        actor=by, action="webhook.create", target=url, organisation=organisation, format=format
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(
    *, endpoint: WebhookEndpoint, by: User, now: datetime.datetime
) -> bool:
    """Stops sending to the endpoint; what was waiting for it is given up."""
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
        disabled_at=now
    )
    if changed:
        WebhookDelivery.objects.filter(
            endpoint=endpoint, status=WebhookDelivery.Status.PENDING
        ).update(status=WebhookDelivery.Status.FAILED, last_error="The endpoint was disabled.")
        audit_record(
            actor=by,
            action="webhook.disable",
            target=endpoint.url,
            organisation=endpoint.organisation_id,
        )
    return bool(changed)


# Events ----------------------------------------------------------------------


def webhook_event_record(
    *, cohort_id: int, kind: str, key: str, payload: Callable[[], dict], now: datetime.datetime
) -> list[int]:
    """Stores the event and one delivery per endpoint that wants it, in the
    caller's transaction (the outbox: the fact and its news commit together).

    Returns the new deliveries' ids, for queueing after commit. One query and
    nothing stored when no endpoint of the cohort's organisation wants the
    event (`payload` is built only when one does); a second call with the same
    key stores nothing.
    """
    endpoints = [
        endpoint
        for endpoint in access.webhook_endpoints_live(cohort_id=cohort_id)
        if endpoint.wants(kind)
    ]
    if not endpoints:
        return []
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                organisation_id=endpoints[0].organisation_id,
                kind=kind,
                key=key,
                payload=payload(),
                occurred_at=now,
            )
    except IntegrityError:
        return []  # already recorded
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now)
        for endpoint in endpoints
    )
    return [delivery.pk for delivery in deliveries]
