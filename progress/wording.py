"""Plain-language sentences about a learner's pace. No database.

Each sentence is whole in the catalogue, said to the learner or about them to
their trainer, so that every language can build it its own way.
"""

import datetime
import zoneinfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from progress.timemodel import MILESTONE_LABELS, EnrolmentAssessment, Pace


def friendly_date(
    moment: datetime.datetime, zone: zoneinfo.ZoneInfo, now: datetime.datetime
) -> str:
    local = moment.astimezone(zone)
    same_year = local.year == now.astimezone(zone).year
    return formats.date_format(local, "MONTH_DAY_FORMAT" if same_year else "DATE_FORMAT")


def pace_message(
    assessment: EnrolmentAssessment,
    zone: zoneinfo.ZoneInfo,
    now: datetime.datetime,
    remaining: int,
    about: str | None = None,
) -> str:
    """One sentence on where the learner stands against the next milestone,
    said to the learner, or to their trainer when `about` names the learner.

    `remaining` is the number of required items of work still to do for it.
    A projected date is said only when the time model made one, which it does
    only with enough evidence.
    """
    if assessment.next_milestone is None:
        if about:
            return _("%(learner)s has reached all three milestones: an active e-diplomat.") % {
                "learner": about
            }
        return _("You have reached all three milestones: you are an active e-diplomat.")
    current = assessment.for_milestone(assessment.next_milestone)
    words = {
        "learner": about,
        "milestone": MILESTONE_LABELS[current.milestone],
        "due": friendly_date(current.due_at, zone, now),
        "projected": (
            friendly_date(current.projected_at, zone, now) if current.projected_at else None
        ),
        "count": remaining,
    }
    if current.status is Pace.NOT_STARTED:
        if about:
            return _("The programme starts soon. %(milestone)s will be due on %(due)s.") % words
        return _("Your programme starts soon. %(milestone)s will be due on %(due)s.") % words
    if current.status is Pace.PAUSED:
        if about:
            return (
                _(
                    "The programme is paused: paused time does not count against the learner. "
                    "%(milestone)s is due on %(due)s if they resume now."
                )
                % words
            )
        return (
            _(
                "Your programme is paused: paused time does not count against you. "
                "%(milestone)s is due on %(due)s if you resume now."
            )
            % words
        )
    if current.status is Pace.OVERDUE:
        if about:
            return (
                ngettext(
                    "%(milestone)s was due on %(due)s. %(learner)s has %(count)s item of work "
                    "to go; every step still counts.",
                    "%(milestone)s was due on %(due)s. %(learner)s has %(count)s items of work "
                    "to go; every step still counts.",
                    remaining,
                )
                % words
            )
        return (
            ngettext(
                "%(milestone)s was due on %(due)s. You have %(count)s item of work to go; "
                "every step still counts.",
                "%(milestone)s was due on %(due)s. You have %(count)s items of work to go; "
                "every step still counts.",
                remaining,
            )
            % words
        )
    if current.status is Pace.AT_RISK:
        return _at_risk(words, about=about)
    return _on_pace(words, ahead=current.status is Pace.AHEAD, started=current.work_share > 0)


def _at_risk(words: dict, *, about: str | None) -> str:
    projected = words["projected"]
    count = words["count"]
    if about and projected:
        message = ngettext(
            "%(learner)s is behind pace for %(milestone)s, due %(due)s, with %(count)s item of "
            "work to go. At the current rate they would get there on %(projected)s.",
            "%(learner)s is behind pace for %(milestone)s, due %(due)s, with %(count)s items of "
            "work to go. At the current rate they would get there on %(projected)s.",
            count,
        )
    elif about:
        message = ngettext(
            "%(learner)s is behind pace for %(milestone)s, due %(due)s, with %(count)s item of "
            "work to go.",
            "%(learner)s is behind pace for %(milestone)s, due %(due)s, with %(count)s items of "
            "work to go.",
            count,
        )
    elif projected:
        message = ngettext(
            "You are behind pace for %(milestone)s, due %(due)s, with %(count)s item of work to "
            "go. At your current rate you would get there on %(projected)s.",
            "You are behind pace for %(milestone)s, due %(due)s, with %(count)s items of work to "
            "go. At your current rate you would get there on %(projected)s.",
            count,
        )
    else:
        message = ngettext(
            "You are behind pace for %(milestone)s, due %(due)s, with %(count)s item of work to "
            "go.",
            "You are behind pace for %(milestone)s, due %(due)s, with %(count)s items of work to "
            "go.",
            count,
        )
    return message % words


def _on_pace(words: dict, *, ahead: bool, started: bool) -> str:
    about, projected, count = words["learner"], words["projected"], words["count"]
    if projected:
        if about and ahead:
            message = _(
                "%(learner)s is ahead of schedule for %(milestone)s, due %(due)s; at the current "
                "rate they will get there on %(projected)s."
            )
        elif about:
            message = _(
                "%(learner)s is on track for %(milestone)s, due %(due)s; at the current rate "
                "they will get there on %(projected)s."
            )
        elif ahead:
            message = _(
                "You are ahead of schedule for %(milestone)s, due %(due)s; at your current rate "
                "you will get there on %(projected)s."
            )
        else:
            message = _(
                "You are on track for %(milestone)s, due %(due)s; at your current rate you will "
                "get there on %(projected)s."
            )
        return message % words
    # Too little evidence for a rate (see timemodel.has_projection_evidence):
    # what is next and by when, rather than a date read from an hour's work.
    if about and ahead:
        message = ngettext(
            "%(learner)s is ahead of schedule for %(milestone)s, due %(due)s, with %(count)s "
            "item of work to go; too early to project a date.",
            "%(learner)s is ahead of schedule for %(milestone)s, due %(due)s, with %(count)s "
            "items of work to go; too early to project a date.",
            count,
        )
    elif about:
        message = ngettext(
            "%(learner)s is on track for %(milestone)s, due %(due)s, with %(count)s item of "
            "work to go; too early to project a date.",
            "%(learner)s is on track for %(milestone)s, due %(due)s, with %(count)s items of "
            "work to go; too early to project a date.",
            count,
        )
    elif not started and ahead:
        message = _(
            "You are ahead of schedule for %(milestone)s, due %(due)s. Start your next activity "
            "to set your pace."
        )
    elif not started:
        message = _(
            "You are on track for %(milestone)s, due %(due)s. Start your next activity to set "
            "your pace."
        )
    elif ahead:
        message = ngettext(
            "You are ahead of schedule for %(milestone)s, due %(due)s, with %(count)s item of "
            "work to go.",
            "You are ahead of schedule for %(milestone)s, due %(due)s, with %(count)s items of "
            "work to go.",
            count,
        )
    else:
        message = ngettext(
            "You are on track for %(milestone)s, due %(due)s, with %(count)s item of work to go.",
            "You are on track for %(milestone)s, due %(due)s, with %(count)s items of work to go.",
            count,
        )
    return message % words
