"""Thin receivers: what happens in progress that peer review answers."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from discussions import notifications
from progress.models import Submission


@receiver(post_save, sender=Submission, dispatch_uid="discussions.peer_work_handed_in")
def peer_work_handed_in(sender, instance, created, **kwargs):
    # In the submission's own transaction: the message is recorded with it.
    # Only work handed in for review opens a round: a record written already
    # reviewed (an import, the demo's history) asks nobody for anything.
    if (
        created
        and instance.status == Submission.Status.SUBMITTED
        and instance.activity.peer_review
        and instance.enrolment.cohort_id
    ):
        notifications.peers_waiting_announce(submission=instance, now=timezone.now())
