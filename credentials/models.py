"""Credentials a learner earns, and each organisation's choice of what earns one."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from competences.models import Competence
from progress.models import Enrolment
from progress.timemodel import MILESTONE_LABELS


class IssuingPolicy(models.Model):
    """What an organisation's people earn credentials for, and how the
    organisation is named in them. Without a row, the platform's defaults:
    every milestone and every competence, under the organisation's own name."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="issuing_policy"
    )
    # Achievement keys (`credentials.achievements`): "milestone:<code>" or
    # "competence:<slug>".
    achievements = models.JSONField(default=list, blank=True)
    issuer_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The name credentials carry; the organisation's name when empty."),
    )
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = _("issuing policies")

    def __str__(self):
        return f"Credentials of {self.organisation}"


class Credential(models.Model):
    """One Open Badges 3.0 credential, signed once when it is issued.

    A milestone earns one per enrolment (the milestone is that enrolment's);
    a competence one per learner (a standing is the learner's). The database
    refuses a second, so a retried task or an overlapping sweep never issues
    twice. The row keeps the signed credential as it was issued; revoking it
    only flips its bit in the status list.
    """

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        COMPETENCE = "competence", _("Competence")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    milestone = models.CharField(
        max_length=24,
        blank=True,
        choices=[(item.value, label) for item, label in MILESTONE_LABELS.items()],
    )
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    # The organisation the platform issued it for, as it was then; none for a
    # self-paced learner.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    achievement_name = models.CharField(max_length=200)
    issuer_name = models.CharField(max_length=300)
    earned_at = models.DateTimeField(help_text=_("When the learner reached the achievement."))
    issued_at = models.DateTimeField()
    # Its bit in the revocation status list; unique, allotted at issue.
    status_index = models.PositiveIntegerField(unique=True)
    key_id = models.CharField(max_length=100)
    # The compact JWS (VC-JOSE, EdDSA) as issued; emptied when the account is deleted.
    token = models.TextField(blank=True)
    shared = models.BooleanField(default=False)
    share_name = models.BooleanField(
        default=True, help_text=_("Whether the public page names the learner.")
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-earned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "milestone"],
                condition=Q(kind="milestone"),
                name="credential_once_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["user", "competence"],
                condition=Q(kind="competence"),
                name="credential_once_per_competence",
            ),
            models.CheckConstraint(
                condition=(Q(kind="milestone") & ~Q(milestone="") & Q(competence__isnull=True))
                | (Q(kind="competence") & Q(milestone="") & Q(competence__isnull=False)),
                name="credential_names_one_achievement",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="credential_revocation_has_reason",
            ),
        ]
        indexes = [
            # Serves the status list: the indexes of revoked credentials.
            models.Index(
                fields=["status_index"],
                condition=Q(revoked_at__isnull=False),
                name="credential_revoked_idx",
            ),
        ]

    def __str__(self):
        return f"{self.achievement_name} for {self.user}"

    def get_absolute_url(self):
        return reverse("credentials:verify", args=[self.public_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def achievement_key(self) -> str:
        if self.kind == self.Kind.MILESTONE:
            return f"milestone:{self.milestone}"
        return f"competence:{self.competence.slug}"
