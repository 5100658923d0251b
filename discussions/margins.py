"""The threads beside each block of a reading, for the reading page (progress)."""

from django.urls import reverse

from accounts import access
from discussions import selectors
from discussions.services import UNDISCUSSED_TAGS
from progress.margins import Margin


def reading_margin(*, request, enrolment, activity, blocks) -> Margin | None:
    """Threads by block for the learner's place; None if they have no place
    to discuss (withdrawn, or the commons is closed to them)."""
    roles = access.user_roles(request.user)
    place = access.discussion_place(user=request.user, roles=roles, enrolment=enrolment)
    if place is False:
        return None
    cohort = None if place is True else place
    found = selectors.reading_margin_threads(cohort=cohort, activity=activity)
    by_anchor = {}
    anchors = {block.anchor for block in blocks}
    digests = {block.digest: block.anchor for block in blocks}
    orphaned = []
    for anchor, threads in found.items():
        if anchor not in anchors:
            # The reading changed: a block whose text is unchanged but moved
            # keeps its threads; a reworded one's threads are listed apart,
            # with the words they were about, rather than pinned to a stranger.
            moved = digests.get(anchor.rpartition("-")[2])
            if moved is None:
                orphaned.extend(threads)
                continue
            anchor = moved
        by_anchor.setdefault(anchor, []).extend(threads)
    return Margin(
        template="discussions/partials/margin.html",
        by_anchor=by_anchor,
        extra={
            "start_url": reverse("discussions:start", args=[activity.pk]),
            "undiscussed": UNDISCUSSED_TAGS,
            "orphaned": orphaned,
            "in_commons": cohort is None,
            "place_url": reverse("discussions:cohort", args=[cohort.pk])
            if cohort
            else reverse("discussions:commons"),
        },
    )
