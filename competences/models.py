from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ediplomacy.lib.translations import TranslatableModel


class Competence(TranslatableModel):
    """One of the five core e-competences, learned in `order`."""

    TRANSLATED = ("name", "tagline", "description")

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField()
    tagline = models.CharField(max_length=120)
    description = models.TextField()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name


class Outcome(TranslatableModel):
    """Something a learner who has the competence can be seen to do."""

    TRANSLATED = ("text",)

    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["competence__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["competence", "order"], name="outcome_order_unique"),
        ]

    def __str__(self):
        return self.text


class Standing(models.Model):
    """A learner's standing in one competence; written by `progress`."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DEMONSTRATED = "demonstrated", _("Demonstrated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standings"
    )
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="standings")
    state = models.CharField(max_length=16, choices=State.choices, default=State.NOT_STARTED)
    share_done = models.FloatField(
        default=0.0, help_text=_("Share of the stage's work done, 0 to 1.")
    )
    demonstrated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["competence__order"]
        constraints = [
            models.UniqueConstraint(fields=["user", "competence"], name="standing_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(share_done__gte=0) & models.Q(share_done__lte=1),
                name="standing_share_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="demonstrated") | models.Q(demonstrated_at__isnull=False),
                name="standing_demonstrated_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.competence}: {self.get_state_display()}"
