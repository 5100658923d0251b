"""The organisations' monthly summary: the report's headline, in a few lines."""

import datetime

from accounts.models import Organisation
from progress.models import Enrolment, Nudge
from progress.nudges.delivery import Skip
from reports.selectors import report_headline


def organisation_summary(nudge: Nudge, now: datetime.datetime) -> dict:
    organisation_id = int(nudge.subject.split(":", 1)[1])
    still_admin = nudge.recipient.memberships.filter(
        organisation_id=organisation_id, role="org_admin"
    ).exists()
    if not still_admin:
        raise Skip("no longer an administrator of the organisation")
    organisation = Organisation.objects.get(pk=organisation_id)
    headline = report_headline(Enrolment.objects.filter(cohort__organisation_id=organisation_id))
    current = headline.enrolled - headline.by_status.get("withdrawn", 0)
    lines = [f"{organisation.name}: {current} current learners."]
    for row, label in zip(
        headline.milestones, ["Acquainted", "e-Listener", "Active e-diplomat"], strict=True
    ):
        lines.append(
            f"{label}: {row['on_time']} on time, {row['late']} late, "
            f"{row['overdue']} overdue, {row['pending']} pending."
        )
    return {"lines": lines}
