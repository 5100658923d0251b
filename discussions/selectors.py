"""Reads for the discussion pages, each in a fixed number of queries."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from curriculum.models import Activity
from discussions.models import PeerReview, Post, PostReport, Thread
from progress.models import Cohort, Enrolment

THREADS_PER_PAGE = 20
# Beside one paragraph of a reading: the rest are a link away.
MARGIN_THREADS_PER_BLOCK = 5
POSTS_PER_PAGE = 50


def _with_opening(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Each thread with its opening post's words and state, in the same query."""
    opening = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "pk")
    return threads.annotate(
        opening_body=Subquery(opening.values("body")[:1]),
        opening_hidden=Subquery(opening.values("hidden_at")[:1]),
        opening_removed=Subquery(opening.values("removed_at")[:1]),
    ).select_related("started_by")


def place_threads(*, cohort: Cohort | None, programme_id: int) -> QuerySet[Thread]:
    """The threads of one place: a cohort, or (no cohort) the programme's commons."""
    if cohort is not None:
        return Thread.objects.filter(cohort=cohort)
    return Thread.objects.filter(cohort__isnull=True, programme_id=programme_id)


def reading_margin_threads(*, cohort: Cohort | None, activity: Activity) -> dict[str, list]:
    """One place's threads on a reading, by anchor, pinned and liveliest
    first: at most `MARGIN_THREADS_PER_BLOCK` of each anchor, each thread
    carrying its anchor's number of threads (`in_block`). One query, and a
    bounded page, however many threads the reading holds."""
    threads = _with_opening(
        place_threads(cohort=cohort, programme_id=activity.module.stage.programme_id).filter(
            activity=activity
        )
    ).annotate(
        place_in_block=Window(
            RowNumber(),
            partition_by=[F("anchor")],
            order_by=[F("is_pinned").desc(), F("last_posted_at").desc(), F("pk").desc()],
        ),
        in_block=Window(Count("pk"), partition_by=[F("anchor")]),
    )
    by_anchor: dict[str, list] = {}
    chosen = threads.filter(place_in_block__lte=MARGIN_THREADS_PER_BLOCK).order_by(
        "anchor", "place_in_block"
    )
    for thread in chosen:
        by_anchor.setdefault(thread.anchor, []).append(thread)
    return by_anchor


def discussion_page(
    *,
    cohort: Cohort | None,
    programme_id: int,
    stage_slug: str | None,
    page_number,
    reading_id: int | None = None,
    digest: str | None = None,
):
    """A page of a place's threads, liveliest first, optionally of one stage,
    or of one reading and one of its blocks (named by its text's `digest`, so
    a block that moved keeps its threads): two queries (the count and the
    page), whatever the number of posts."""
    threads = place_threads(cohort=cohort, programme_id=programme_id)
    if stage_slug:
        threads = threads.filter(activity__module__stage__slug=stage_slug)
    if reading_id:
        threads = threads.filter(activity_id=reading_id)
        if digest:
            threads = threads.filter(anchor__endswith=f"-{digest}")
    threads = _with_opening(threads).select_related("activity__module__stage")
    return Paginator(
        threads.order_by("-is_pinned", "-last_posted_at", "-pk"), THREADS_PER_PAGE
    ).get_page(page_number)


def thread_posts(*, thread: Thread, page_number):
    """A page of a thread's posts, in order: two queries."""
    posts = Post.objects.filter(thread=thread).select_related("author", "hidden_by")
    posts = posts.annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
    ).order_by("created_at", "pk")
    return Paginator(posts, POSTS_PER_PAGE).get_page(page_number)


def moderation_queue(*, reports: QuerySet[PostReport], page_number):
    """Reported posts, the longest waiting first, each with its open reports:
    three queries (count, page, reports)."""
    waiting = reports.values("post_id")
    posts = (
        Post.objects.filter(pk__in=waiting)
        .select_related("author", "thread__cohort", "thread__activity__module__stage")
        .annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
            first_reported=Subquery(
                PostReport.objects.filter(post=OuterRef("pk"), resolved_at__isnull=True)
                .order_by("created_at")
                .values("created_at")[:1]
            ),
        )
        .order_by("first_reported", "pk")
    )
    page = Paginator(posts, THREADS_PER_PAGE).get_page(page_number)
    by_post: dict[int, list] = {}
    for report in reports.filter(post__in=[post.pk for post in page]).select_related("reporter"):
        by_post.setdefault(report.post_id, []).append(report)
    for post in page:
        post.open_report_list = by_post.get(post.pk, [])
    return page


# Peer review ---------------------------------------------------------------


def peer_review_state(*, user, activity: Activity, submission_ids: list[int]) -> dict:
    """What a learner's peer-review page shows: the reviews they hold for the
    task, and those their own work received, which open to them once they have
    given theirs. Three queries."""
    given_by_me = list(
        PeerReview.objects.filter(reviewer=user, activity=activity)
        .select_related("submission__enrolment__user")
        .order_by("allocated_at", "pk")
    )
    received = list(
        PeerReview.objects.filter(submission_id__in=submission_ids, status=PeerReview.Status.GIVEN)
        .select_related("reviewer")
        .prefetch_related("marks__criterion")
        .order_by("given_at", "pk")
    )
    waiting = [review for review in given_by_me if review.status != PeerReview.Status.GIVEN]
    done = len(given_by_me) - len(waiting)
    return {
        "held": given_by_me,
        "waiting": waiting,
        "received": received,
        "received_open": done > 0 and not waiting,
    }


def peer_reviews_of_submission(*, submission) -> list:
    """The peers' reviews of one submission, for its trainer: two queries."""
    return list(
        PeerReview.objects.filter(submission=submission)
        .select_related("reviewer")
        .prefetch_related("marks__criterion")
        .order_by("allocated_at", "pk")
    )


# What a person's data export holds ---------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def personal_discussions(*, user) -> dict:
    """The person's posts, the peer reviews they gave and those they received
    (without the reviewers' names): four queries, whatever their number."""
    posts = Post.objects.filter(author=user).select_related("thread__activity", "thread__cohort")
    given = (
        PeerReview.objects.filter(reviewer=user)
        .select_related("activity")
        .prefetch_related("marks__criterion")
    )
    received = (
        PeerReview.objects.filter(submission__enrolment__user=user, status="given")
        .select_related("activity")
        .prefetch_related("marks__criterion")
    )

    def review(item) -> dict:
        return {
            "task": item.activity.title,
            "status": item.status,
            "feedback": item.feedback,
            "marks": {mark.criterion.name: mark.level for mark in item.marks.all()},
            "given_at": _iso(item.given_at),
        }

    return {
        "posts": [
            {
                "reading": post.thread.activity.title,
                "place": post.thread.cohort.name if post.thread.cohort_id else "commons",
                "paragraph": post.thread.excerpt,
                "text": post.body,
                "written_at": _iso(post.created_at),
                "edited_at": _iso(post.edited_at),
                "removed_at": _iso(post.removed_at),
                "hidden_reason": post.hidden_reason,
            }
            for post in posts.order_by("created_at", "pk")
        ],
        "peer_reviews_given": [review(item) for item in given.order_by("allocated_at", "pk")],
        "peer_reviews_received": [review(item) for item in received.order_by("given_at", "pk")],
    }


def cohort_participation(*, cohort: Cohort, page_number=None, page_size: int = 50) -> dict:
    """The cohort's discussion and peer review at a glance, for its trainer:
    threads, open reports, and for one page of its learners the peer reviews
    given (of those allocated) and received. Six queries, whatever the
    cohort's size."""
    threads = Thread.objects.filter(cohort=cohort).count()
    reports = PostReport.objects.filter(post__thread__cohort=cohort, resolved_at__isnull=True)
    learners = (
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("user")
        .order_by("user__display_name", "user__email", "pk")
    )
    page = Paginator(learners, page_size).get_page(page_number)
    shown = list(page.object_list)
    people = [enrolment.user_id for enrolment in shown]
    given = {
        row["reviewer_id"]: row
        for row in PeerReview.objects.filter(cohort=cohort, reviewer_id__in=people)
        .values("reviewer_id")
        .annotate(
            allocated=Count("pk"), given=Count("pk", filter=Q(status=PeerReview.Status.GIVEN))
        )
    }
    received = dict(
        PeerReview.objects.filter(
            cohort=cohort,
            status=PeerReview.Status.GIVEN,
            submission__enrolment__user_id__in=people,
        )
        .values("submission__enrolment__user_id")
        .annotate(count=Count("pk"))
        .values_list("submission__enrolment__user_id", "count")
    )
    rows = [
        {
            "name": enrolment.user.get_full_name(),
            "allocated": given.get(enrolment.user_id, {}).get("allocated", 0),
            "given": given.get(enrolment.user_id, {}).get("given", 0),
            "received": received.get(enrolment.user_id, 0),
        }
        for enrolment in shown
    ]
    return {"threads": threads, "open_reports": reports.count(), "rows": rows, "page": page}


# The completion report's columns (`reports.columns`) --------------------------


def _count_of(reviews: QuerySet[PeerReview], by: str) -> Coalesce:
    """A correlated count of `reviews`, grouped on the column the outer row fixes."""
    counted = reviews.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def peer_review_counts(enrolment_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per enrolment, the peer reviews its learner was allocated and gave in its
    cohort, and those their work received: one query, whatever the number."""
    held = PeerReview.objects.filter(
        reviewer_id=OuterRef("user_id"), cohort_id=OuterRef("cohort_id")
    )
    received = PeerReview.objects.filter(
        submission__enrolment_id=OuterRef("pk"), status=PeerReview.Status.GIVEN
    )
    rows = (
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .order_by()
        .values_list("pk")
        .annotate(
            allocated=_count_of(held, "reviewer_id"),
            given=_count_of(held.filter(status=PeerReview.Status.GIVEN), "reviewer_id"),
            received=_count_of(received, "submission__enrolment_id"),
        )
    )
    return {
        pk: {
            "peer_reviews_allocated": allocated,
            "peer_reviews_given": given,
            "peer_reviews_received": received,
        }
        for pk, allocated, given, received in rows
    }


def peer_review_totals(enrolments: QuerySet[Enrolment]) -> dict[str, int]:
    """The same counts summed over a set of enrolments: two queries."""
    scope = enrolments.order_by()
    held = PeerReview.objects.filter(
        Exists(scope.filter(user_id=OuterRef("reviewer_id"), cohort_id=OuterRef("cohort_id")))
    ).aggregate(allocated=Count("pk"), given=Count("pk", filter=Q(status=PeerReview.Status.GIVEN)))
    received = PeerReview.objects.filter(
        status=PeerReview.Status.GIVEN, submission__enrolment__in=scope.values("pk")
    ).count()
    return {
        "peer_reviews_allocated": held["allocated"],
        "peer_reviews_given": held["given"],
        "peer_reviews_received": received,
    }
