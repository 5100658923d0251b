"""Peer review pages: the learner's page for a task, and the review form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from curriculum.models import Activity
from discussions import selectors, services_peer
from discussions.forms import PeerReviewForm
from discussions.models import PeerReview
from discussions.services import DiscussionError
from progress.models import Submission
from progress.panels import Panel
from progress.selectors.learner import learner_default_enrolment


def _task(request, activity_id):
    """The learner's open cohort enrolment and a live peer-reviewed task of its
    programme; 404 otherwise."""
    enrolment = learner_default_enrolment(request.user)
    if enrolment is None or not enrolment.is_open or enrolment.cohort_id is None:
        raise Http404("No peer review for you here.")
    activity = (
        Activity.objects.live()
        .filter(
            pk=activity_id,
            kind=Activity.Kind.PRACTICE,
            module__stage__programme_id=enrolment.programme_id,
        )
        .select_related("module__stage")
        .prefetch_related("criteria")
        .first()
    )
    if activity is None or not activity.peer_review:
        raise Http404("No such task.")
    return enrolment, activity


@login_required
def peer_review(request, activity_id):
    enrolment, activity = _task(request, activity_id)
    if request.method == "POST":
        try:
            held = services_peer.peer_reviews_allocate(
                enrolment=enrolment, activity=activity, now=timezone.now()
            )
        except DiscussionError as error:
            messages.error(request, str(error))
        else:
            if held:
                messages.success(request, _("Here is the work to review."))
            else:
                messages.info(
                    request,
                    _("No peer's work is waiting yet: ask again later."),
                )
        return redirect("discussions:peer_review", activity.pk)
    mine = list(
        Submission.objects.filter(enrolment=enrolment, activity=activity).values_list(
            "pk", flat=True
        )
    )
    state = selectors.peer_review_state(user=request.user, activity=activity, submission_ids=mine)
    return render(
        request,
        "discussions/peer_review.html",
        {
            "activity": activity,
            "enrolment": enrolment,
            "submitted": bool(mine),
            "settings": activity.peer_review,
            **state,
        },
    )


@login_required
def peer_review_give(request, review_id):
    review = get_object_or_404(
        PeerReview.objects.select_related("submission__enrolment__user", "activity__module__stage"),
        pk=review_id,
        reviewer=request.user,
    )
    criteria = review.activity.rubric
    form = PeerReviewForm(request.POST or None, criteria=criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services_peer.peer_review_give(
                    review=review,
                    user=request.user,
                    marks=form.marks(),
                    feedback=form.cleaned_data["feedback"],
                    now=timezone.now(),
                )
            except DiscussionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you: your review is given."))
                return redirect("discussions:peer_review", review.activity_id)
        status = 400
    return render(
        request,
        "discussions/peer_review_give.html",
        {
            "review": review,
            "form": form,
            "anonymous": review.activity.peer_review.get("anonymous", True),
        },
        status=status,
    )


# Panels on progress's pages ---------------------------------------------------


def practice_panel(*, request, enrolment, activity) -> Panel | None:
    """On a peer-reviewed task's page: what peer review asks, and its page."""
    if not activity.peer_review or enrolment.cohort_id is None:
        return None
    return Panel(
        "discussions/partials/peer_practice.html",
        {
            "settings": activity.peer_review,
            "url": reverse("discussions:peer_review", args=[activity.pk]),
        },
    )


def review_panel(*, request, submission) -> Panel | None:
    """On the trainer's review page: the peers' marks and feedback, with names."""
    if not submission.activity.peer_review:
        return None
    roles = access.user_roles(request.user)
    access.submission_reviewable(user=request.user, roles=roles, pk=submission.pk)
    return Panel(
        "discussions/partials/peer_marks.html",
        {
            "reviews": selectors.peer_reviews_of_submission(submission=submission),
            "settings": submission.activity.peer_review,
        },
    )


# The participation table's own page, beside the cohort page's learners' `page`.
PARTICIPATION_PAGE = "reviews_page"


def cohort_panel(*, request, cohort) -> Panel | None:
    """On the cohort page: its discussion, and peer-review participation per learner."""
    query = request.GET.copy()
    query.pop(PARTICIPATION_PAGE, None)
    return Panel(
        "discussions/partials/cohort_participation.html",
        {
            **selectors.cohort_participation(
                cohort=cohort, page_number=request.GET.get(PARTICIPATION_PAGE)
            ),
            "discussion_url": reverse("discussions:cohort", args=[cohort.pk]),
            "query": query.urlencode(),
            "page_parameter": PARTICIPATION_PAGE,
        },
    )
