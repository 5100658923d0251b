"""Plain-language sentences about a learner's pace. No database."""

import datetime
import zoneinfo

from progress.timemodel import MILESTONE_LABELS, EnrolmentAssessment, Pace


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
            return f"{about} has reached all three milestones: an active e-diplomat."
        return "You have reached all three milestones: you are an active e-diplomat."
    current = assessment.for_milestone(assessment.next_milestone)
    name = MILESTONE_LABELS[current.milestone]
    due = friendly_date(current.due_at, zone, now)
    projected_on = friendly_date(current.projected_at, zone, now) if current.projected_at else None
    to_go = f"{remaining} item{'s' if remaining != 1 else ''} of work to go"
    you_are, you_have = (f"{about} is", f"{about} has") if about else ("You are", "You have")
    if current.status is Pace.NOT_STARTED:
        whose = "The" if about else "Your"
        return f"{whose} programme starts soon. {name} will be due on {due}."
    if current.status is Pace.PAUSED:
        if about:
            return (
                "The programme is paused: paused time does not count against the learner. "
                f"{name} is due on {due} if they resume now."
            )
        return (
            "Your programme is paused: paused time does not count against you. "
            f"{name} is due on {due} if you resume now."
        )
    if current.status is Pace.OVERDUE:
        return f"{name} was due on {due}. {you_have} {to_go}; every step still counts."
    rate = "the current rate" if about else "your current rate"
    if current.status is Pace.AT_RISK:
        subject = "they" if about else "you"
        tail = f" At {rate} {subject} would get there on {projected_on}." if projected_on else ""
        return f"{you_are} behind pace for {name}, due {due}, with {to_go}.{tail}"
    standing = "ahead of schedule" if current.status is Pace.AHEAD else "on track"
    if not projected_on:
        # Too little evidence for a rate (see timemodel.has_projection_evidence):
        # what is next and by when, rather than a date read from an hour's work.
        if about:
            return (
                f"{you_are} {standing} for {name}, due {due}, with {to_go}; "
                "too early to project a date."
            )
        if current.work_share == 0:
            return (
                f"You are {standing} for {name}, due {due}. "
                "Start your next activity to set your pace."
            )
        return f"You are {standing} for {name}, due {due}, with {to_go}."
    subject = "they" if about else "you"
    return (
        f"{you_are} {standing} for {name}, due {due}; "
        f"at {rate} {subject} will get there on {projected_on}."
    )
