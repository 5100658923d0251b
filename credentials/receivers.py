"""Thin receivers: what happens elsewhere that earns or ends a credential."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import account_closed
from competences.models import Standing
from credentials import services, tasks
from ediplomacy.lib.queue import queue_after_commit
from progress.models import MilestoneAchievement


@receiver(post_save, sender=MilestoneAchievement, dispatch_uid="credentials.milestone")
def milestone_reached(sender, instance, created, **kwargs):
    if created:
        queue_after_commit(tasks.issue_milestone_credential, instance.pk)


@receiver(post_save, sender=Standing, dispatch_uid="credentials.standing")
def competence_demonstrated(sender, instance, **kwargs):
    if instance.state == Standing.State.DEMONSTRATED:
        queue_after_commit(tasks.issue_competence_credential, instance.pk)


@receiver(account_closed, dispatch_uid="credentials.account_closed")
def account_deleted(sender, user, **kwargs):
    # In the deletion's own transaction: the account and its credentials go together.
    services.credentials_forget_account(user=user, now=timezone.now())
