"""Thin receivers: what happens elsewhere that earns or ends a credential."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from competences.models import Standing
from credentials import services, tasks
from ediplomacy.lib.queue import queue_after_commit
from progress.models import MilestoneAchievement

# `progress.services.privacy.account_delete` closes an account by moving its
# address into this reserved domain (RFC 2606: no real address ends so).
DELETED_ACCOUNT_DOMAIN = "@deleted.invalid"


@receiver(post_save, sender=MilestoneAchievement, dispatch_uid="credentials.milestone")
def milestone_reached(sender, instance, created, **kwargs):
    if created:
        queue_after_commit(tasks.issue_milestone_credential, instance.pk)


@receiver(post_save, sender=Standing, dispatch_uid="credentials.standing")
def competence_demonstrated(sender, instance, **kwargs):
    if instance.state == Standing.State.DEMONSTRATED:
        queue_after_commit(tasks.issue_competence_credential, instance.pk)


@receiver(post_save, sender=User, dispatch_uid="credentials.account_deleted")
def account_deleted(sender, instance, **kwargs):
    # In the deletion's own transaction: the account and its credentials go together.
    if not instance.is_active and instance.email.endswith(DELETED_ACCOUNT_DOMAIN):
        services.credentials_forget_account(user=instance, now=timezone.now())
