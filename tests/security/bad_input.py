"""The machinery of the bad-input tests: the input strategies, what an endpoint
is, the world each one meets, and sending one request in a rolled-back savepoint.

A few inputs are left out of the generated ones because they hit known bugs;
each has its own test in test_bad_input_known_bugs.py, and the strategy that
avoids it says so. Widen the strategy when its test passes.
"""

import csv
import datetime
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent, Membership, Organisation, User
from curriculum.models import Activity
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    Invitation,
    ListeningEntry,
    MilestoneAchievement,
    Nudge,
    Pause,
    QuizAttempt,
    Reflection,
    Submission,
)
from progress.selectors import learner_progress
from sandbox.models import LiveRun, Run, Scenario

Kind = Activity.Kind
PASSWORD = "a-long-and-memorable-passphrase"
# Examples per endpoint: enough to meet NUL bytes, odd digits and long text on
# every run and keep the file under a minute; raise it for a deeper search.
EXAMPLES = int(os.environ.get("SECURITY_EXAMPLES", "12"))
SEARCH = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Input


NASTY = [
    "",
    " ",
    "\x00",
    "on\x00leave",
    "²",
    "١٢",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "9" * 25,
    "\u202e\u200b",
    "🙂",
    "\r\n",
    "<script>alert(1)</script>",
    "%00",
    "../",
    "0001-01-01",
    "2026-02-30",
    "x" * 10_001,
    "é" * 301,
    "a" * 100_001,
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
SHORT_TEXT = st.one_of(st.sampled_from(NASTY[:20]), st.text(max_size=20))
NUMBERS = st.one_of(TEXT, st.integers(-(10**12), 10**12).map(str))
# Known bug: a start date in year 9999 overflows the due dates (a 500); see
# test_cohort_start_date_too_late_for_its_due_dates_is_a_form_error.
DATES = st.one_of(TEXT, st.dates(max_value=datetime.date(9998, 1, 1)).map(datetime.date.isoformat))
# Known bug: an address longer than the 254-character column passes the
# importer's check (a 500 on PostgreSQL); see
# test_learner_address_longer_than_the_column_is_reported_as_a_bad_row.
EMAILS = st.emails().filter(lambda email: len(email) <= 254)
PROSE = st.lists(
    st.text(st.characters(categories=["L", "N", "P"]), min_size=1, max_size=8), max_size=80
).map(" ".join)
LINKS = st.sampled_from(
    [
        "https://example.org/work",
        "example.org/work",
        "javascript:alert(1)",
        "http://[::1]:80/",
        "ftp://example.org/",
        "https://" + "a" * 500 + ".example",
        "https://exa\x00mple.org/",
    ]
)
# Known bug, on SQLite only: a trainer id beyond 64 bits is a 500 there; see
# test_cohort_form_with_a_trainer_id_beyond_64_bits_is_a_form_error.
TRAINER_TEXT = SHORT_TEXT.filter(
    lambda text: (
        connection.vendor != "sqlite"
        or not (text.isascii() and text.isdigit() and int(text) >= 2**63)
    )
)


def pasted_lists(emails):
    separators = st.sampled_from([",", ";", " ", "\n", "\t", ",\n"])
    items = st.lists(st.one_of(emails, SHORT_TEXT), max_size=8)
    return st.tuples(separators, items).map(lambda pair: pair[0].join(pair[1]))


def csv_bytes(emails):
    cells = st.one_of(SHORT_TEXT, emails, st.sampled_from(["en", "fr", "EN", "xx", "Email"]))
    rows = st.lists(st.lists(cells, max_size=5), max_size=8)

    def write(delimiter_and_rows) -> bytes:
        delimiter, table = delimiter_and_rows
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(table)
        return buffer.getvalue().encode()

    return st.one_of(
        st.tuples(st.sampled_from([",", ";", "\t"]), rows).map(write),
        st.binary(max_size=2_000),
        st.text(max_size=300).map(str.encode),
        st.sampled_from([b"", b"\xef\xbb\xbf", b"\x00", b"email\r\n", "é,x".encode("latin-1")]),
    )


# Endpoints


@dataclass(frozen=True)
class Endpoint:
    """One form or URL: who sends it, where, with which fields.

    `fields` maps each field to a strategy (keys starting with "_" go into the
    URL instead, for tokens) and `valid` gives one request that works; `needs`
    says which parts of the world to build. `refused` are the statuses that
    mean "form error" besides every 4xx; `watched` reads what a refusal must
    leave unchanged beyond row counts (an edited row, a status).
    """

    persona: str
    method: str
    url: Callable[["World", dict], str]
    fields: Callable[["World"], dict[str, st.SearchStrategy]]
    valid: Callable[["World"], dict]
    needs: tuple[str, ...] = ()
    refused: tuple[int, ...] = (200, 400)
    watched: Callable[["World"], object] = lambda world: None


@dataclass
class World:
    """What every example of one endpoint meets; built once, rolled back to after each."""

    endpoint: Endpoint
    organisation: Organisation
    users: dict[str, User]
    clients: dict[str, Client]
    solo: Enrolment | None = None  # a self-paced learner with every activity kind open
    activities: dict[str, Activity] = field(default_factory=dict)
    nudge: Nudge | None = None
    cohort: Cohort | None = None
    learner: Enrolment | None = None  # the trainee, in the cohort, with work to review
    submission: Submission | None = None
    invitation: Invitation | None = None
    run: Run | None = None  # the trainee's practice run of the consular scenario
    live: LiveRun | None = None  # the cohort's live run, the trainer clearing drafts
    live_run: Run | None = None  # the trainee's run of it, a draft waiting for the trainer


def open_stages(enrolment: Enrolment) -> None:
    """Orientation, Collaborate and the first Curate module done: every kind has an open page."""
    done = Activity.objects.live().filter(
        module__stage__slug__in=["orientation", "collaborate"]
    ) | Activity.objects.live().filter(
        module__stage__slug="curate", module__slug="listening-foundations"
    )
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now) for activity in done
    )


def open_activities(enrolment: Enrolment) -> dict[str, Activity]:
    """Per kind, the first open activity, one the learner has not done if there is one."""
    found: dict[str, Activity] = {}
    for stage in learner_progress(enrolment).stages:
        for module in stage.modules if stage.unlocked else []:
            for item in module.activities:
                kind = item.activity.kind
                if kind not in found or (not item.completed and found[kind][1]):
                    found[kind] = (item.activity, item.completed)
    return {
        kind: Activity.objects.select_related("module__stage").get(pk=activity.pk)
        for kind, (activity, _) in found.items()
    }


# Sending and checking

COUNTED = [
    User,
    Membership,
    AuditEvent,
    Cohort,
    Invitation,
    Enrolment,
    Pause,
    Completion,
    QuizAttempt,
    Follow,
    ListeningEntry,
    Submission,
    Reflection,
    FollowingCheckin,
    MilestoneAchievement,
    HistoryEvent,
    Nudge,
    Scenario,
    LiveRun,
    Run,
]


def row_counts() -> dict[str, int]:
    """Rows per model, in one query."""
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model in COUNTED
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip((model.__name__ for model in COUNTED), cursor.fetchone(), strict=True))


@dataclass(frozen=True)
class Outcome:
    status: int
    written: dict[str, int]
    changed: bool
    body: bytes
    probed: object = None


def send(world: World, values: dict, probe: Callable[[], object] = lambda: None) -> Outcome:
    """Sends one request in a savepoint that is rolled back afterwards; `probe`
    reads what the request left, before the rollback."""
    endpoint = world.endpoint
    url = endpoint.url(world, values)
    data = {}
    for name, value in values.items():
        if name.startswith("_"):
            continue
        if isinstance(value, bytes):
            value = SimpleUploadedFile(values.get("_filename", "learners.csv"), value)
        data[name] = value
    client = world.clients[endpoint.persona]
    if endpoint.persona != "anonymous":
        # Outside the savepoint, so the session outlives the rollback; signed in
        # afresh each time, so a request that signed out does not change the next.
        client.force_login(world.users[endpoint.persona])
    with transaction.atomic():
        before, watched = row_counts(), endpoint.watched(world)
        response = getattr(client, endpoint.method)(url, data)
        # A streamed export fails while streaming, if it fails.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        after, changed = row_counts(), endpoint.watched(world) != watched
        probed = probe()
        transaction.set_rollback(True)
    written = {name: after[name] - before[name] for name in before if after[name] != before[name]}
    return Outcome(response.status_code, written, changed, body, probed)


def assert_clean(outcome: Outcome, endpoint: Endpoint, what: str = "") -> None:
    assert outcome.status < 500, what
    if outcome.status in endpoint.refused or 400 <= outcome.status < 500:
        assert not outcome.written, f"{what}: refused ({outcome.status}), wrote {outcome.written}"
        assert not outcome.changed, f"{what}: refused ({outcome.status}), changed a row"


def ids(queryset) -> st.SearchStrategy:
    return st.sampled_from([str(pk) for pk in queryset.values_list("pk", flat=True)])


def activity_url(kind: str) -> Callable[[World, dict], str]:
    return lambda world, values: world.activities[kind].get_absolute_url()


def fixed(url_name: str, *args: Callable[[World], object]) -> Callable[[World, dict], str]:
    return lambda world, values: reverse(url_name, args=[arg(world) for arg in args])


def in_path(prefix: str) -> Callable[[World, dict], str]:
    # Quoted whole: a "/" in a token must not turn into another URL.
    return lambda world, values: f"{prefix}{quote(values['_token'], safe='')}/"


def user_row(world: World, persona: str) -> list:
    return list(
        User.objects.filter(pk=world.users[persona].pk).values_list(
            "display_name", "time_zone", "language", "email", "nudge_preferences"
        )
    )


def cohort_row(world: World) -> tuple:
    cohort = Cohort.objects.get(pk=world.cohort.pk)
    trainers = sorted(cohort.trainers.values_list("pk", flat=True))
    return cohort.name, cohort.starts_on, cohort.length_days, cohort.archived_at, trainers


def cohort_fields(world: World) -> dict[str, st.SearchStrategy]:
    people = [world.users["trainer"], world.users["org_admin"], world.users["learner"]]
    return {
        "name": TEXT,
        "organisation": st.one_of(TEXT, ids(Organisation.objects.all())),
        "starts_on": DATES,
        "length_days": st.one_of(NUMBERS, st.sampled_from(["7", "365", "3650", "3651"])),
        "trainers": st.lists(
            st.one_of(TRAINER_TEXT, st.sampled_from([str(user.pk) for user in people])), max_size=3
        ),
    }


def cohort_valid(world: World) -> dict:
    return {
        "name": "Autumn cohort",
        "organisation": str(world.organisation.pk),
        "starts_on": timezone.now().date().isoformat(),
        "length_days": "400",
        "trainers": [str(world.users["trainer"].pk)],
    }


def report_fields(world: World) -> dict[str, st.SearchStrategy]:
    return {
        "organisation": st.one_of(TEXT, ids(Organisation.objects.all())),
        "cohort": st.one_of(TEXT, ids(Cohort.objects.all()), st.just("0")),
        "started_from": st.one_of(TEXT, st.dates().map(datetime.date.isoformat)),
        "started_to": st.one_of(TEXT, st.dates().map(datetime.date.isoformat)),
        "status": st.one_of(TEXT, st.sampled_from(["active", "paused", "withdrawn", "completed"])),
        "pace": st.one_of(TEXT, st.sampled_from(["ahead", "on_track", "at_risk", "overdue"])),
        "milestone": st.one_of(TEXT, st.sampled_from(["acquainted", "e_listener"])),
        "state": st.one_of(TEXT, st.sampled_from(["on_time", "late", "overdue", "pending"])),
        "page": st.one_of(TEXT, st.sampled_from(["1", "2", "-1", "last"])),
    }


def report_valid(world: World) -> dict:
    return {
        "organisation": str(world.organisation.pk),
        "status": "active",
        "started_from": "2020-01-01",
        "milestone": "acquainted",
        "state": "pending",
    }


def report(url_name: str) -> Endpoint:
    return Endpoint(
        "staff", "get", fixed(url_name), report_fields, report_valid, ("cohort",), refused=(400,)
    )


def with_nul(value):
    if isinstance(value, str):
        return value[:1] + "\x00" + value[1:]
    if isinstance(value, bytes):
        return value[:1] + b"\x00" + value[1:]
    return [with_nul(item) for item in value]


def run_row(run: Callable[[World], Run]) -> Callable[[World], tuple]:
    """What a refused sandbox request must leave as it was: the run's log, clock and hand-in."""

    def read(world: World) -> tuple:
        found = Run.objects.get(pk=run(world).pk)
        return found.log, found.pauses, found.submitted_at, found.submission_id

    return read
