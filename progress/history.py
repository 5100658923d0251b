"""A learner's history lines, written in the reader's language.

A history row stores facts: its kind, the activity it concerns and a few
`params` (a quiz score, a follower count, a day, a milestone's code, a pause's
reason, a cohort's name; never a person's name). The sentence is made here,
when a page, the data export or anything else shows the row, in the language
active then, with the activity's title as that language reads it. The English
sentence is also kept in the row's `summary`, written once with the facts:
rows older than `params` that could not be read back show it as they are.

No queries: the caller hands in the titles (the dashboard reads the
activities with the history, in one query).
"""

import datetime

from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from progress.timemodel import MILESTONE_LABELS, Milestone


class Kind(models.TextChoices):
    """What happened; `HistoryEvent.Kind` is this class."""

    ENROLLED = "enrolled", gettext_lazy("Enrolled")
    COMPLETED = "completed", gettext_lazy("Completed an activity")
    QUIZ_ATTEMPT = "quiz_attempt", gettext_lazy("Attempted a quiz")
    ATTEMPT_GRANTED = "attempt_granted", gettext_lazy("Granted another quiz attempt")
    SUBMITTED = "submitted", gettext_lazy("Submitted practice work")
    REVIEWED = "reviewed", gettext_lazy("Practice work reviewed")
    LOGGED = "logged", gettext_lazy("Logged listening")
    CHECKED_IN = "checked_in", gettext_lazy("Recorded followers")
    EVIDENCE = "evidence", gettext_lazy("Alternative evidence")
    MILESTONE = "milestone", gettext_lazy("Reached a milestone")
    PAUSED = "paused", gettext_lazy("Paused")
    RESUMED = "resumed", gettext_lazy("Resumed")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
    RESTORED = "restored", gettext_lazy("Restored")


# The kinds whose sentence names the activity: without one, they cannot be said.
NAMES_ACTIVITY = {
    Kind.COMPLETED,
    Kind.QUIZ_ATTEMPT,
    Kind.ATTEMPT_GRANTED,
    Kind.SUBMITTED,
    Kind.REVIEWED,
}


def history_text(
    *, kind: str, params: dict | None, activity: str | None, programme: str | None
) -> str | None:
    """The line in the active language, or None when the facts are missing
    (a row written before `params`, which shows its stored summary instead).

    `activity` and `programme` are the titles as the reader's language shows them.
    """
    if params is None or (kind in NAMES_ACTIVITY and not activity):
        return None
    try:
        return _line(kind, params, activity or "", programme or "")
    except (KeyError, TypeError, ValueError):
        return None  # facts that do not fit their kind: the stored summary says it


def history_summary(*, kind: str, params: dict, activity: str | None, programme: str | None) -> str:
    """The English line kept in the row's `summary` (its length cut to the column's)."""
    with translation.override("en"):
        return (
            history_text(kind=kind, params=params, activity=activity, programme=programme) or ""
        )[:300]


def _line(kind: str, params: dict, activity: str, programme: str) -> str | None:
    if kind == Kind.ENROLLED:
        if params.get("cohort"):
            return _("Joined %(cohort)s") % {"cohort": params["cohort"]}
        if params.get("brought_work"):
            return _("Brought their own earlier work")
        return _("Started %(programme)s") % {"programme": programme}
    if kind == Kind.COMPLETED:
        return _("Completed “%(activity)s”") % {"activity": activity}
    if kind == Kind.QUIZ_ATTEMPT:
        return _("Scored %(score)s%% in “%(activity)s”") % {
            "score": formats.number_format(int(params["score"])),
            "activity": activity,
        }
    if kind == Kind.ATTEMPT_GRANTED:
        return _("Another attempt at “%(activity)s” granted") % {"activity": activity}
    if kind == Kind.SUBMITTED:
        if params.get("self_assessed"):
            return _("Self-assessed “%(activity)s”") % {"activity": activity}
        return _("Submitted “%(activity)s”") % {"activity": activity}
    if kind == Kind.REVIEWED:
        if params["accepted"]:
            return _("“%(activity)s” accepted") % {"activity": activity}
        return _("“%(activity)s” returned with feedback") % {"activity": activity}
    if kind == Kind.LOGGED:
        day = datetime.date.fromisoformat(params["day"])
        return _("Logged listening for %(day)s") % {"day": formats.date_format(day, "DATE_FORMAT")}
    if kind == Kind.CHECKED_IN:
        followers = int(params["followers"])
        return ngettext(
            "Recorded %(count)s follower", "Recorded %(count)s followers", followers
        ) % {"count": formats.number_format(followers, force_grouping=True)}
    if kind == Kind.EVIDENCE:
        if "approved" not in params:
            return _("Offered alternative evidence of a following")
        if params["approved"]:
            return _("Alternative evidence of a following approved")
        return _("Alternative evidence of a following returned with feedback")
    if kind == Kind.MILESTONE:
        label = MILESTONE_LABELS[Milestone(params["milestone"])]
        return _("Reached the milestone %(milestone)s") % {"milestone": label}
    if kind == Kind.PAUSED:
        if params.get("reason"):
            return _("Paused: %(reason)s") % {"reason": params["reason"]}
        return pgettext("history line", "Paused")
    if kind == Kind.RESUMED:
        return pgettext("history line", "Resumed")
    if kind == Kind.WITHDRAWN:
        if params.get("left"):
            return _("Left to join another cohort")
        return _("Withdrawn from the cohort")
    if kind == Kind.RESTORED:
        if params.get("cohort"):
            return _("Restored to %(cohort)s") % {"cohort": params["cohort"]}
        return _("Restored to the cohort")
    return None
