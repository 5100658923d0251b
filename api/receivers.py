"""Thin receivers: what happens in `progress` becomes an event for the
organisation's endpoints. `progress` never names this app; it saves rows,
and Django's `post_save` tells us.

Each receiver runs in the transaction of the change it hears of, so the event
and its deliveries commit with it or not at all (the outbox), and the
deliveries are queued once it commits.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from api import services, tasks
from api.models import EventKind
from ediplomacy.lib.queue import queue_after_commit
from progress.models import HistoryEvent, MilestoneAchievement
from progress.timemodel import MILESTONE_LABELS, Milestone


def _about(enrolment) -> dict:
    return {
        "enrolment": enrolment.pk,
        "learner": {
            "id": enrolment.user_id,
            "email": enrolment.user.email,
            "name": enrolment.user.get_full_name(),
        },
        "cohort": {"id": enrolment.cohort_id, "name": enrolment.cohort.name},
    }


def _record(enrolment, kind: str, key: str, payload, now) -> None:
    for delivery_id in services.webhook_event_record(
        cohort_id=enrolment.cohort_id,
        kind=kind,
        key=key,
        payload=payload,
        now=now,
    ):
        queue_after_commit(tasks.deliver_webhook, delivery_id)


@receiver(post_save, sender=MilestoneAchievement, dispatch_uid="api.milestone")
def milestone_reached(sender, instance, created, raw=False, **kwargs):
    enrolment = instance.enrolment
    if not created or raw or enrolment.cohort_id is None:
        return  # a self-paced learner's progress concerns no organisation
    milestone = Milestone(instance.milestone)
    _record(
        enrolment,
        EventKind.MILESTONE_REACHED,
        f"milestone:{instance.pk}",
        lambda: (
            _about(enrolment)
            | {
                "milestone": milestone.value,
                "title": str(MILESTONE_LABELS[milestone]),
                "achieved_at": instance.achieved_at.isoformat(),
                "on_time": instance.on_time,
            }
        ),
        instance.achieved_at,
    )
    if milestone is Milestone.ACTIVE:
        # The last milestone completes the programme.
        _record(
            enrolment,
            EventKind.ENROLMENT_COMPLETED,
            f"completed:{enrolment.pk}",
            lambda: (
                _about(enrolment)
                | {
                    "title": enrolment.programme.title,
                    "completed_at": instance.achieved_at.isoformat(),
                }
            ),
            instance.achieved_at,
        )


@receiver(post_save, sender=HistoryEvent, dispatch_uid="api.withdrawn")
def learner_withdrawn(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind != HistoryEvent.Kind.WITHDRAWN:
        return
    enrolment = instance.enrolment
    if enrolment.cohort_id is None:
        return
    _record(
        enrolment,
        EventKind.LEARNER_WITHDRAWN,
        f"withdrawn:{instance.pk}",
        lambda: _about(enrolment) | {"withdrawn_at": instance.created_at.isoformat()},
        instance.created_at,
    )
