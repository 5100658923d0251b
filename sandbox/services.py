"""Writes of the practice sandbox: starting, playing, pausing and submitting a
run; a trainer's live run for a cohort, its clock, and the trainer's answers
as approver. Each is one transaction with keyword-only arguments; `now` is
passed in, so the scenario clock is pinned in tests.
"""

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from curriculum.models import Activity
from progress.models import Enrolment
from progress.services import StudyError, practice_submit
from sandbox import engine
from sandbox.models import LiveRun, Run, Scenario

# What the learner's form may set on an action; the minute comes from the clock.
ACTION_FIELDS = ("kind", "target", "text", "parts", "image", "alt_text", "publish_at")


class SandboxError(Exception):
    """A request the sandbox refuses, with a code the page words."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def _locked(run: Run) -> Run:
    return (
        Run.objects.select_for_update(of=("self",))
        .select_related("scenario", "live")
        .get(pk=run.pk)
    )


@transaction.atomic
def run_start(
    *,
    learner,
    scenario: Scenario,
    now: datetime.datetime,
    activity: Activity | None = None,
    enrolment: Enrolment | None = None,
) -> Run:
    """The learner's open practice run of `scenario`, started now unless one
    is open already: a second click opens the same run."""
    if scenario.retired_at is not None:
        raise SandboxError("retired")
    if activity is not None and (
        activity.kind != Activity.Kind.SIMULATION or activity.scenario_slug != scenario.slug
    ):
        raise SandboxError("not_this_scenario")
    run, _created = Run.objects.get_or_create(
        learner=learner,
        scenario=scenario,
        submitted_at=None,
        live=None,
        defaults={
            "activity": activity,
            "enrolment": enrolment,
            "started_at": now,
            "speed": scenario.engine.speed,
        },
    )
    return run


@transaction.atomic
def run_act(*, run: Run, by, token: str, now: datetime.datetime, **fields) -> Run:
    """Appends one action at the run's current scenario minute.

    `token` names the request: the same request sent twice (a double click,
    a retry after a lost answer) is recorded once. The trainer may only
    answer drafts; the learner does everything else.
    """
    run = _locked(run)
    if token and token in run.tokens:
        return run
    if run.is_submitted:
        raise SandboxError("submitted")
    if run.paused:
        raise SandboxError("paused")
    is_learner = by.pk == run.learner_id
    kind = fields.get("kind")
    if (kind == "clearance_answer") == is_learner:
        raise SandboxError("not_yours")
    minute = run.minute(now)
    if run.live_id and minute <= 0 and now < run.live.starts_at:
        raise SandboxError("not_started")
    values = {key: fields[key] for key in (*ACTION_FIELDS, "approved", "comment") if key in fields}
    values["parts"] = tuple(values.get("parts") or ())
    # Down to the hundredth, never up: an action stamped after the clock would
    # be missing from the page the learner sees the next instant.
    action = engine.Action(at=math.floor(minute * 100) / 100, **values)
    try:
        engine.append(run.engine, run.actions(), action)
    except engine.LogError as error:
        raise SandboxError(error.code) from None
    run.log = [*run.log, {**action.to_dict(), "token": token}]
    run.save(update_fields=["log"])
    return run


@transaction.atomic
def run_pause(*, run: Run, now: datetime.datetime, pause: bool = True) -> Run:
    """Pauses or resumes a learner's own practice run (a live run's clock is
    the trainer's). Asking twice changes nothing."""
    run = _locked(run)
    if run.live_id:
        raise SandboxError("live_clock")
    if run.is_submitted or run.paused == pause:
        return run
    seconds = run.seconds_at(now)
    clock = run.clock().pause(seconds) if pause else run.clock().resume(seconds)
    run.pauses = clock.to_list()
    run.save(update_fields=["pauses"])
    return run


def _summary(run: Run, debrief: engine.Debrief) -> str:
    lines = [
        _("Simulation run: %(title)s") % {"title": run.scenario.title},
        _("Automatic checks passed: %(passed)s of %(total)s")
        % {"passed": debrief.passed, "total": len(debrief.results)},
    ]
    lines += [f"- {'✓' if result.passed else '✗'} {result.label}" for result in debrief.results]
    lines.append(_("Actions taken: %(count)s") % {"count": len(debrief.actions)})
    return "\n".join(lines)


@transaction.atomic
def run_submit(*, run: Run, now: datetime.datetime) -> Run:
    """Ends the run at its current minute. A run for a simulation activity is
    handed in as practice work: a trainer reviews it with the activity's
    rubric; a self-paced learner completes the activity by submitting."""
    run = _locked(run)
    if run.is_submitted:
        return run
    run.submitted_minute = run.minute(now)
    run.submitted_at = now
    if run.activity_id and run.enrolment_id:
        enrolment = run.enrolment
        debrief = engine.debrief(run.engine, run.actions(), run.submitted_minute)
        try:
            run.submission = practice_submit(
                enrolment=enrolment,
                activity=run.activity,
                text=_summary(run, debrief),
                # The trainer opens the debrief, and the replay, from the review.
                link=settings.SITE_URL + reverse("sandbox:debrief", args=[run.pk]),
                self_assessment={str(i): True for i in range(len(run.activity.rubric))},
            )
        except StudyError:
            # Already complete, or a run is already waiting for review: the run
            # is kept and shown, and hands in nothing twice.
            run.submission = None
    run.save(update_fields=["submitted_at", "submitted_minute", "submission"])
    return run


@transaction.atomic
def live_start(
    *,
    cohort,
    scenario: Scenario,
    starts_at: datetime.datetime,
    by,
    now: datetime.datetime,
    activity: Activity | None = None,
    speed: float | None = None,
    trainer_clears: bool = False,
) -> LiveRun:
    if scenario.retired_at is not None:
        raise SandboxError("retired")
    if activity is not None and activity.scenario_slug != scenario.slug:
        raise SandboxError("not_this_scenario")
    return LiveRun.objects.create(
        cohort=cohort,
        scenario=scenario,
        activity=activity,
        starts_at=starts_at,
        speed=speed or scenario.engine.speed,
        trainer_clears=trainer_clears and scenario.engine.approver is not None,
        started_by=by,
        created_at=now,
    )


@transaction.atomic
def live_pause(*, live: LiveRun, now: datetime.datetime, pause: bool = True) -> LiveRun:
    """Pauses or resumes the whole cohort's clock; asking twice changes nothing."""
    live = LiveRun.objects.select_for_update().get(pk=live.pk)
    if live.paused == pause or now < live.starts_at:
        return live
    seconds = live.seconds_at(now)
    clock = live.clock().pause(seconds) if pause else live.clock().resume(seconds)
    live.pauses = clock.to_list()
    live.save(update_fields=["pauses"])
    return live


@transaction.atomic
def live_join(*, live: LiveRun, learner, enrolment: Enrolment, now: datetime.datetime) -> Run:
    """The learner's run of the cohort's live scenario: made once, on the
    live run's clock."""
    run, _created = Run.objects.get_or_create(
        learner=learner,
        live=live,
        defaults={
            "scenario": live.scenario,
            "activity": live.activity,
            "enrolment": enrolment,
            "started_at": now,
            "speed": live.speed,
            "trainer_clears": live.trainer_clears,
        },
    )
    return run
