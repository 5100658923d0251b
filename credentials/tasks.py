"""Celery tasks: thin, they take ids and call one service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from credentials import services

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "max_retries": 5,
}
# Credentials issued by one sweep, of each kind: the rest wait for the next.
SWEEP_CHUNK = 200


@shared_task(**RETRY)
def issue_milestone_credential(achievement_id: int) -> bool:
    issued = services.credential_issue_for_milestone(
        achievement_id=achievement_id, now=timezone.now()
    )
    return issued is not None


@shared_task(**RETRY)
def issue_competence_credential(standing_id: int) -> bool:
    issued = services.credential_issue_for_standing(standing_id=standing_id, now=timezone.now())
    return issued is not None


@shared_task(acks_late=True)
def issue_missing_credentials() -> int:
    """Queues the credentials that a lost task or a broker outage left unissued."""
    milestones, standings = services.credentials_missing(limit=SWEEP_CHUNK)
    for achievement_id in milestones:
        issue_milestone_credential.delay(achievement_id)
    for standing_id in standings:
        issue_competence_credential.delay(standing_id)
    return len(milestones) + len(standings)
