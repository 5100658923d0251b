"""Thin tasks: each loads rows by id and calls one function of `api.delivery`."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from api import delivery

SWEEP_CHUNK = 500


@shared_task(bind=True, acks_late=True, soft_time_limit=60, time_limit=90)
def deliver_webhook(self, delivery_id: int) -> bool:
    """One attempt; on failure, Celery tries again after the row's backoff."""
    outcome = delivery.attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=settings.WEBHOOK_MAX_ATTEMPTS)
    return outcome.delivered


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def deliver_due_webhooks() -> int:
    """Queues what is due but not queued: a broker that was away, a worker
    that died, a retry that was lost. Claiming makes an overlap harmless."""
    ids = delivery.due(now=timezone.now(), limit=SWEEP_CHUNK)
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)
