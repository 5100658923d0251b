"""Everything a learner does, and everything derived from it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from curriculum.models import Activity, Criterion, Programme, Resource, RubricLevel
from progress import history
from progress.timemodel import MILESTONE_LABELS, PACE_LABELS, EnrolmentAssessment, Milestone, Pace

DEFAULT_LENGTH_DAYS = 365

# The time model's snapshot on each enrolment: a pace for the enrolment, and
# a status (a pace too) per milestone, in the column named after it.
NEVER_ASSESSED = ""
SNAPSHOT_CHOICES = [(NEVER_ASSESSED, _("Not yet assessed"))] + [
    (pace.value, capfirst(PACE_LABELS[pace])) for pace in Pace
]
MILESTONE_FIELDS: dict[Milestone, str] = {
    Milestone.ACQUAINTED: "acquainted",
    Milestone.E_LISTENER: "e_listener",
    Milestone.ACTIVE: "active_e_diplomat",
}
SNAPSHOT_STATUS_FIELDS = ["pace", *MILESTONE_FIELDS.values()]
# What `Enrolment.snapshot_apply` writes, for `bulk_update`.
SNAPSHOT_FIELDS = [*SNAPSHOT_STATUS_FIELDS, "assessed_at"]


class Cohort(models.Model):
    """A group of an organisation's learners who follow the programme together."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cohorts")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    length_days = models.PositiveIntegerField(default=DEFAULT_LENGTH_DAYS)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trained_cohorts", blank=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-starts_on", "name"]
        indexes = [
            # Serves an organisation's cohort list, live ones first.
            models.Index(fields=["organisation", "archived_at"], name="cohort_org_archived_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(length_days__gte=1), name="cohort_length_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("progress:cohort", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def starts_at(self) -> datetime.datetime:
        """The start of the cohort's first day, in UTC."""
        return datetime.datetime.combine(self.starts_on, datetime.time.min, tzinfo=datetime.UTC)


class Invitation(models.Model):
    """An e-mail invitation to join a cohort, for someone without an account yet.

    Whoever signs up and confirms this address, through the link or later,
    lands in the cohort while the invitation is pending and not expired.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    display_name = models.CharField(max_length=150, blank=True)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(help_text=_("When the invitation was last (re-)sent."))
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the mail server last accepted its e-mail.")
    )
    send_count = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address",
            ),
        ]
        indexes = [
            # Serves accepting on sign-up: pending invitations for one address.
            models.Index(fields=["email", "status"], name="invitation_email_status_idx"),
        ]

    def __str__(self):
        return f"{self.email} to {self.cohort}"

    def expires_at(self) -> datetime.datetime:
        return self.sent_at + datetime.timedelta(days=settings.INVITATION_DAYS)

    def is_expired(self, now: datetime.datetime) -> bool:
        return now > self.expires_at()


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    started_at = models.DateTimeField()
    length_days = models.PositiveIntegerField(default=DEFAULT_LENGTH_DAYS)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # A snapshot of the time model, so reports count with aggregate queries:
    # services refresh it on every change, and the nudge planner as time passes.
    pace = models.CharField(max_length=20, blank=True, choices=SNAPSHOT_CHOICES)
    acquainted = models.CharField(max_length=20, blank=True, choices=SNAPSHOT_CHOICES)
    e_listener = models.CharField(max_length=20, blank=True, choices=SNAPSHOT_CHOICES)
    active_e_diplomat = models.CharField(max_length=20, blank=True, choices=SNAPSHOT_CHOICES)
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Enrolling twice is refused: one open enrolment per learner and
            # programme. A withdrawn one stays with its cohort's organisation,
            # so joining another organisation starts a new enrolment beside it.
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=~Q(status="withdrawn"),
                name="enrolment_one_open_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(length_days__gte=1), name="enrolment_length_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "paused", "withdrawn", "completed"]),
                name="enrolment_status_known",
            ),
            # Reports count the snapshot by its codes: a stray one would drop
            # a learner from every figure without a word.
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__in": [code for code, _ in SNAPSHOT_CHOICES]}),
                    name=f"enrolment_{name}_known",
                )
                for name in SNAPSHOT_STATUS_FIELDS
            ],
        ]
        indexes = [
            # Serves cohort pages and reports: a cohort's enrolments by status.
            models.Index(fields=["cohort", "status"], name="enrolment_cohort_status_idx"),
            # Serves the report's pace filter and its pace counts per cohort.
            models.Index(fields=["cohort", "pace"], name="enrolment_cohort_pace_idx"),
            # Serves the report's "enrolment start between" filter.
            models.Index(fields=["started_at"], name="enrolment_started_idx"),
        ]

    def __str__(self):
        return f"{self.user} in {self.programme}"

    @property
    def is_open(self) -> bool:
        """Whether the learner can study: not withdrawn."""
        return self.status != self.Status.WITHDRAWN

    @property
    def has_trainer(self) -> bool:
        return self.cohort_id is not None

    def local_today(self, now: datetime.datetime) -> datetime.date:
        return now.astimezone(self.user.zone).date()

    def snapshot_apply(self, assessment: EnrolmentAssessment, now: datetime.datetime) -> bool:
        """Copies the time model's assessment onto the snapshot (not saved).

        Returns whether the pace or a milestone's status changed, or the
        enrolment had never been assessed: whether the row needs writing.
        """
        before = [getattr(self, name) for name in SNAPSHOT_STATUS_FIELDS]
        never = self.assessed_at is None
        self.pace = assessment.pace.value
        for item in assessment.milestones:
            setattr(self, MILESTONE_FIELDS[item.milestone], item.status.value)
        self.assessed_at = now
        return never or before != [getattr(self, name) for name in SNAPSHOT_STATUS_FIELDS]


class Pause(models.Model):
    """A stretch of time (leave, a crisis posting) that does not count against the learner."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(ended_at__isnull=True), name="pause_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment} paused from {self.started_at:%Y-%m-%d}"


class Completion(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="completions")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            # A double submit or a race leaves one row.
            models.UniqueConstraint(fields=["enrolment", "activity"], name="completion_once"),
        ]

    def __str__(self):
        return f"{self.enrolment.user} completed {self.activity}"


class QuizDraw(models.Model):
    """The paper a learner has open: the questions drawn for their next
    attempt, each with its choices in the order shown (`curriculum.grading`).

    Pending work is a row: reloading the quiz shows the same paper, and the
    attempt that grades it removes it, so a paper is graded once.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_draws")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    paper = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One open paper per quiz: a second tab shows the same questions.
            models.UniqueConstraint(fields=["enrolment", "activity"], name="quiz_draw_one_open"),
        ]

    def __str__(self):
        return f"{self.activity} drawn for {self.enrolment}"


class QuizAttempt(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_attempts")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="quiz_attempts")
    # The paper as shown (questions, choices in order, each choice with its
    # content index as `key`); empty for attempts recorded before papers were
    # kept, which showed every question in content order.
    paper = models.JSONField(default=list, blank=True)
    # {"0": [1], "1": [0, 2]}: question position on the paper -> the keys of
    # the choices selected
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField(
        help_text=_("Percent of questions answered correctly.")
    )
    passed = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="quiz_score_at_most_100"),
        ]
        indexes = [
            # Serves "best score and attempts for this activity" on the quiz page.
            models.Index(fields=["enrolment", "activity", "-score"], name="quiz_attempt_best_idx"),
        ]

    def __str__(self):
        return f"{self.activity}: {self.score}%"


class QuizGrant(models.Model):
    """One attempt at a quiz beyond its cap, granted by a trainer."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_grants")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # Serves the retake policy: the grants of one learner's quiz.
            models.Index(fields=["enrolment", "activity"], name="quiz_grant_enrolment_idx"),
        ]

    def __str__(self):
        return f"Another attempt at {self.activity}"


class Follow(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="follows")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="follows")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "resource"], name="follow_once"),
        ]

    def __str__(self):
        return f"{self.enrolment.user} follows {self.resource}"


class ListeningEntry(models.Model):
    """One day's listening: what the learner followed and what they learned."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="listening_entries"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="listening_entries"
    )
    day = models.DateField(help_text=_("The learner's local date."))
    followed = models.TextField()
    learned = models.TextField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = _("listening entries")
        constraints = [
            # One entry a day, edited during that day: listening is a habit, not a sitting.
            models.UniqueConstraint(
                fields=["enrolment", "activity", "day"], name="listening_one_a_day"
            ),
        ]

    def __str__(self):
        return f"Listening on {self.day}"


class Submission(models.Model):
    """Practice work handed in for review (or self-assessed, without a trainer)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned with feedback")
        SELF_ASSESSED = "self_assessed", _("Self-assessed")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="submissions")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="submissions")
    text = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    # Criterion index -> true when the learner judges it met (self-paced only).
    self_assessment = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One piece of work waiting at a time; a double submit cannot queue two.
            models.UniqueConstraint(
                fields=["enrolment", "activity"],
                condition=Q(status="submitted"),
                name="submission_one_waiting",
            ),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(link=""), name="submission_has_text_or_link"
            ),
        ]
        indexes = [
            # Serves the review queue: waiting submissions, oldest first.
            models.Index(fields=["status", "created_at"], name="submission_queue_idx"),
        ]

    def __str__(self):
        return f"{self.activity} ({self.get_status_display()})"


class CriterionMark(models.Model):
    """The level a trainer gave one rubric criterion when reviewing a submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="marks")
    level = models.CharField(max_length=8, choices=RubricLevel.choices)

    class Meta:
        ordering = ["criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="mark_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(level__in=RubricLevel.values), name="mark_level_known"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_level_display()}"

    @property
    def descriptor(self) -> str:
        return self.criterion.descriptor(self.level)


class AlternativeEvidence(models.Model):
    """What a learner whose ministry does not allow a professional account offers
    instead of its follower check-ins: an institutional account's figures they
    contribute to, or practice work. Once their trainer approves it, it counts
    toward the year milestone as a stable following would."""

    class Source(models.TextChoices):
        INSTITUTIONAL = "institutional", _("Figures of an institutional account I contribute to")
        PRACTICE = "practice", _("Practice work that shows the same skills")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for your trainer's approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with feedback")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="alternative_evidence"
    )
    # The check-in activity it stands in for.
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    description = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("alternative evidence")
        constraints = [
            # One request waiting at a time; a double submit cannot queue two.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status="submitted"),
                name="alternative_evidence_one_waiting",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "approved", "returned"]),
                name="alternative_evidence_status_known",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["institutional", "practice"]),
                name="alternative_evidence_source_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} ({self.get_status_display()})"


class Reflection(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reflections")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="reflections")
    text = models.TextField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "activity"], name="reflection_once"),
        ]

    def __str__(self):
        return f"Reflection on {self.activity}"


class FollowingCheckin(models.Model):
    """The follower count of the learner's professional account on one day."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="checkins")
    recorded_on = models.DateField()
    followers = models.PositiveIntegerField()
    account = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_on"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "recorded_on"], name="checkin_one_a_day"),
        ]

    def __str__(self):
        return f"{self.followers} followers on {self.recorded_on}"


class MilestoneAchievement(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="achievements")
    milestone = models.CharField(
        max_length=24, choices=[(item.value, label) for item, label in MILESTONE_LABELS.items()]
    )
    achieved_at = models.DateTimeField()
    on_time = models.BooleanField()
    time_share = models.FloatField(
        null=True, help_text=_("Active time taken, as a share of the milestone's horizon.")
    )

    class Meta:
        ordering = ["achieved_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "milestone"], name="achievement_once"),
        ]

    def __str__(self):
        return f"{self.get_milestone_display()} at {self.achieved_at:%Y-%m-%d}"


class HistoryEventQuerySet(models.QuerySet):
    def for_lines(self) -> "HistoryEventQuerySet":
        """With what a line says (the activity's title) and names (who acted),
        in the same query; the activities' long texts are left behind."""
        return self.select_related("actor", "activity").defer(
            "activity__body",
            "activity__body_html",
            "activity__config",
            "activity__body_translations",
        )


class HistoryEvent(models.Model):
    """One line of a learner's activity history."""

    Kind = history.Kind

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who acted, when someone did (a trainer withdrawing, pausing, reviewing).
    # The summary never names them: pages name the account as it is now, so a
    # closed account's name leaves every learner's history with it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The facts the line is said from, in the reader's language (`text`):
    # a score, a count, a day, a milestone's code, a reason, a cohort's name.
    # Null on rows written before it that could not be read back.
    params = models.JSONField(null=True, blank=True)
    # The line in English, written with the facts; shown as it is where
    # `params` is null.
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    objects = HistoryEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Serves "recent activity": a learner's newest events first.
            models.Index(fields=["enrolment", "-created_at"], name="history_recent_idx"),
        ]

    def __str__(self):
        return self.summary

    @property
    def text(self) -> str:
        """The line in the active language; the stored English for a row whose
        facts are unknown. Reads the activity and the enrolment's programme:
        list rows `for_lines()`."""
        return (
            history.history_text(
                kind=self.kind,
                params=self.params,
                activity=self.activity.title if self.activity_id else None,
                # Only a start names the programme: other lines read no enrolment.
                programme=(
                    self.enrolment.programme.title
                    if self.kind == self.Kind.ENROLLED and not self.params
                    else None
                ),
            )
            or self.summary
        )

    @property
    def by(self) -> str:
        """Who did it, for "… by <name>": empty when nobody else did (the
        learner themselves, the system); never the name of a closed account."""
        if self.actor_id is None or self.actor_id == self.enrolment.user_id:
            return ""
        if not self.actor.is_active:
            return gettext("a former trainer")
        return self.actor.get_full_name()


class Nudge(models.Model):
    """One message to one person: an in-app notification, and an e-mail when allowed.

    Pending work is a row: the unique key (recipient, rule, subject, period)
    makes planning twice a no-op, and delivery claims rows by a conditional
    update, so a second worker or a retry never sends one twice. The
    notification shows as soon as it is delivered (`status` sent); the e-mail
    goes with it, or waits for the morning and is claimed again on its own
    (`email`), because quiet hours and the daily cap are rules for e-mail only.
    """

    class Rule(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        MILESTONE_ACHIEVED = "milestone_achieved", _("Milestone reached")
        DUE_SOON = "due_soon", _("Milestone due soon")
        OVERDUE = "overdue", _("Milestone overdue")
        BEHIND = "behind_pace", _("Behind pace")
        INACTIVE = "inactive", _("Inactive for a while")
        REVIEWED = "reviewed", _("Practice work reviewed")
        TRAINER_DIGEST = "trainer_digest", _("Weekly cohort digest")
        ORG_SUMMARY = "org_summary", _("Monthly organisation summary")
        # Written by the discussions app (its content is registered there).
        DISCUSSION_REPLY = "discussion_reply", _("A reply to your thread")
        DISCUSSION_MENTION = "discussion_mention", _("A mention in a discussion")
        TRAINER_REPLY = "trainer_reply", _("Your trainer's reply in a discussion")
        PEER_REVIEW_WAITING = "peer_review_waiting", _("Peers waiting for your review")
        # One e-mail a day gathering the messages a person chose to read so
        # (the discussions' kinds); planned when the first of the day is shown.
        DAILY_DIGEST = "daily_digest", _("Daily digest of discussions")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    class Email(models.TextChoices):
        """The e-mail's own course. The notification shows once `status` is
        sent; the e-mail may wait for the morning (quiet hours) and is then
        claimed and sent on its own, or dropped (the daily cap, an unsubscribe)."""

        NONE = "", _("Not yet decided")
        WAITING = "waiting", _("E-mail waiting")
        SENDING = "sending", _("E-mail being sent")
        SENT = "sent", _("E-mailed")
        IN_APP = "in_app", _("In-app only")
        # Shown in the app; its e-mail waits for the recipient's daily digest.
        DIGEST = "digest", _("In the daily digest")

    # The reason kept on a row whose e-mail waits for the recipient's morning.
    QUIET_HOURS = "quiet hours"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges"
    )
    rule = models.CharField(max_length=24, choices=Rule.choices)
    subject = models.CharField(max_length=80, help_text=_("What it is about, e.g. enrolment:12."))
    period = models.CharField(
        max_length=40, help_text=_("Which occurrence, e.g. a milestone or week.")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, null=True, blank=True, related_name="nudges"
    )
    milestone = models.CharField(max_length=24, blank=True)
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    email = models.CharField(max_length=8, choices=Email.choices, default=Email.NONE, blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    # What a digest said when it went out, so the in-app copy shows the same.
    digest = models.JSONField(default=list, blank=True)
    not_before = models.DateTimeField(help_text=_("Held until then (an organisation's pause)."))
    email_not_before = models.DateTimeField(
        null=True, blank=True, help_text=_("The e-mail waits until then (quiet hours).")
    )
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text=_("Shown in the app."))
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "rule", "subject", "period"], name="nudge_once"
            ),
        ]
        indexes = [
            # Serves delivery: pending rows whose time has come, oldest first.
            models.Index(fields=["status", "not_before"], name="nudge_due_idx"),
            # Serves the notification centre and its unread count.
            models.Index(fields=["recipient", "status", "read_at"], name="nudge_inbox_idx"),
            # Serves the daily e-mail cap: a recipient's e-mails of the last day.
            models.Index(fields=["recipient", "email", "emailed_at"], name="nudge_email_cap_idx"),
            # Serves delivery of e-mails that waited: waiting ones whose morning has come.
            models.Index(fields=["email", "email_not_before"], name="nudge_email_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} for {self.recipient}"

    @property
    def email_waits_for_morning(self) -> bool:
        return self.email == self.Email.WAITING and self.skip_reason == self.QUIET_HOURS
