"""The trainer's weekly digest: each cohort as its page shows it; and the
daily digest that gathers the messages a person chose to read once a day."""

import datetime

from django.utils.translation import gettext as _

from accounts import access
from progress.models import Nudge, Submission
from progress.nudges.content import digest_for, nudge_content
from progress.nudges.delivery import DIGESTIBLE_RULES, Skip
from progress.selectors.cohorts import INACTIVE_DAYS, cohort_rows, cohort_summary
from progress.timemodel import Pace


def trainer_digest(nudge: Nudge, now: datetime.datetime) -> dict:
    """The cohorts the recipient trains today, with the same snapshot counts
    as their pages: a few queries per cohort."""
    cohorts = access.cohorts_trained(user=nudge.recipient).filter(archived_at__isnull=True)
    lines = []
    for cohort in cohorts:
        summary = cohort_summary(cohort=cohort)
        inactive = cohort_rows(cohort=cohort, now=now, inactive_days=INACTIVE_DAYS).count()
        waiting = Submission.objects.filter(
            enrolment__cohort=cohort, status=Submission.Status.SUBMITTED
        ).count()
        # In the recipient's language: delivery runs it under their language.
        lines.append(
            _(
                "%(cohort)s: %(total)s learners; %(at_risk)s at risk, %(overdue)s overdue, "
                "%(inactive)s inactive for %(days)s days; %(waiting)s submissions waiting "
                "for review."
            )
            % {
                "cohort": cohort.name,
                "total": summary.total,
                "at_risk": summary.by_pace[Pace.AT_RISK],
                "overdue": summary.by_pace[Pace.OVERDUE],
                "inactive": inactive,
                "days": INACTIVE_DAYS,
                "waiting": waiting,
            }
        )
    if not lines:
        raise Skip("no active cohort")
    return {"lines": lines}


def daily_digest(nudge: Nudge, now: datetime.datetime) -> dict:
    """The items gathered for the recipient's digest, each written again now
    by the app that registered its kind (so a post taken down since, or a
    thread the recipient can no longer read, is left out), with its link.

    Returns the lines and the ids they tell; the items left out stay in the
    app. An item gathered after the day ended goes in too: it waits no longer
    than it must, and tomorrow's digest, finding nothing left, is skipped.
    A few queries per item, at most once a day per person.
    """
    recipient = nudge.recipient
    gathered = (
        Nudge.objects.filter(
            recipient_id=recipient.pk, status=Nudge.Status.SENT, email=Nudge.Email.DIGEST
        )
        .select_related("recipient")
        .order_by("sent_at", "pk")
    )
    lines, items, dropped = [], [], {}
    for item in gathered:
        # "email": switched to each message as it happens after this one was
        # gathered; it goes with the digest rather than be lost.
        if item.rule not in DIGESTIBLE_RULES or recipient.nudge_channel(item.rule) not in {
            "digest",
            "email",
        }:
            dropped[item.pk] = "the recipient chose the app only"
            continue
        registered = digest_for(item.rule)
        try:
            if registered is None:
                raise Skip("no installed app writes this message")
            written = registered.build(item, now)
        except Skip as skip:
            dropped[item.pk] = str(skip)
            continue
        content = nudge_content(item, digest=written)
        lines.append(" ".join([*content["lines"], content["action"][1]]))
        items.append(item.pk)
    # Left out for good: they stay in the app, and no later digest reads them.
    for pk, reason in dropped.items():
        Nudge.objects.filter(pk=pk, email=Nudge.Email.DIGEST).update(
            email=Nudge.Email.IN_APP, skip_reason=reason[:200]
        )
    if not items:
        raise Skip("nothing left to tell")
    return {"lines": lines, "items": items}
