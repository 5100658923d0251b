"""Peer review of practice work: allocation, and the review a peer gives.

A practice task whose content asks for it (`peer_review: {reviewers: K,
anonymous: …}`) is reviewed by K peers of the cohort besides the trainer,
who still decides. A learner asks for work once they have handed in their
own, and is given what has the fewest reviews so far, never their own, never
the same twice. Allocation locks the candidate submissions (in one order, so
two requests cannot deadlock) and counts their reviews under the lock, so
two learners asking at once never push a submission past K.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from curriculum.models import Activity, RubricLevel
from curriculum.rendering import PEOPLE_TAGS, render_markdown
from discussions.models import MAX_POST_CHARS, PeerMark, PeerReview
from discussions.services import DiscussionError
from progress.models import Enrolment, Submission


def choose(candidates: list[tuple[int, int, bool]], *, reviewers: int, wanted: int) -> list[int]:
    """Which submissions to give: (submission id, reviews so far, whether its
    author has yet to ask for their own reviews) in the order they were
    handed in. Those below `reviewers`, the fewest reviews first; among
    equals, the work of those who have not asked yet, since nobody can be
    given their own and they will be the last to ask; then the oldest. Pure,
    so the balance is tested without a database."""
    open_ = [
        (count, not waiting, order, pk)
        for order, (pk, count, waiting) in enumerate(candidates)
        if count < reviewers
    ]
    return [row[-1] for row in sorted(open_)[:wanted]]


def peer_reviews_allocate(
    *, enrolment: Enrolment, activity: Activity, now: datetime.datetime
) -> list[PeerReview]:
    """Gives the learner up to K peers' submissions to review; returns every
    review they hold for the task. Fewer than K when the cohort has not handed
    in enough yet: they may ask again later (the trainer reviews regardless)."""
    settings = activity.peer_review
    if not settings:
        raise DiscussionError(_("This task has no peer review."))
    if enrolment.cohort_id is None:
        raise DiscussionError(_("Peer review takes place in a cohort."))
    reviewers = int(settings["reviewers"])
    with transaction.atomic():
        # One request at a time per learner: a double click allocates once.
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if not locked.is_open:
            raise DiscussionError(_("This enrolment has been withdrawn."))
        if not Submission.objects.filter(enrolment=locked, activity=activity).exists():
            raise DiscussionError(_("Hand in your own work first; then review your peers'."))
        held = PeerReview.objects.filter(reviewer_id=locked.user_id, activity=activity)
        wanted = reviewers - held.count()
        if wanted > 0:
            candidates = list(
                access.peer_submissions(enrolment=locked, activity=activity)
                .exclude(peer_reviews__reviewer_id=locked.user_id)
                .select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", "created_at", "enrolment__user_id")
            )
            asked = set(
                PeerReview.objects.filter(
                    activity=activity, reviewer_id__in=[row[2] for row in candidates]
                ).values_list("reviewer_id", flat=True)
            )
            counts = Counter(
                dict(
                    PeerReview.objects.filter(submission_id__in=[row[0] for row in candidates])
                    .values_list("submission_id")
                    .annotate(count=Count("pk"))
                    .values_list("submission_id", "count")
                )
            )
            by_age = sorted(candidates, key=lambda row: (row[1], row[0]))
            chosen = choose(
                [(pk, counts[pk], author not in asked) for pk, _, author in by_age],
                reviewers=reviewers,
                wanted=wanted,
            )
            PeerReview.objects.bulk_create(
                PeerReview(
                    submission_id=pk,
                    activity=activity,
                    cohort_id=locked.cohort_id,
                    reviewer_id=locked.user_id,
                    allocated_at=now,
                )
                for pk in chosen
            )
        return list(held.order_by("allocated_at", "pk"))


@transaction.atomic
def peer_review_give(
    *,
    review: PeerReview,
    user: User,
    marks: dict[int, str],
    feedback: str,
    now: datetime.datetime,
) -> PeerReview:
    """The peer's marks, one level per criterion of the rubric, and feedback."""
    review = PeerReview.objects.select_for_update().get(pk=review.pk)
    if review.reviewer_id != user.pk:
        raise DiscussionError(_("This review is not yours to give."))
    if review.status == PeerReview.Status.GIVEN:
        raise DiscussionError(_("You have already given this review."))
    criteria = review.activity.rubric
    missing = [criterion.name for criterion in criteria if marks.get(criterion.pk) is None]
    if missing:
        raise DiscussionError(
            _("Mark every criterion: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    if any(marks[criterion.pk] not in RubricLevel.values for criterion in criteria):
        raise DiscussionError(_("Choose one of the rubric's levels for each criterion."))
    feedback = feedback.strip()
    if not feedback:
        raise DiscussionError(_("Write your feedback: what works, and what would improve it."))
    if len(feedback) > MAX_POST_CHARS:
        raise DiscussionError(
            _("Feedback holds at most %(max)s characters.") % {"max": MAX_POST_CHARS}
        )
    PeerMark.objects.bulk_create(
        PeerMark(review=review, criterion=criterion, level=marks[criterion.pk])
        for criterion in criteria
    )
    review.feedback = feedback
    review.feedback_html = render_markdown(feedback, tags=PEOPLE_TAGS)
    review.status = PeerReview.Status.GIVEN
    review.given_at = now
    review.save(update_fields=["feedback", "feedback_html", "status", "given_at"])
    return review
