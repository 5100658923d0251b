"""The threads beside each block of a reading, for the reading page (progress)."""

from dataclasses import dataclass, field

from django.urls import reverse

from accounts import access
from discussions import selectors
from discussions.services import UNDISCUSSED_TAGS
from progress.margins import Margin


@dataclass
class BlockThreads:
    """Beside one block: how many threads it has, and the first few of them
    (`selectors.MARGIN_THREADS_PER_BLOCK`, pinned and liveliest first)."""

    total: int = 0
    shown: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def reading_margin(*, request, enrolment, activity, blocks) -> Margin | None:
    """Threads by block for the learner's place; None if they have no place
    to discuss (withdrawn, or the commons is closed to them)."""
    roles = access.user_roles(request.user)
    place = access.discussion_place(user=request.user, roles=roles, enrolment=enrolment)
    if place is False:
        return None
    cohort = None if place is True else place
    found = selectors.reading_margin_threads(cohort=cohort, activity=activity)
    by_anchor: dict[str, BlockThreads] = {}
    anchors = {block.anchor for block in blocks}
    digests = {block.digest: block.anchor for block in blocks}
    orphaned = []
    orphaned_total = 0
    for anchor, threads in found.items():
        if anchor not in anchors:
            # The reading changed: a block whose text is unchanged but moved
            # keeps its threads; a reworded one's threads are listed apart,
            # with the words they were about, rather than pinned to a stranger.
            moved = digests.get(anchor.rpartition("-")[2])
            if moved is None:
                orphaned.extend(threads)
                orphaned_total += threads[0].in_block
                continue
            anchor = moved
        entries = by_anchor.setdefault(anchor, BlockThreads())
        entries.total += threads[0].in_block
        entries.shown.extend(threads)
    return Margin(
        template="discussions/partials/margin.html",
        by_anchor=by_anchor,
        extra={
            "start_url": reverse("discussions:start", args=[activity.pk]),
            "undiscussed": UNDISCUSSED_TAGS,
            "orphaned": orphaned,
            "orphaned_more": orphaned_total - len(orphaned),
            "reading_id": activity.pk,
            "in_commons": cohort is None,
            "place_url": reverse("discussions:cohort", args=[cohort.pk])
            if cohort
            else reverse("discussions:commons"),
        },
    )
