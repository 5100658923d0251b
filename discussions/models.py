"""Discussion in the margins of the readings: threads, posts, reports.

A thread hangs on one block of a reading (a paragraph, a heading, a list),
named by the block's anchor (`curriculum.rendering.reading_blocks`), and
belongs to one place: a cohort, or the programme's commons where self-paced
learners meet (`cohort` empty). Who sees which place is decided in
`accounts.access`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from curriculum.models import Activity, Programme, RubricLevel
from progress.models import Cohort

# What anyone sees in place of a closed account's name.
FORMER_PARTICIPANT = _("former participant")
EDIT_WINDOW = datetime.timedelta(minutes=15)
MAX_POST_CHARS = 5000


def participant_name(user) -> str:
    """The name a post shows: never that of a closed account."""
    if user is None or not user.is_active:
        return str(FORMER_PARTICIPANT)
    return user.get_full_name()


class CommonsSetting(models.Model):
    """An organisation's choice about the programme's commons: whether its
    people without a cohort may read and post there. Without a row, they may."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="discussion_setting"
    )
    commons_open = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.organisation}: commons {'open' if self.commons_open else 'closed'}"


class Thread(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    # Empty: the programme's commons, for learners without a cohort.
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="threads")
    anchor = models.CharField(max_length=24, help_text="The block of the reading, e.g. p3-1a2b3c.")
    # The block's text when the thread started: shown if the reading changes
    # so much that the block is gone.
    excerpt = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    last_posted_at = models.DateTimeField()
    # Posts a reader sees counted: kept by the services (a hidden or removed
    # post still counts, as it still shows its place in the thread).
    post_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-is_pinned", "-last_posted_at", "-pk"]
        indexes = [
            # Serves the reading page: one place's threads on one reading.
            models.Index(fields=["cohort", "activity"], name="thread_place_reading_idx"),
            # Serves the discussion page: one place's threads, liveliest first.
            models.Index(
                fields=["cohort", "-is_pinned", "-last_posted_at"], name="thread_place_recent_idx"
            ),
        ]

    def __str__(self):
        return self.excerpt[:60]

    def get_absolute_url(self):
        return reverse("discussions:thread", args=[self.pk])

    @property
    def is_commons(self) -> bool:
        return self.cohort_id is None


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=MAX_POST_CHARS)
    # Rendered and sanitised once, when written (`curriculum.rendering`).
    body_html = models.TextField()
    words = models.PositiveIntegerField()
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mentioned_in", blank=True
    )
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    # The author took it back: the thread shows "removed" in its place.
    removed_at = models.DateTimeField(null=True, blank=True)
    # A moderator hid it, with a reason; restoring clears the three.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # Serves a thread's page: its posts in order.
            models.Index(fields=["thread", "created_at"], name="post_thread_order_idx"),
            # Serves the rate limit: one person's posts of the last hour.
            models.Index(fields=["author", "created_at"], name="post_author_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="post_hidden_with_reason",
            ),
        ]

    def __str__(self):
        return f"Post {self.pk} in thread {self.thread_id}"

    def get_absolute_url(self):
        return reverse("discussions:thread", args=[self.thread_id]) + f"#post-{self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_name(self) -> str:
        return participant_name(self.author)

    def editable_by(self, user, now: datetime.datetime) -> bool:
        """Its author may correct it for a while, as long as nobody took it down."""
        return (
            self.author_id == user.pk
            and not self.is_removed
            and not self.is_hidden
            and now - self.created_at <= EDIT_WINDOW
        )


class PostReport(models.Model):
    """Someone asked the moderators to look at a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Reporting twice is one report: a double click cannot fill the queue.
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="report_once_while_open",
            ),
        ]
        indexes = [
            # Serves the moderation queue: open reports, oldest first.
            models.Index(fields=["resolved_at", "created_at"], name="report_queue_idx"),
        ]

    def __str__(self):
        return f"Report on post {self.post_id}"


class PeerReview(models.Model):
    """One peer's review of one submission, allocated when they asked for work
    to review. Pending work is a row: allocated, then given."""

    class Status(models.TextChoices):
        ALLOCATED = "allocated", _("Waiting for the review")
        GIVEN = "given", _("Given")

    submission = models.ForeignKey(
        "progress.Submission", on_delete=models.CASCADE, related_name="peer_reviews"
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_reviews_given"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ALLOCATED)
    feedback = models.TextField(blank=True, max_length=MAX_POST_CHARS)
    feedback_html = models.TextField(blank=True)
    allocated_at = models.DateTimeField()
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["allocated_at", "pk"]
        constraints = [
            # Never the same work twice to one reviewer, even when two requests race.
            models.UniqueConstraint(fields=["submission", "reviewer"], name="peer_review_once"),
            models.CheckConstraint(
                condition=Q(status__in=["allocated", "given"]), name="peer_review_status_known"
            ),
        ]
        indexes = [
            # Serves allocation and the learner's page: one reviewer's reviews of a task.
            models.Index(fields=["reviewer", "activity"], name="peer_review_reviewer_idx"),
        ]

    def __str__(self):
        return f"Peer review of submission {self.submission_id}"


class PeerMark(models.Model):
    """The level a peer gave one rubric criterion."""

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(
        "curriculum.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(max_length=8, choices=RubricLevel.choices)

    class Meta:
        ordering = ["criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="peer_mark_once"),
            models.CheckConstraint(
                condition=Q(level__in=RubricLevel.values), name="peer_mark_level_known"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.level}"
