"""Plain-language sentences about a learner's pace. No database."""

import datetime
import zoneinfo

from progress.charts import MILESTONE_LABELS
from progress.timemodel import EnrolmentAssessment, Pace


def friendly_date(
    moment: datetime.datetime, zone: zoneinfo.ZoneInfo, now: datetime.datetime
) -> str:
    local = moment.astimezone(zone)
    same_year = local.year == now.astimezone(zone).year
    return f"{local.day} {local:%B}" + ("" if same_year else f" {local.year}")


def pace_message(
    assessment: EnrolmentAssessment,
    zone: zoneinfo.ZoneInfo,
    now: datetime.datetime,
    remaining: int,
) -> str:
    """One sentence on where the learner stands against the next milestone.

    `remaining` is the number of required items of work still to do for it.
    """
    if assessment.next_milestone is None:
        return "You have reached all three milestones: you are an active e-diplomat."
    current = assessment.for_milestone(assessment.next_milestone)
    name = MILESTONE_LABELS[current.milestone]
    due = friendly_date(current.due_at, zone, now)
    projected_on = friendly_date(current.projected_at, zone, now) if current.projected_at else None
    to_go = f"{remaining} item{'s' if remaining != 1 else ''} of work to go"
    if current.status is Pace.NOT_STARTED:
        return f"Your programme starts soon. {name} will be due on {due}."
    if current.status is Pace.PAUSED:
        return (
            "Your programme is paused: paused time does not count against you. "
            f"{name} is due on {due} if you resume now."
        )
    if current.status is Pace.OVERDUE:
        return f"{name} was due on {due}. You have {to_go}; every step still counts."
    if current.status is Pace.AT_RISK:
        tail = (
            f" At your current rate you would get there on {projected_on}." if projected_on else ""
        )
        return f"You are behind pace for {name}, due {due}, with {to_go}.{tail}"
    standing = "ahead of schedule" if current.status is Pace.AHEAD else "on track"
    if not projected_on:
        return (
            f"You are {standing} for {name}, due {due}. Start your next activity to set your pace."
        )
    return (
        f"You are {standing} for {name}, due {due}; "
        f"at your current rate you will get there on {projected_on}."
    )
