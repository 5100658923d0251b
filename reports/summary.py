"""The organisations' monthly summary: the report's headline, in a few lines."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from accounts.models import Organisation
from progress.models import Nudge
from progress.nudges.delivery import Skip
from progress.timemodel import MILESTONE_LABELS, Milestone
from reports.selectors import report_headline


def organisation_summary(nudge: Nudge, now: datetime.datetime) -> dict:
    organisation_id = int(nudge.subject.split(":", 1)[1])
    if not access.summary_allowed(user=nudge.recipient, organisation_id=organisation_id):
        raise Skip("no longer an administrator of the organisation")
    organisation = Organisation.objects.get(pk=organisation_id)
    headline = report_headline(access.organisation_enrolments(organisation_id=organisation_id))
    current = headline.enrolled - headline.by_status.get("withdrawn", 0)
    # Written in the recipient's language: delivery runs it under their language.
    lines = [
        ngettext(
            "%(organisation)s: %(count)s current learner.",
            "%(organisation)s: %(count)s current learners.",
            current,
        )
        % {"organisation": organisation.name, "count": current}
    ]
    for row in headline.milestones:
        lines.append(
            _(
                "%(milestone)s: %(on_time)s on time, %(late)s late, %(overdue)s overdue, "
                "%(pending)s pending."
            )
            % {"milestone": MILESTONE_LABELS[Milestone(row["code"])], **row}
        )
    return {"lines": lines}
