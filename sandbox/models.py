"""Scenarios as loaded from `sandbox/scenarios/`, a trainer's live runs for a
cohort, and each learner's run with its append-only log of actions.

The platform a learner sees is never stored: it is the engine's fold over the
run's log (`sandbox.engine.replay`) at the run's current scenario minute.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import replace
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from curriculum.rendering import render_markdown
from ediplomacy.lib.translations import SOURCE_LANGUAGE, TranslatableModel
from sandbox import engine, memo
from sandbox.overlays import localised_data, scenario_shape, untranslated_fields

# The approver's words when a scenario writes none: the interface's, so they
# speak the viewer's language too.
APPROVER_WORDS = {
    "approval": gettext_lazy("Cleared. Go ahead."),
    "refusal": gettext_lazy("Not yet: please fix what the checks point out and send it again."),
}


class ClockMixin:
    """A compressed, pausable clock from a start, a speed and stored pauses."""

    def clock(self) -> engine.Clock:
        return engine.Clock.from_list(self.speed, self.pauses)

    def seconds_at(self, now: datetime.datetime) -> float:
        return (now - self.clock_start).total_seconds()

    def clock_minute(self, now: datetime.datetime) -> float:
        return self.clock().minute_at(self.seconds_at(now))

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None


class Scenario(TranslatableModel):
    """A scenario file as loaded. Read while another language is active, it
    shows that language's overlay field by field (`translations`, from
    `<slug>.<lang>.yaml`); `untranslated` then lists the fields shown in
    English, by their dotted path in the overlay's format (`briefing`,
    `events.ana-question.text`, `model_answer.0.action`)."""

    TRANSLATED = ("title", "summary")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    # The file's mapping, as validated, its personal-data checks holding the
    # overlays' terms too: the engine reads it again on demand.
    data = models.JSONField()
    source = models.CharField(max_length=200, help_text="The file it was loaded from.")
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def localise_more(self, language: str, texts: dict) -> set[str]:
        missing = untranslated_fields(scenario_shape(self.data), texts)
        return missing - {"title", "summary"}

    @cached_property
    def engine(self) -> engine.Scenario:
        """The scenario as the engine plays it, its text in the language this
        row is shown in. Only text differs between languages: slugs, handles
        and times are the source's, and the checks' terms the same in every
        language (the loader stored the overlays' in `data`). Shared by every
        request of the process while the stored data stays the same (runs' folds are
        memoised on it)."""
        data, language = self.data, self.shown_language
        translation = {}
        if language != SOURCE_LANGUAGE:
            translation = (self.translations or {}).get(language) or {}
        return memo.scenarios.get(
            (self.pk, language) if self.pk else None,
            lambda stored: stored == (data, translation),
            lambda: (copy.deepcopy((data, translation)), _engine_scenario(data, translation)),
        )

    # Authored Markdown, sanitised like the programme's texts.
    @cached_property
    def briefing_html(self) -> str:
        return self._rendered("briefing")

    @cached_property
    def debrief_html(self) -> str:
        return self._rendered("debrief")

    def _rendered(self, name: str) -> str:
        parsed = self.engine
        return memo.scenarios.get(
            (self.pk, name, self.shown_language) if self.pk else None,
            lambda stored: stored is parsed,
            lambda: (parsed, render_markdown(getattr(parsed, name))),
        )


class LiveRun(ClockMixin, models.Model):
    """A scenario a trainer runs for a whole cohort at a set time, on one
    clock: every learner's run of it shares its start, speed and pauses."""

    cohort = models.ForeignKey(
        "progress.Cohort", on_delete=models.CASCADE, related_name="sandbox_live_runs"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="live_runs")
    # The simulation activity the learners' runs count toward, if any.
    activity = models.ForeignKey(
        "curriculum.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField()
    speed = models.FloatField()
    pauses = models.JSONField(default=list, blank=True)
    # The trainer plays the approver: drafts wait for their answer.
    trainer_clears = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(speed__gt=0), name="live_run_speed_positive"),
        ]

    def __str__(self):
        return f"{self.scenario} ({self.cohort})"

    def get_absolute_url(self):
        return reverse("sandbox:live", args=[self.pk])

    @property
    def clock_start(self) -> datetime.datetime:
        return self.starts_at


class Run(ClockMixin, models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sandbox_runs"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    # The learner's enrolment when the run started: its cohort's trainers see the run.
    enrolment = models.ForeignKey(
        "progress.Enrolment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sandbox_runs",
    )
    activity = models.ForeignKey(
        "curriculum.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    live = models.ForeignKey(
        LiveRun, on_delete=models.CASCADE, null=True, blank=True, related_name="runs"
    )
    started_at = models.DateTimeField()
    speed = models.FloatField()
    pauses = models.JSONField(default=list, blank=True)
    trainer_clears = models.BooleanField(default=False)
    # Append-only: each entry is an engine action's dict and the token of the
    # request that sent it, so a retried request is not recorded twice.
    log = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_minute = models.FloatField(null=True, blank=True)
    submission = models.ForeignKey(
        "progress.Submission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One open practice run of a scenario at a time: a double click starts one.
            models.UniqueConstraint(
                fields=["learner", "scenario"],
                condition=Q(submitted_at__isnull=True, live__isnull=True),
                name="run_one_open_per_scenario",
            ),
            models.UniqueConstraint(
                fields=["learner", "live"],
                condition=Q(live__isnull=False),
                name="run_once_per_live_run",
            ),
            models.CheckConstraint(condition=Q(speed__gt=0), name="run_speed_positive"),
        ]
        indexes = [
            # Serves a learner's list of runs and the activity page's "your run".
            models.Index(fields=["learner", "activity"], name="run_learner_activity_idx"),
        ]

    def __str__(self):
        return f"{self.scenario} by {self.learner}"

    def get_absolute_url(self):
        return reverse("sandbox:run", args=[self.pk])

    @property
    def clock_start(self) -> datetime.datetime:
        return self.live.starts_at if self.live_id else self.started_at

    def clock(self) -> engine.Clock:
        return self.live.clock() if self.live_id else super().clock()

    @property
    def paused(self) -> bool:
        return self.live.paused if self.live_id else super().paused

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def minute(self, now: datetime.datetime) -> float:
        """The scenario minute the learner is at: frozen once submitted."""
        if self.submitted_minute is not None:
            return self.submitted_minute
        return min(max(self.clock_minute(now), 0.0), self.engine.duration)

    @cached_property
    def engine(self) -> engine.Scenario:
        """The scenario as this run plays it: with the trainer as approver when
        the trainer clears drafts themselves."""
        scenario = self.scenario.engine
        if self.trainer_clears and scenario.approver is not None:
            # One variant per parsed scenario, so its runs' folds are memoised too.
            return memo.scenarios.get(
                ("trainer_clears", self.scenario_id, self.scenario.shown_language)
                if self.scenario_id
                else None,
                lambda stored: stored is scenario,
                lambda: (scenario, _trainer_clears(scenario)),
            )
        return scenario

    def state(self, now: datetime.datetime, at: float | None = None) -> engine.State:
        """The platform at the run's minute (or at `at`): the engine's fold,
        served from the process's memo while the scenario, the log and the
        minute are the ones it was folded from."""
        minute = self.minute(now) if at is None else min(at, self.minute(now))
        scenario, actions = self.engine, self.actions()
        # One fold per language the run is shown in: a trainer reading it in
        # English and its learner in French do not undo each other's.
        return memo.states.get(
            (self.pk, self.scenario.shown_language) if self.pk else None,
            lambda stored: stored[0] is scenario and stored[1] is actions and stored[2] == minute,
            lambda: ((scenario, actions, minute), engine.replay(scenario, actions, minute)),
        )

    def actions(self) -> tuple[engine.Action, ...]:
        """The log as engine actions, read once per length of the log (it only
        grows), and shared by the process's requests while the log is the same."""
        cached = getattr(self, "_actions", None)
        if cached is None or cached[0] != len(self.log):
            log = self.log
            actions = memo.actions.get(
                self.pk,
                lambda stored: stored == log,
                lambda: ([dict(entry) for entry in log], _parsed(log)),
            )
            self._actions = cached = (len(log), actions)
        return cached[1]

    @property
    def tokens(self) -> set[str]:
        return {entry.get("token") for entry in self.log if entry.get("token")}


def _parsed(log: list[dict]) -> tuple[engine.Action, ...]:
    return tuple(
        engine.Action.from_dict({k: v for k, v in entry.items() if k != "token"}) for entry in log
    )


def _trainer_clears(scenario: engine.Scenario) -> engine.Scenario:
    """The scenario with the trainer as approver: drafts wait for their answer."""
    approver = replace(scenario.approver, scripted=False)
    return replace(scenario, approver=approver, _accounts={})


def _engine_scenario(data: dict, translation: dict) -> engine.Scenario:
    """The source parsed with a language's text laid over it; the approver's
    words the source leaves out come from the interface's catalogue."""
    if translation:
        data = localised_data(data, translation)
    scenario = engine.parse_scenario(data)
    approver = scenario.approver
    if approver is not None:
        source = data.get("approver") or {}
        words = {key: str(text) for key, text in APPROVER_WORDS.items() if not source.get(key)}
        if words:
            scenario = replace(scenario, approver=replace(approver, **words), _accounts={})
    return scenario
