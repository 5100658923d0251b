"""A learner's place in the programme, computed from the outline and their completions.

No queries here: callers pass the outline (curriculum.selectors.programme_outline)
and the ids of the activities the learner completed.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from curriculum.models import Activity, Module, Stage
from progress import timemodel
from progress.timemodel import Milestone, MilestoneWork, stable_following


@dataclass
class ActivityState:
    activity: Activity
    completed: bool


@dataclass
class ModuleState:
    module: Module
    activities: list[ActivityState]

    @property
    def done(self) -> int:
        return sum(1 for item in self.activities if item.completed)

    @property
    def total(self) -> int:
        return len(self.activities)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class StageState:
    stage: Stage
    modules: list[ModuleState]
    unlocked: bool = True
    unlock_hint: str = ""

    @property
    def done(self) -> int:
        return sum(module.done for module in self.modules)

    @property
    def total(self) -> int:
        return sum(module.total for module in self.modules)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class LearnerState:
    stages: list[StageState]
    _modules: dict[int, ModuleState] = field(default_factory=dict)

    def __post_init__(self):
        self._modules = {m.module.pk: m for stage in self.stages for m in stage.modules}

    def stage(self, slug: str) -> StageState | None:
        return next((item for item in self.stages if item.stage.slug == slug), None)

    def module(self, stage_slug: str, module_slug: str) -> tuple[StageState, ModuleState] | None:
        stage = self.stage(stage_slug)
        if stage is None:
            return None
        module = next((m for m in stage.modules if m.module.slug == module_slug), None)
        return (stage, module) if module else None

    @property
    def next_activity(self) -> Activity | None:
        """The first activity not yet done, in programme order, in an open stage."""
        for stage in self.stages:
            if not stage.unlocked:
                continue
            for module in stage.modules:
                for item in module.activities:
                    if not item.completed:
                        return item.activity
        return None

    def activity_after(self, activity: Activity) -> Activity | None:
        """The activity that follows `activity` in programme order, in an open stage."""
        ordered = [
            item.activity
            for stage in self.stages
            if stage.unlocked
            for module in stage.modules
            for item in module.activities
        ]
        index = next((i for i, item in enumerate(ordered) if item.pk == activity.pk), None)
        return ordered[index + 1] if index is not None and index + 1 < len(ordered) else None

    @property
    def done(self) -> int:
        return sum(stage.done for stage in self.stages)

    @property
    def total(self) -> int:
        return sum(stage.total for stage in self.stages)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    def milestone_work(self, *, stable_following: bool) -> dict[Milestone, MilestoneWork]:
        """Each milestone's required work, by the time model's one rule
        (`timemodel.milestone_work`), from this outline's counts per horizon."""
        required: dict[str, int] = {}
        done: dict[str, int] = {}
        for stage in self.stages:
            for module in stage.modules:
                horizon = module.module.horizon
                required[horizon] = required.get(horizon, 0) + module.total
                done[horizon] = done.get(horizon, 0) + module.done
        return timemodel.milestone_work(required, done, stable_following=stable_following)


def learner_state(outline: list[Stage], completed_ids: set[int]) -> LearnerState:
    stages = [
        StageState(
            stage=stage,
            modules=[
                ModuleState(
                    module=module,
                    activities=[
                        ActivityState(activity=activity, completed=activity.pk in completed_ids)
                        for activity in module.activities.all()
                    ],
                )
                for module in stage.modules.all()
            ],
        )
        for stage in outline
    ]
    state = LearnerState(stages)
    by_id = {item.stage.pk: item for item in stages}
    for item in stages:
        stage = item.stage
        if stage.unlock_stage_id and stage.unlock_stage_id in by_id:
            required = by_id[stage.unlock_stage_id]
            item.unlocked = required.complete
            item.unlock_hint = _("Opens when you complete the stage “%(stage)s”.") % {
                "stage": required.stage.title
            }
        elif stage.unlock_module_id and stage.unlock_module_id in state._modules:
            required_module = state._modules[stage.unlock_module_id]
            item.unlocked = required_module.complete
            item.unlock_hint = _("Opens when you complete the module “%(module)s”.") % {
                "module": required_module.module.title
            }
    return state


def following_is_stable(
    checkins: list[tuple[datetime.date, int]],
    length_days: int,
    *,
    alternative_approved: bool = False,
) -> bool:
    """The year milestone's stable-following requirement: the time model's rule
    over (day, followers) check-ins, or, for a learner whose ministry does not
    allow a professional account, alternative evidence their trainer approved."""
    if alternative_approved:
        return True
    points = [
        (datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), followers)
        for day, followers in checkins
    ]
    return stable_following(points, length_days)
