"""API tokens, webhook endpoints, and the outbox of events to deliver to them."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

# Every token starts so, which lets secret scanners recognise a leaked one.
TOKEN_PREFIX = "edp_"


def token_hash(key: str) -> str:
    """A token's stored form. The key is 32 random bytes, so a plain SHA-256
    is enough: nobody can guess their way back, and looking it up stays one
    indexed query."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key an organisation's HR or learning system calls the API with.

    Only its hash is kept: the key is shown once, when it is made.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, so people can tell their tokens apart.
    key_start = models.CharField(max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write"]), name="api_token_scope_known"
            ),
        ]
        indexes = [
            # Serves an organisation's token page.
            models.Index(fields=["organisation", "-created_at"], name="api_token_org_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class EventKind(models.TextChoices):
    MILESTONE_REACHED = "milestone.reached", _("A learner reached a milestone")
    ENROLMENT_COMPLETED = "enrolment.completed", _("A learner completed the programme")
    LEARNER_WITHDRAWN = "learner.withdrawn", _("A learner was withdrawn from a cohort")


class WebhookEndpoint(models.Model):
    """A URL of an organisation's system that receives its events, signed with `secret`."""

    class Format(models.TextChoices):
        WEBHOOK = "webhook", _("Signed JSON events (webhook)")
        XAPI = "xapi", _("xAPI statements (learning record store)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.WEBHOOK)
    # Signs each request (HMAC-SHA256); an LRS reads it as its Basic password.
    secret = models.CharField(max_length=128)
    # For an LRS: the Basic user name it expects (its "key"); empty for a webhook.
    username = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The EventKind values it receives.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["webhook", "xapi"]), name="webhook_format_known"
            ),
        ]
        indexes = [
            # Serves "the live endpoints of this organisation" for each event.
            models.Index(fields=["organisation", "disabled_at"], name="webhook_org_live_idx"),
        ]

    def __str__(self):
        return self.url

    def wants(self, kind: str) -> bool:
        return kind in self.events


class WebhookEvent(models.Model):
    """Something that happened, once: the unique key makes a second signal for
    the same fact (a retried transaction, a replayed service) a no-op."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_events"
    )
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    key = models.CharField(max_length=120, unique=True)
    payload = models.JSONField()
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return self.key


class WebhookDelivery(models.Model):
    """Pending work is a row: one per (event, endpoint), claimed by a
    conditional update before each attempt, so an event reaches an endpoint
    once however many workers or retries run."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "delivered", "failed"]),
                name="webhook_delivery_status_known",
            ),
        ]
        indexes = [
            # Serves the sweep: pending deliveries whose time has come.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.event} to {self.endpoint}"


class WebhookAttempt(models.Model):
    """One try at a delivery, as the delivery log shows it."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"{self.delivery} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class IdempotentRequest(models.Model):
    """A write made with an `Idempotency-Key` header, and what it answered:
    the same key again (a client retrying after a timeout) gets the same
    answer, and nothing is written twice."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # What the key was used for: the same key on another request is refused.
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotent_request_once"),
        ]

    def __str__(self):
        return f"{self.key} ({self.status_code})"
