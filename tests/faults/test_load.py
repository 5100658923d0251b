"""A minute of mixed traffic at the benchmark's concurrency (20 concurrent users),
on loopback only: no 5xx, no connection error, and no lost or doubled completion.

How: the test database gets a trainer with a cohort and 38 learners, enrolled
through the app's own services: 19 start fresh (self-paced, in orientation),
19 joined the trainer's cohort and finished orientation (so the Curate stage
and its listening log are open). gunicorn serves the app with production
settings, sized as the benchmark sizes it. Twenty client threads, one per
person (the trainer, and 19 threads each holding the sessions of two
learners), sign in through the log-in form, each from an address of its own
in 127.0.0.0/8, then for a fixed time (FAULTS_LOAD_SECONDS, 60 by default)
and without pause they mix dashboards, programme, module and activity pages,
notifications, readings marked complete, reflections and listening-log
entries; the trainer reads the cohort, a learner's page, reviews and the
report. Readings are sometimes posted again on purpose (a later repeat, or a
double click straight after), which must not add a row.

Every answer is counted. The test asserts no 5xx, no connection error or
timeout, and only expected answers (200 for pages, a redirect back to the
activity for each action); then that the completions, completion history,
reflections and listening entries written during the run are exactly those
of the distinct actions that succeeded. Throughput and latency are printed,
not asserted.
"""

import datetime
import os
import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from django.db import connection

from accounts.models import Membership, User
from accounts.services import membership_grant, organisation_create
from curriculum.models import Activity
from ediplomacy.lib.processes import database_url
from progress import services
from progress.models import Completion, HistoryEvent, ListeningEntry, Reflection
from progress.services.cohorts import LearnerRow, cohort_add_learners, cohort_create
from tests.factories import UserFactory
from tests.faults.conftest import (
    REQUEST_TIMEOUT,
    WebClient,
    p95,
    production_password_hash,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SECONDS = int(os.environ.get("FAULTS_LOAD_SECONDS", "60"))
USERS = 20
LEARNERS_PER_USER = 2
# As bench.run serves the app by default.
WORKERS = 3
THREADS = 4
PASSWORD = "a-long-password-for-the-load-test"
LOGIN_LIMIT_SECONDS = 300
# Readings: the share of posts that repeat one already done, and of fresh
# completions posted again straight away, as a double click does.
REPEAT_SHARE = 0.25
DOUBLE_CLICK_SHARE = 0.2
REFLECTION_TEXT = " ".join(f"thought{n}" for n in range(80))
LEARNER_ACTIONS = {
    "dashboard": 3,
    "programme": 1,
    "module": 1,
    "activity": 2,
    "notifications": 1,
    "read": 3,
    "reflect": 1,
    "listen": 1,
}
TRAINER_PAGES = ["cohorts", "cohort", "learner", "reviews", "report", "notifications"]

Kind = Activity.Kind


@dataclass
class Learner:
    email: str
    enrolment_id: int
    readings: dict[str, int]  # activity page -> activity id, in programme order
    reflection: tuple[str, int]
    listening: tuple[str, int] | None
    modules: list[str]
    client: WebClient | None = None
    read: set[str] = field(default_factory=set)

    def pending(self) -> list[str]:
        return [path for path in self.readings if path not in self.read]


@dataclass
class Population:
    trainer: str
    trainer_pages: dict[str, str]
    learners: list[Learner]


@dataclass
class Tally:
    """What one client thread sent and what was written for it, by its own account."""

    samples: list[tuple[str, int | None, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    actions: Counter = field(default_factory=Counter)
    completions: set[tuple[int, int]] = field(default_factory=set)
    reflections: set[tuple[int, int]] = field(default_factory=set)
    listening: set[tuple[int, int, datetime.date]] = field(default_factory=set)


def stage_activities(stage: str, kind: str) -> list[Activity]:
    return list(
        Activity.objects.live()
        .filter(module__stage__slug=stage, kind=kind)
        .select_related("module__stage")
    )


def finish_orientation(enrolment) -> None:
    """Completes orientation through the services, as a learner's pages would."""
    for activity in stage_activities("orientation", Kind.READING):
        services.reading_mark_read(enrolment=enrolment, activity=activity)
    for quiz in stage_activities("orientation", Kind.QUIZ):
        paper = services.quiz_attempt_open(enrolment=enrolment, activity=quiz).paper
        answers = {
            str(index): [
                str(n) for n, choice in enumerate(question["choices"]) if choice["correct"]
            ]
            for index, question in enumerate(paper)
        }
        services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=answers)
    for reflection in stage_activities("orientation", Kind.REFLECTION):
        services.reflection_save(enrolment=enrolment, activity=reflection, text=REFLECTION_TEXT)


def learner_paths(stage: str) -> dict:
    reflection = stage_activities(stage, Kind.REFLECTION)[0]
    listening = stage_activities(stage, Kind.LISTENING_LOG)
    modules = []
    for activity in stage_activities(stage, Kind.READING):
        module = activity.module.get_absolute_url()
        if module not in modules:
            modules.append(module)
    return {
        "readings": {a.get_absolute_url(): a.pk for a in stage_activities(stage, Kind.READING)},
        "reflection": (reflection.get_absolute_url(), reflection.pk),
        "listening": (listening[0].get_absolute_url(), listening[0].pk) if listening else None,
        "modules": modules,
    }


@pytest.fixture
def population(programme) -> Population:
    organisation = organisation_create(name="Ministry of Load", country="Italy")
    trainer = UserFactory(email="trainer@load.example")
    membership_grant(user=trainer, organisation=organisation, role=Membership.Role.TRAINER)
    cohort = cohort_create(
        organisation=organisation,
        programme=programme,
        name="Load cohort",
        starts_on=datetime.date.today(),
        length_days=365,
        trainers=[trainer],
        by=trainer,
    )
    per_kind = (USERS - 1) * LEARNERS_PER_USER // 2
    fresh = [UserFactory(email=f"fresh{n}@load.example") for n in range(per_kind)]
    coached = [UserFactory(email=f"coached{n}@load.example") for n in range(per_kind)]
    for user in fresh:
        services.enrolment_create(user=user, programme=programme)
    # Trainees of the ministry already, so adding them enrols them at once.
    for user in coached:
        membership_grant(user=user, organisation=organisation, role=Membership.Role.TRAINEE)
    cohort_add_learners(
        cohort=cohort,
        rows=[LearnerRow(n + 1, user.email) for n, user in enumerate(coached)],
        by=trainer,
    )
    # The server checks passwords with the production hashers.
    User.objects.filter(email__endswith="@load.example").update(
        password=production_password_hash(PASSWORD)
    )

    orientation, curate = learner_paths("orientation"), learner_paths("curate")
    # In pairs, one fresh and one coached: each learner thread holds a pair.
    learners = []
    for beginner, follower in zip(fresh, coached, strict=True):
        learners.append(Learner(beginner.email, beginner.enrolments.get().pk, **orientation))
        enrolment = follower.enrolments.get()
        finish_orientation(enrolment)
        learners.append(Learner(follower.email, enrolment.pk, **curate))
    some_learner = learners[1].enrolment_id
    return Population(
        trainer=trainer.email,
        trainer_pages={
            "cohorts": "/cohorts/",
            "cohort": f"/cohorts/{cohort.pk}/",
            "learner": f"/cohorts/{cohort.pk}/learners/{some_learner}/",
            "reviews": "/reviews/",
            "report": "/reports/",
            "notifications": "/notifications/",
        },
        learners=learners,
    )


class Clock:
    """The run's start and end, set once every user has signed in."""

    def __init__(self):
        self.began = 0.0
        self.deadline = 0.0

    def begin(self) -> None:
        self.began = time.monotonic()
        self.deadline = self.began + SECONDS


class Person:
    """One client thread: signs in, waits for the start, then sends requests until the end."""

    def __init__(
        self, index: int, port: int, population: Population, start: threading.Barrier, clock: Clock
    ):
        self.index = index
        self.port = port
        self.source = f"127.0.0.{10 + index}"
        self.population = population
        self.start = start
        self.clock = clock
        self.rng = random.Random(index)
        self.tally = Tally()
        self.learners = (
            []
            if index == 0
            else population.learners[(index - 1) * LEARNERS_PER_USER : index * LEARNERS_PER_USER]
        )
        self.trainer: WebClient | None = None

    def run(self) -> None:
        try:
            if self.index == 0:
                self.trainer = self._sign_in(self.population.trainer)
            for learner in self.learners:
                learner.client = self._sign_in(learner.email)
        except Exception as error:
            self.tally.errors.append(f"signing in from {self.source}: {error!r}")
            self.start.abort()
            return
        try:
            self.start.wait(timeout=LOGIN_LIMIT_SECONDS)
        except threading.BrokenBarrierError:
            return
        while time.monotonic() < self.clock.deadline:
            if self.trainer is not None:
                name = self.rng.choice(TRAINER_PAGES)
                self._get(self.trainer, f"trainer {name}", self.population.trainer_pages[name])
            else:
                self._learner_turn(self.rng.choice(self.learners))

    def _sign_in(self, email: str) -> WebClient:
        client = WebClient(self.port, source=self.source)
        client.log_in(email, PASSWORD)
        return client

    def _send(self, kind: str, client: WebClient, method: str, path: str, form=None):
        """One request, counted; returns the response, or None when it failed."""
        started = time.monotonic()
        try:
            response = client.request(method, path, form)
        except Exception as error:
            self.tally.errors.append(f"{kind} {method} {path}: {error!r}")
            self.tally.samples.append((kind, None, time.monotonic() - started))
            return None
        self.tally.samples.append((kind, response.status, response.seconds))
        return response

    def _get(self, client: WebClient, kind: str, path: str) -> None:
        response = self._send(kind, client, "GET", path)
        if response is not None and response.status != 200:
            self.tally.unexpected.append(f"{kind} GET {path}: {response.status}")

    def _post(self, learner: Learner, kind: str, path: str, form: dict) -> bool:
        """An action on an activity page; True when it came back to the page, as it should."""
        self.tally.actions[f"{kind} sent"] += 1
        response = self._send(kind, learner.client, "POST", path, form)
        if response is None:
            return False
        if response.status != 302 or response.location != path:
            self.tally.unexpected.append(
                f"{kind} POST {path}: {response.status} to {response.location!r}"
            )
            return False
        self.tally.actions[f"{kind} succeeded"] += 1
        return True

    def _learner_turn(self, learner: Learner) -> None:
        actions = dict(LEARNER_ACTIONS)
        if learner.listening is None:
            del actions["listen"]
        action = self.rng.choices(list(actions), weights=list(actions.values()))[0]
        client = learner.client
        if action == "dashboard":
            self._get(client, action, "/dashboard/")
        elif action == "programme":
            self._get(client, action, "/programme/")
        elif action == "notifications":
            self._get(client, action, "/notifications/")
        elif action == "module":
            self._get(client, action, self.rng.choice(learner.modules))
        elif action == "activity":
            self._get(client, action, self.rng.choice(list(learner.readings)))
        elif action == "read":
            self._read(learner)
        elif action == "reflect":
            path, activity_id = learner.reflection
            if self._post(learner, "reflect", path, {"text": REFLECTION_TEXT}):
                self.tally.completions.add((learner.enrolment_id, activity_id))
                self.tally.reflections.add((learner.enrolment_id, activity_id))
                self._get(client, "activity after a post", path)
        elif action == "listen":
            path, activity_id = learner.listening
            form = {"followed": "The ministry's accounts", "learned": "What partners stressed"}
            if self._post(learner, "listen", path, form):
                day = datetime.datetime.now(datetime.UTC).date()
                self.tally.listening.add((learner.enrolment_id, activity_id, day))
                self._get(client, "activity after a post", path)

    def _read(self, learner: Learner) -> None:
        pending = learner.pending()
        repeat = not pending or (learner.read and self.rng.random() < REPEAT_SHARE)
        path = self.rng.choice(sorted(learner.read)) if repeat else pending[0]
        if not self._post(learner, "read", path, {}):
            return
        if repeat:
            self.tally.actions["read repeated"] += 1
        else:
            learner.read.add(path)
            self.tally.completions.add((learner.enrolment_id, learner.readings[path]))
            if self.rng.random() < DOUBLE_CLICK_SHARE and self._post(learner, "read", path, {}):
                self.tally.actions["read repeated"] += 1
        self._get(learner.client, "activity after a post", path)


def rows_written(enrolment_ids: list[int]) -> dict[str, set]:
    mine = {"enrolment_id__in": enrolment_ids}
    return {
        "completions": set(
            Completion.objects.filter(**mine).values_list("enrolment_id", "activity_id")
        ),
        "reflections": set(
            Reflection.objects.filter(**mine).values_list("enrolment_id", "activity_id")
        ),
        "listening": set(
            ListeningEntry.objects.filter(**mine).values_list("enrolment_id", "activity_id", "day")
        ),
    }


def counts_written(enrolment_ids: list[int]) -> Counter:
    mine = {"enrolment_id__in": enrolment_ids}
    return Counter(
        completions=Completion.objects.filter(**mine).count(),
        completed_history=HistoryEvent.objects.filter(
            kind=HistoryEvent.Kind.COMPLETED, **mine
        ).count(),
        reflections=Reflection.objects.filter(**mine).count(),
        listening=ListeningEntry.objects.filter(**mine).count(),
    )


def report(users: list[Person], seconds: float) -> str:
    samples = [sample for user in users for sample in user.tally.samples]
    by_kind = defaultdict(list)
    for kind, _, duration in samples:
        by_kind[kind].append(duration)
    actions = sum((user.tally.actions for user in users), Counter())
    lines = [
        f"\nLoad: {USERS} users ({len(users) - 1} learner threads x {LEARNERS_PER_USER} "
        f"learners, 1 trainer) for {seconds:.1f} s against gunicorn {WORKERS}x{THREADS}: "
        f"{len(samples)} requests, {len(samples) / seconds:.1f} req/s, "
        f"p50 {1000 * statistics.median(d for _, _, d in samples):.0f} ms, "
        f"p95 {1000 * p95([d for _, _, d in samples]):.0f} ms",
        "  " + ", ".join(f"{key} {value}" for key, value in sorted(actions.items())),
    ]
    for kind, durations in sorted(by_kind.items()):
        lines.append(f"  {kind:<24} {len(durations):>6}  p95 {1000 * p95(durations):>6.0f} ms")
    return "\n".join(lines)


def test_a_minute_of_mixed_traffic_loses_nothing_and_fails_nothing(population, serve, capsys):
    enrolment_ids = [learner.enrolment_id for learner in population.learners]
    before = rows_written(enrolment_ids)
    counts_before = counts_written(enrolment_ids)
    server = serve(database_url(connection.settings_dict), workers=WORKERS, threads=THREADS)

    clock = Clock()
    start = threading.Barrier(USERS + 1, action=clock.begin)
    users = [Person(index, server.port, population, start, clock) for index in range(USERS)]
    threads = [threading.Thread(target=user.run, daemon=True) for user in users]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=LOGIN_LIMIT_SECONDS)
    except threading.BrokenBarrierError:
        problems = [error for user in users for error in user.tally.errors]
        pytest.fail(
            f"not every user signed in within {LOGIN_LIMIT_SECONDS} s: {problems[:5]}\n"
            f"{server.log_tail()}"
        )
    for thread in threads:
        thread.join(timeout=SECONDS + REQUEST_TIMEOUT + 30)
    assert not any(thread.is_alive() for thread in threads), (
        f"client threads were still running {REQUEST_TIMEOUT + 30} s after the end:\n"
        f"{server.log_tail()}"
    )
    elapsed = time.monotonic() - clock.began
    summary = report(users, elapsed)
    with capsys.disabled():
        print(summary)

    errors = [error for user in users for error in user.tally.errors]
    server_errors = [
        f"{kind}: {status}" for user in users for kind, status, _ in user.tally.samples
        if status is not None and status >= 500
    ]  # fmt: skip
    unexpected = [problem for user in users for problem in user.tally.unexpected]
    assert not errors, (
        f"{len(errors)} connection errors or timeouts: {errors[:5]}\n{server.log_tail()}"
    )
    assert not server_errors, (
        f"{len(server_errors)} server errors: {Counter(server_errors)}\n{server.log_tail()}"
    )
    assert not unexpected, f"{len(unexpected)} unexpected answers: {unexpected[:10]}"

    sent = [user.tally for user in users]
    completions = set().union(*(tally.completions for tally in sent))
    reflections = set().union(*(tally.reflections for tally in sent))
    listening = set().union(*(tally.listening for tally in sent))
    actions = sum((tally.actions for tally in sent), Counter())
    assert completions and actions["read repeated"], "the run completed or repeated nothing"

    after = rows_written(enrolment_ids)
    written = counts_written(enrolment_ids) - counts_before
    expected = Counter(
        completions=len(completions),
        completed_history=len(completions),
        reflections=len(reflections - before["reflections"]),
        listening=len(listening),
    )
    with capsys.disabled():
        print(f"  rows written {dict(written)}; distinct successful actions {dict(expected)}")
    assert after["completions"] - before["completions"] == completions, (
        "completions written differ from the distinct completions that succeeded: "
        f"lost {sorted(completions - after['completions'])}, "
        f"unexplained {sorted(after['completions'] - before['completions'] - completions)}"
    )
    assert after["reflections"] - before["reflections"] == reflections - before["reflections"]
    assert after["listening"] - before["listening"] == listening
    assert written == expected, f"rows written {dict(written)}, actions {dict(expected)}"
