"""Plans nudges: set-based selection in chunks, one row per (recipient, rule,
subject, period), so planning twice, or two planners at once, adds nothing."""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Q

from accounts import access
from ediplomacy.lib.periods import zone_named
from progress import timemodel
from progress.assessments import assess_enrolments, snapshots_refresh
from progress.models import SNAPSHOT_FIELDS, Enrolment, Nudge
from progress.nudges.rules import calendar_month, inactive_after, is_due_soon, iso_week

CHUNK = 1000
REMINDERS = {
    timemodel.Pace.OVERDUE: Nudge.Rule.OVERDUE,
    timemodel.Pace.AT_RISK: Nudge.Rule.BEHIND,
}


# A candidate is a dict of Nudge fields: most exist already, and a model
# instance is made only for the new ones (a tenth of the planner's time).
Candidate = dict


def _key(candidate: Candidate) -> tuple:
    return (
        candidate["recipient_id"],
        candidate["rule"],
        candidate["subject"],
        candidate["period"],
    )


def _learner_candidates(enrolment: Enrolment, assessed, now) -> list[Candidate]:
    assessment, work = assessed.assessment, assessed.work
    candidates = []

    def add(rule, period, milestone=""):
        candidates.append(
            {
                "recipient_id": enrolment.user_id,
                "rule": rule,
                "subject": f"enrolment:{enrolment.pk}",
                "period": period,
                "enrolment_id": enrolment.pk,
                "milestone": milestone,
            }
        )

    milestone = assessment.next_milestone
    if milestone is not None:
        current = assessment.for_milestone(milestone)
        horizon = timemodel.horizons(enrolment.length_days)[milestone]
        if current.status in REMINDERS:
            add(REMINDERS[current.status], milestone.value, milestone.value)
        elif is_due_soon(current, work[milestone], horizon, now):
            add(Nudge.Rule.DUE_SOON, milestone.value, milestone.value)

    last = enrolment.last_activity_at or enrolment.started_at
    if now - last > inactive_after(enrolment.length_days):
        # Once per inactive spell: a new spell starts with the next activity.
        add(Nudge.Rule.INACTIVE, f"since:{last:%Y-%m-%dT%H:%M}")
    return candidates


def _digest_candidates(now: datetime.datetime) -> list[Candidate]:
    # One digest per trainer and week, however many cohorts they train. The
    # week is the trainer's own: on a Monday in Kathmandu it is still Sunday
    # in UTC, and the new week's digest is due.
    return [
        {
            "recipient_id": trainer_id,
            "rule": Nudge.Rule.TRAINER_DIGEST,
            "subject": "cohorts",
            "period": iso_week(now, zone_named(time_zone)),
        }
        for trainer_id, time_zone in access.digest_recipients()
    ]


def _summary_candidates(now: datetime.datetime) -> list[Candidate]:
    # One summary per organisation administrator, organisation and calendar
    # month of the administrator's own date.
    admins = access.summary_recipients().values_list(
        "user_id", "organisation_id", "user__time_zone"
    )
    return [
        {
            "recipient_id": user_id,
            "rule": Nudge.Rule.ORG_SUMMARY,
            "subject": f"organisation:{organisation_id}",
            "period": calendar_month(now, zone_named(time_zone)),
        }
        for user_id, organisation_id, time_zone in admins
    ]


def _insert(
    candidates: list[Candidate], counts: Counter, dry_run: bool, now: datetime.datetime
) -> None:
    if not candidates:
        return
    recipients = {c["recipient_id"] for c in candidates}
    rules = {c["rule"] for c in candidates}
    existing = set(
        Nudge.objects.filter(recipient_id__in=recipients, rule__in=rules).values_list(
            "recipient_id", "rule", "subject", "period"
        )
    )
    new = [c for c in candidates if _key(c) not in existing]
    for candidate in new:
        counts[candidate["rule"]] += 1
    if not dry_run:
        # ignore_conflicts: a planner running at the same moment loses nothing and doubles nothing.
        Nudge.objects.bulk_create(
            [Nudge(**candidate, not_before=now, created_at=now) for candidate in new],
            ignore_conflicts=True,
            batch_size=500,
        )


def nudges_plan(*, now: datetime.datetime, dry_run: bool = False) -> Counter:
    """Plans every due nudge; returns how many new ones per rule.

    Per chunk of enrolments: the chunk, the five assessment queries, the
    snapshot update and the existing keys; the queries grow with the number of
    chunks, never with the number of learners inside one.
    """
    counts: Counter = Counter()
    enrolments = (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE)
        .filter(Q(cohort__isnull=True) | Q(cohort__archived_at__isnull=True))
        .order_by("pk")
    )
    last_id = 0
    while True:
        # A transaction per chunk (no savepoint when a caller already holds one).
        with transaction.atomic(savepoint=False):
            page = enrolments.filter(pk__gt=last_id)
            if not dry_run:
                # Locked while assessed and written: a learner's own write waits
                # (or this run skips them), so an older assessment never
                # overwrites the snapshot a service has just written.
                page = page.select_for_update(skip_locked=True, of=("self",))
            chunk = list(page[:CHUNK])
            if not chunk:
                break
            last_id = chunk[-1].pk
            assessed = assess_enrolments(chunk, now)
            if not dry_run:
                _snapshots_update(chunk, assessed, now)
            candidates = [
                nudge
                for enrolment in chunk
                for nudge in _learner_candidates(enrolment, assessed[enrolment.pk], now)
            ]
            _insert(candidates, counts, dry_run, now)
    _insert(_digest_candidates(now), counts, dry_run, now)
    _insert(_summary_candidates(now), counts, dry_run, now)
    if not dry_run:
        _snapshot_unassessed(now)
    return counts


def _snapshots_update(chunk: list[Enrolment], assessed: dict, now: datetime.datetime) -> None:
    """Time passes without writes: keeps the snapshot current, writing only
    the rows whose pace or milestones changed (which also leaves the cached
    dashboards of everyone else alone)."""
    changed = [
        enrolment
        for enrolment in chunk
        if enrolment.snapshot_apply(assessed[enrolment.pk].assessment, now)
    ]
    Enrolment.objects.bulk_update(changed, SNAPSHOT_FIELDS, batch_size=500)


def _snapshot_unassessed(now: datetime.datetime) -> None:
    """Paused, completed or withdrawn enrolments change only through services,
    which refresh their snapshot; this catches any written before it existed."""
    while chunk := list(Enrolment.objects.filter(assessed_at__isnull=True).order_by("pk")[:CHUNK]):
        snapshots_refresh(chunk, now)
