"""One learner's history: what they did, and when, on the time model.

Each learner follows a profile (ahead, steady, slow, stalled, idle, paused,
resumed after a pause, withdrawn) through the programme in order, on the
standard schedule (the day's activities in the first day, the month's by day
28, the year's by day 330) divided by their rate. Everything the services would
have written follows from that: completions, quiz attempts, follows, listening
entries, submissions (accepted, self-assessed, or waiting for review),
reflections, follower check-ins, milestone achievements, standings, history
and nudges. The enrolment's snapshot (pace and milestones) is computed by the
app's own time model (`timemodel.milestone_work`, `timemodel.assess`,
`Enrolment.snapshot_apply`) from the same facts that `assess_enrolments`
reads, so reports and cohort pages agree with what a refresh would write; a
test generates a platform and checks every snapshot against the app.

Pure Python, no database: `bench.rows` turns a story into rows.
"""

import datetime
import random
from dataclasses import dataclass, field

from bench.copyload import ts
from curriculum.models import REVIEWED_KINDS
from progress import timemodel
from progress.state import following_is_stable

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
# (weight, lowest rate, highest rate): how fast each kind of learner works
# against the standard schedule.
PROFILES = {
    "ahead": (15, 1.3, 1.7),
    "steady": (33, 0.9, 1.15),
    "slow": (20, 0.55, 0.8),
    "stalled": (14, 0.8, 1.2),
    "idle": (6, 0.5, 1.0),
    "paused": (4, 0.8, 1.2),
    "resumed": (4, 0.8, 1.2),
    "withdrawn": (4, 0.5, 1.0),
}
PROFILE_NAMES = list(PROFILES)
PROFILE_WEIGHTS = [weight for weight, _, _ in PROFILES.values()]


@dataclass(frozen=True)
class ActivityInfo:
    pk: int
    kind: str
    horizon: str
    stage_pk: int
    title: str
    standard_day: float


@dataclass(frozen=True)
class ProgrammeInfo:
    """The shipped programme as the generator needs it, read once from the database."""

    pk: int
    activities: list[ActivityInfo]
    # The first `required` resources of each resources activity.
    resources: dict[int, list[int]]
    # Competence stages: (stage pk, competence pk).
    competence_stages: list[tuple[int, int]]
    stage_totals: dict[int, int] = field(default_factory=dict)
    # Live activities per curriculum horizon: the `required` of `timemodel.milestone_work`.
    required_by_horizon: dict[str, int] = field(default_factory=dict)
    # In COPY's text format, as the activities' titles.
    title: str = ""

    def __post_init__(self):
        for activity in self.activities:
            self.stage_totals[activity.stage_pk] = self.stage_totals.get(activity.stage_pk, 0) + 1
            horizon = activity.horizon
            self.required_by_horizon[horizon] = self.required_by_horizon.get(horizon, 0) + 1

    def last_index_for(self, milestone: timemodel.Milestone) -> int:
        """Index of the last activity the milestone needs (`timemodel.horizons_needed`)."""
        needed = timemodel.horizons_needed(milestone)
        return max(i for i, a in enumerate(self.activities) if a.horizon in needed)


def standard_schedule(horizons: list[str]) -> list[float]:
    """The day (in a 365-day programme) an on-pace learner completes each activity."""
    spans = {"day": (0.05, 0.8), "month": (1.0, 27.0), "year": (30.0, 300.0)}
    totals = {h: horizons.count(h) for h in spans}
    seen = dict.fromkeys(spans, 0)
    schedule = []
    for horizon in horizons:
        seen[horizon] += 1
        start, span = spans[horizon]
        schedule.append(start + span * seen[horizon] / totals[horizon])
    return schedule


class Ids:
    """Primary keys assigned by the generator, so rows can refer to each other."""

    def __init__(self):
        self._last: dict[str, int] = {}

    def next(self, table: str) -> int:
        value = self._last.get(table, 0) + 1
        self._last[table] = value
        return value

    def last(self, table: str) -> int:
        return self._last.get(table, 0)


@dataclass
class Learner:
    user_pk: int
    enrolment_pk: int
    cohort_pk: int | None
    reviewers: list[int]
    started_at: datetime.datetime
    length_days: int
    waiting_share: float


@dataclass
class Story:
    """What one learner did, as times; turned into rows by `write_story`."""

    learner: Learner
    profile: str
    status: str = "active"
    completions: list[datetime.datetime] = field(default_factory=list)
    checkins: list[tuple[datetime.datetime, int]] = field(default_factory=list)
    stable_at: datetime.datetime | None = None
    listening: dict[datetime.date, datetime.datetime] = field(default_factory=dict)
    pause: tuple[datetime.datetime, datetime.datetime | None] | None = None
    withdrawn_at: datetime.datetime | None = None
    achievements: dict[timemodel.Milestone, datetime.datetime] = field(default_factory=dict)
    waiting_at: datetime.datetime | None = None


class StoryWriter:
    """Writes learners' stories for one programme at one moment, `now`."""

    def __init__(self, programme: ProgrammeInfo, now: datetime.datetime, seed: int):
        self.programme = programme
        self.now = now
        self.now_stamp = ts(now)
        self.rng = random.Random(seed)
        self.ids = Ids()
        acts = programme.activities
        self.listening_index = next(
            (i for i, a in enumerate(acts) if a.kind == "listening_log"), None
        )
        self.checkin_index = next((i for i, a in enumerate(acts) if a.kind == "checkin"), None)

    # --- the story ------------------------------------------------------------

    def story(self, learner: Learner) -> Story:
        rng, now = self.rng, self.now
        profile = rng.choices(PROFILE_NAMES, PROFILE_WEIGHTS)[0]
        _, low, high = PROFILES[profile]
        rate = rng.uniform(low, high)
        story = Story(learner=learner, profile=profile)
        start = learner.started_at
        scale = learner.length_days / 365
        if start >= now:
            return story
        elapsed = now - start
        limit = now
        most = len(self.programme.activities)
        if profile in ("stalled", "withdrawn"):
            limit = start + elapsed * rng.uniform(0.05, 0.7)
            if profile == "withdrawn":
                story.withdrawn_at = min(now, limit + DAY * rng.uniform(3, 20))
                story.status = "withdrawn"
        elif profile == "idle":
            most = rng.randint(0, 3)
        elif profile == "paused" and elapsed > 2 * DAY:
            begins = max(start + elapsed * 0.1, now - DAY * rng.uniform(2, 30))
            story.pause = (begins, None)
            story.status = "paused"
            limit = begins
        elif profile == "resumed" and elapsed > 20 * DAY:
            begins = start + elapsed * rng.uniform(0.2, 0.6)
            ends = min(begins + DAY * rng.uniform(5, 40), now - DAY)
            if ends > begins:
                story.pause = (begins, ends)

        def wall(active_days: float) -> datetime.datetime:
            moment = start + DAY * (active_days * scale)
            if story.pause and story.pause[1] and moment >= story.pause[0]:
                moment += story.pause[1] - story.pause[0]
            return moment

        previous = 0.0
        for index, activity in enumerate(self.programme.activities[:most]):
            previous = max(previous + 0.002, activity.standard_day / rate * rng.uniform(0.85, 1.15))
            at = wall(previous)
            if at > limit:
                break
            story.completions.append(at)
            if index == self.checkin_index:
                self._checkins(story, at, limit, scale)
        self._listening(story, limit)
        self._achievements(story)
        if (
            story.status != "withdrawn"
            and learner.cohort_pk is not None
            and len(story.completions) < len(self.programme.activities)
            and self.programme.activities[len(story.completions)].kind in REVIEWED_KINDS
            and rng.random() < learner.waiting_share
        ):
            last = story.completions[-1] if story.completions else start
            story.waiting_at = min(last + (limit - last) * rng.random(), last + 3 * DAY)
        return story

    def _checkins(self, story: Story, first: datetime.datetime, limit, scale: float) -> None:
        rng = self.rng
        followers = rng.randint(80, 400)
        month = DAY * 30 * scale
        at = first
        drops = story.profile in ("slow", "stalled")
        while at <= limit and len(story.checkins) < 14:
            story.checkins.append((at, followers))
            days = [(moment.date(), count) for moment, count in story.checkins]
            if story.stable_at is None and following_is_stable(days, story.learner.length_days):
                story.stable_at = at
            at += month * rng.uniform(0.95, 1.3)
            if story.pause and story.pause[0] <= at <= (story.pause[1] or limit):
                at = (story.pause[1] or limit) + DAY * rng.uniform(0, 2)
            if drops and rng.random() < 0.3:
                followers = max(0, followers - rng.randint(5, 30))
            else:
                followers += rng.randint(0, 40)

    def _listening(self, story: Story, limit: datetime.datetime) -> None:
        index = self.listening_index
        if index is None:
            return
        rng, entries = self.rng, story.listening
        if len(story.completions) > index:
            done = story.completions[index]
            for back in range(5):
                moment = done - back * DAY
                entries[moment.date()] = moment
            habit = 0.45 if story.profile in ("ahead", "steady") else 0.2
            moment, end = done + DAY, min(limit, done + 30 * DAY)
            while moment <= end:
                if rng.random() < habit:
                    entries[moment.date()] = moment
                moment += DAY
        elif len(story.completions) == index and story.status == "active" and limit == self.now:
            since = story.completions[-1] if story.completions else story.learner.started_at
            for back in range(rng.randint(1, 4)):
                moment = self.now - back * DAY - rng.random() * DAY / 2
                if moment > since:
                    entries[moment.date()] = moment

    def _achievements(self, story: Story) -> None:
        count = len(story.completions)
        for milestone in timemodel.Milestone:
            last = self.programme.last_index_for(milestone)
            if count <= last:
                continue
            at = story.completions[last]
            if milestone is timemodel.FOLLOWING_MILESTONE:
                if story.stable_at is None:
                    continue
                at = max(at, story.stable_at)
            story.achievements[milestone] = at
        if timemodel.Milestone.ACTIVE in story.achievements and story.status == "active":
            story.status = "completed"

    # --- rows -----------------------------------------------------------------
