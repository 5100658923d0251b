"""Discussions under load: one reading of the bench's cohort annotated 500
times (threads in its margins, four posts each), made fresh before each bench
run.

The reading page draws its margins (a few threads beside each paragraph, the
rest a link away) and the cohort's discussion page lists the same threads a
page at a time; both are measured like the other pages (their query counts
are fixed by tests/discussions/test_query_counts.py).
"""

import datetime

from django.db import transaction
from django.utils import timezone

ANNOTATIONS = 500
POSTS_PER_THREAD = 4


@transaction.atomic
def prepare(cohort_id: int) -> dict:
    """`ANNOTATIONS` threads on the first reading of the programme, spread over
    its paragraphs, in the bench's cohort, started by its active learners and
    answered by them, the liveliest an hour ago at most; the cohort's earlier
    threads are dropped first."""
    from curriculum.models import Activity
    from curriculum.rendering import reading_blocks
    from discussions.models import Post, Thread
    from discussions.services import UNDISCUSSED_TAGS
    from progress.models import Cohort, Enrolment

    cohort = Cohort.objects.get(pk=cohort_id)
    Thread.objects.filter(cohort=cohort).delete()
    reading = (
        Activity.objects.live()
        .filter(module__stage__programme_id=cohort.programme_id, kind=Activity.Kind.READING)
        .order_by("module__stage__order", "module__order", "order")
        .first()
    )
    learners = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .order_by("pk")
        .values_list("user_id", flat=True)[:50]
    )
    if reading is None or not learners:
        return {"reading": None, "learner": None, "threads": 0, "posts": 0}
    blocks = [
        block for block in reading_blocks(reading.body_html) if block.tag not in UNDISCUSSED_TAGS
    ]
    now = timezone.now().replace(microsecond=0)
    threads = Thread.objects.bulk_create(
        Thread(
            programme_id=cohort.programme_id,
            cohort=cohort,
            activity=reading,
            anchor=blocks[number % len(blocks)].anchor,
            excerpt=blocks[number % len(blocks)].excerpt,
            started_by_id=learners[number % len(learners)],
            created_at=now - datetime.timedelta(days=30),
            last_posted_at=now - datetime.timedelta(hours=1, minutes=number),
            post_count=POSTS_PER_THREAD,
        )
        for number in range(ANNOTATIONS)
    )
    posts = Post.objects.bulk_create(
        Post(
            thread=thread,
            author_id=learners[(number + reply) % len(learners)],
            body=f"On this paragraph, point {reply + 1}: what would our embassy post?",
            body_html=(
                f"<p>On this paragraph, point {reply + 1}: what would our embassy post?</p>"
            ),
            words=11,
            created_at=thread.last_posted_at - datetime.timedelta(minutes=POSTS_PER_THREAD - reply),
        )
        for number, thread in enumerate(threads)
        for reply in range(POSTS_PER_THREAD)
    )
    return {
        "reading": reading.get_absolute_url(),
        "learner": learners[0],
        "threads": len(threads),
        "posts": len(posts),
    }
