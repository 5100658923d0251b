"""The bench platform: organisations, people, cohorts and learners, written with COPY.

`full`: 100 organisations, 2,000 cohorts (20 of 500 learners), 100,000
learners (2% self-paced) at every point of the time model, about 5 million
completions, listening entries and check-ins, and the submissions, standings,
achievements, history and nudges that go with them. `small`: the same shapes
on 2 organisations, 20 cohorts (one of 500) and 2,000 learners.

What was generated (scale, version, the benchmark's targets: the trainer of a
500-learner cohort, the staff user...) is recorded in the table `bench_meta`.
"""

import datetime
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict

import psycopg2
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import Membership, Organisation, User
from bench.copyload import (
    NULL,
    Batch,
    Copier,
    Table,
    copy_value,
    drop_secondary_indexes,
    flag,
    text,
    ts,
)
from bench.rows import StoryRows
from bench.scales import BENCH_PASSWORD, GENERATOR_VERSION, Scale
from bench.stories import ActivityInfo, Learner, ProgrammeInfo, StoryWriter, standard_schedule
from competences.models import Standing
from curriculum.models import Activity, Stage
from curriculum.selectors import programme_default
from ediplomacy.lib.periods import (
    at_local_time,
    local_date,
    months_before,
    week_start,
    zone_named,
)
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
from progress.nudges.rules import calendar_month, iso_week

DAY = datetime.timedelta(days=1)

# The tables the generator writes. Their columns come from the models, so a
# field added to a model reaches the bench's rows without a second list.
MODELS = [
    Organisation,
    User,
    EmailAddress,
    Membership,
    Cohort,
    Cohort.trainers.through,
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
    Standing,
]


def table_of(model) -> Table:
    """The model's table: every concrete column, and what one left out holds."""
    defaults = {}
    for column in model._meta.concrete_fields:
        if column.null:
            defaults[column.column] = NULL
        elif column.has_default():
            defaults[column.column] = copy_value(column.get_default())
    return Table(
        model._meta.db_table,
        tuple(column.column for column in model._meta.concrete_fields),
        defaults,
    )


TABLES: dict[str, Table] = {model._meta.db_table: table_of(model) for model in MODELS}
COLUMNS: dict[str, tuple[str, ...]] = {name: table.columns for name, table in TABLES.items()}

# (table, column, referenced table): every reference the generator writes.
REFERENCES = [
    ("account_emailaddress", "user_id", "accounts_user"),
    ("accounts_membership", "user_id", "accounts_user"),
    ("accounts_membership", "organisation_id", "accounts_organisation"),
    ("progress_cohort", "organisation_id", "accounts_organisation"),
    ("progress_cohort_trainers", "cohort_id", "progress_cohort"),
    ("progress_cohort_trainers", "user_id", "accounts_user"),
    ("progress_invitation", "cohort_id", "progress_cohort"),
    ("progress_enrolment", "user_id", "accounts_user"),
    ("progress_enrolment", "cohort_id", "progress_cohort"),
    ("progress_pause", "enrolment_id", "progress_enrolment"),
    ("progress_completion", "enrolment_id", "progress_enrolment"),
    ("progress_completion", "activity_id", "curriculum_activity"),
    ("progress_quizattempt", "enrolment_id", "progress_enrolment"),
    ("progress_follow", "enrolment_id", "progress_enrolment"),
    ("progress_follow", "resource_id", "curriculum_resource"),
    ("progress_listeningentry", "enrolment_id", "progress_enrolment"),
    ("progress_submission", "enrolment_id", "progress_enrolment"),
    ("progress_submission", "reviewed_by_id", "accounts_user"),
    ("progress_reflection", "enrolment_id", "progress_enrolment"),
    ("progress_followingcheckin", "enrolment_id", "progress_enrolment"),
    ("progress_milestoneachievement", "enrolment_id", "progress_enrolment"),
    ("progress_historyevent", "enrolment_id", "progress_enrolment"),
    ("progress_historyevent", "activity_id", "curriculum_activity"),
    ("progress_nudge", "recipient_id", "accounts_user"),
    ("progress_nudge", "enrolment_id", "progress_enrolment"),
    ("progress_nudge", "submission_id", "progress_submission"),
    ("competences_standing", "user_id", "accounts_user"),
    ("competences_standing", "competence_id", "competences_competence"),
]


def _words(names: str) -> list[str]:
    return names.split()


COUNTRIES = _words(
    "Albania Argentina Australia Austria Belgium Benin Bhutan Bolivia Botswana Brazil Canada "
    "Chile Colombia Croatia Cyprus Denmark Ecuador Estonia Ethiopia Fiji Finland France Georgia "
    "Germany Ghana Greece Iceland India Indonesia Ireland Italy Jamaica Japan Jordan Kenya Latvia "
    "Lithuania Luxembourg Malawi Malta Mexico Mongolia Morocco Namibia Nepal Netherlands Norway "
    "Panama Peru Poland Portugal Rwanda Senegal Serbia Slovakia Slovenia Spain Sweden "
    "Switzerland Tunisia Uganda Uruguay Vietnam Zambia"
)
FIRST_NAMES = _words(
    "Amina Ana Andrés Aiko Carlos Chloé Daniel Elena Fatou Hana Ingrid Ivan Jonas Julia Kofi "
    "Lars Leila Lucía Marco Maria Mei Nadia Olga Omar Paulo Priya Rahul Sara Sofia Tomás Yusuf Zoe"
)
LAST_NAMES = _words(
    "Abebe Almeida Banda Berg Costa Diallo Dubois Eriksen Fischer García Haddad Ito Jensen Kim "
    "Kowalski Lopez Mensah Moreau Nakamura Novak Okafor Petrov Rossi Santos Schmidt Silva Tanaka "
    "Umarov Visser Wang Yilmaz Zhou"
)
TIME_ZONES = _words(
    "Europe/Paris Europe/Berlin Europe/Madrid Africa/Nairobi Africa/Dakar America/Bogota "
    "America/Mexico_City America/Santiago Asia/Tokyo Asia/Kolkata Asia/Kathmandu UTC"
)
LANGUAGES = ["en"] * 6 + ["fr"] * 2 + ["es"] * 2


def read_programme():
    """The default programme's live activities in order, with what the stories need."""
    programme = programme_default()
    if programme is None:
        raise SystemExit("No programme: run `manage.py load_curriculum` first.")
    activities = list(
        Activity.objects.live()
        .filter(module__stage__programme=programme, module__stage__retired_at__isnull=True)
        .select_related("module__stage")
        .order_by("module__stage__order", "module__order", "order")
    )
    schedule = standard_schedule([a.module.horizon for a in activities])
    resources = {
        a.pk: list(
            a.resources.filter(retired_at__isnull=True)
            .order_by("order")
            .values_list("pk", flat=True)[: a.required]
        )
        for a in activities
        if a.kind == Activity.Kind.RESOURCES
    }
    stages = Stage.objects.filter(
        programme=programme, retired_at__isnull=True, competence__isnull=False
    ).order_by("order")
    return ProgrammeInfo(
        pk=programme.pk,
        title=text(programme.title),
        activities=[
            ActivityInfo(
                pk=a.pk,
                kind=a.kind,
                horizon=a.module.horizon,
                stage_pk=a.module.stage_id,
                title=text(a.title),
                standard_day=day,
            )
            for a, day in zip(activities, schedule, strict=True)
        ],
        resources=resources,
        competence_stages=[(s.pk, s.competence_id) for s in stages],
    )


def cohort_sizes(scale: Scale, rng: random.Random) -> list[int]:
    """Learners per cohort: `big_cohorts` of 500 spread over the organisations, the rest
    of the cohort learners shared unevenly among the other cohorts."""
    per_org = scale.cohorts // scale.organisations
    stride = max(1, scale.organisations // scale.big_cohorts)
    big = {org * stride * per_org for org in range(scale.big_cohorts)}
    others = scale.cohorts - len(big)
    rest = scale.learners - scale.self_paced - len(big) * scale.big_cohort_size
    weights = [rng.uniform(0.3, 1.7) for _ in range(others)]
    total = sum(weights)
    shares = [max(1, round(rest * w / total)) for w in weights]
    shares[-1] += rest - sum(shares)
    sizes, shared = [], iter(shares)
    for index in range(scale.cohorts):
        sizes.append(scale.big_cohort_size if index in big else next(shared))
    return sizes


# Digests and summaries are sent when the planner first meets their period, in
# the morning once quiet hours end.
SENT_AT = datetime.time(8, 5)
DIGEST_WEEKS = 8
SUMMARY_MONTHS = 6


def sent_digests(
    now: datetime.datetime, trainers: dict[int, str], admins: dict[int, str], org: int
) -> list[tuple[int, str, str, str, datetime.datetime]]:
    """(recipient, rule, subject, period, sent at) of the digests and summaries
    already sent by `now`: one a calendar week per trainer and one a calendar
    month per administrator, each period read on the recipient's own calendar
    as the planner reads it (`progress.nudges.rules`)."""
    rows = []
    for trainer, name in trainers.items():
        zone = zone_named(name)
        this_week = week_start(local_date(now, zone))
        for weeks in range(DIGEST_WEEKS):
            monday = this_week - datetime.timedelta(weeks=weeks)
            at = min(at_local_time(monday, SENT_AT, zone), now)
            rows.append((trainer, "trainer_digest", "cohorts", iso_week(at, zone), at))
    for admin, name in admins.items():
        zone = zone_named(name)
        today = local_date(now, zone)
        for months in range(SUMMARY_MONTHS):
            first = months_before(today, months)
            at = min(at_local_time(first, SENT_AT, zone), now)
            rows.append((admin, "org_summary", f"organisation:{org}", calendar_month(at, zone), at))
    return rows


class Platform:
    """Writes organisations, people, cohorts and every learner's story."""

    def __init__(self, scale: Scale, seed: int, now: datetime.datetime):
        self.scale = scale
        self.now = now
        self.rng = random.Random(seed)
        self.programme = read_programme()
        self.writer = StoryWriter(self.programme, now, seed + 1)
        self.ids = self.writer.ids
        self.rebuild = drop_secondary_indexes(os.environ["DATABASE_URL"], list(COLUMNS))
        self.copier = Copier(os.environ["DATABASE_URL"], TABLES)
        self.batch = Batch(TABLES)
        # One hash for every bench user: hashing 100,000 passwords would take hours.
        self.password = make_password(BENCH_PASSWORD)
        self.targets: dict = {}
        self.profiles: dict[str, int] = {}
        self.zones: dict[int, str] = {}

    def flush(self, force: bool = False) -> None:
        if force or len(self.batch) > 150_000:
            self.copier.put(self.batch)
            self.batch = Batch(TABLES)

    # --- people ---------------------------------------------------------------

    def user(
        self, email: str, name: str, joined: datetime.datetime, staff=False, digests=False
    ) -> int:
        rng = self.rng
        pk = self.ids.next("accounts_user")
        zone = rng.choice(TIME_ZONES)
        if digests:
            # Their own calendar dates the digests and summaries they receive.
            self.zones[pk] = zone
        self.batch.add(
            "accounts_user",
            id=str(pk),
            password=self.password,
            last_login=NULL,
            is_superuser=flag(staff),
            email=email,
            display_name=name,
            time_zone=zone,
            language=rng.choice(LANGUAGES),
            is_staff=flag(staff),
            is_active="t",
            date_joined=ts(joined),
            nudge_preferences="{}",
        )
        self.batch.add(
            "account_emailaddress",
            id=str(self.ids.next("account_emailaddress")),
            email=email,
            verified="t",
            primary="t",
            user_id=str(pk),
        )
        return pk

    def member(self, user: int, organisation: int, role: str, at: datetime.datetime) -> None:
        self.batch.add(
            "accounts_membership",
            id=str(self.ids.next("accounts_membership")),
            role=role,
            created_at=ts(at),
            user_id=str(user),
            organisation_id=str(organisation),
        )

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    # --- the platform -----------------------------------------------------------

    def build(self) -> dict[str, int]:
        scale, now, rng = self.scale, self.now, self.rng
        started = time.monotonic()
        self.targets["staff"] = self.user(
            "staff@bench.example", "Platform Staff", now - 500 * DAY, staff=True
        )
        sizes = cohort_sizes(scale, rng)
        per_org = scale.cohorts // scale.organisations
        done_learners = 0
        for org_index in range(scale.organisations):
            self.organisation(org_index, sizes[org_index * per_org : (org_index + 1) * per_org])
            done_learners += sum(sizes[org_index * per_org : (org_index + 1) * per_org])
            self.flush()
            if org_index % max(1, scale.organisations // 10) == 0:
                elapsed = time.monotonic() - started
                print(
                    f"  {done_learners:,} cohort learners written ({elapsed:.0f} s)",
                    file=sys.stderr,
                )
        self.self_paced()
        self.flush(force=True)
        counts = self.copier.close()
        counts["profiles"] = self.profiles
        return counts

    def organisation(self, index: int, sizes: list[int]) -> None:
        now, rng = self.now, self.rng
        country = COUNTRIES[index % len(COUNTRIES)]
        name = f"Ministry of Foreign Affairs of {country}"
        if index >= len(COUNTRIES):
            name = f"Diplomatic Academy of {country}"
        slug = f"org-{index + 1}"
        org = self.ids.next("accounts_organisation")
        created = now - 600 * DAY
        self.batch.add(
            "accounts_organisation",
            id=str(org),
            name=text(name),
            slug=slug,
            country=country,
            created_at=ts(created),
        )
        admins = [
            self.user(f"admin{n}@{slug}.bench.example", self.name(), created, digests=True)
            for n in range(1 if rng.random() < 0.7 else 2)
        ]
        for admin in admins:
            self.member(admin, org, "org_admin", created)
        trainers = [
            self.user(f"trainer{n}@{slug}.bench.example", self.name(), created, digests=True)
            for n in range(math.ceil(len(sizes) / 3))
        ]
        for trainer in trainers:
            self.member(trainer, org, "trainer", created)
        if "admin" not in self.targets:
            self.targets["admin"] = admins[0]
        cohorts = []
        for position, size in enumerate(sizes):
            cohort_trainers = [trainers[position % len(trainers)]]
            if rng.random() < 0.2 and len(trainers) > 1:
                cohort_trainers.append(rng.choice([t for t in trainers if t != cohort_trainers[0]]))
            benchmarked = size == self.scale.big_cohort_size and "cohort" not in self.targets
            cohort = self.cohort(org, slug, position, size, benchmarked, cohort_trainers)
            cohorts.append((cohort, cohort_trainers))
            if benchmarked:
                self.targets["cohort"] = cohorts[-1][0][0]
                self.targets["trainer"] = cohort_trainers[0]
        for (cohort, starts_at, length_days, size), cohort_trainers in cohorts:
            waiting = 0.5 if self.targets.get("trainer") in cohort_trainers else 0.25
            for _ in range(size):
                self.learner(org, slug, cohort, cohort_trainers, starts_at, length_days, waiting)
        self.digests(trainers, admins, org)

    def cohort(self, org, slug, position, size, benchmarked, trainers):
        now, rng = self.now, self.rng
        pk = self.ids.next("progress_cohort")
        if benchmarked:
            # 100 days in: past the month, well into the year, so every pace shows.
            starts_on, length_days = (now - 100 * DAY).date(), 365
        else:
            starts_on = (now - DAY * rng.uniform(-10, 420)).date()
            length_days = rng.choices([365, 180, 730], [85, 10, 5])[0]
        starts_at = datetime.datetime.combine(starts_on, datetime.time.min, tzinfo=datetime.UTC)
        ends = starts_at + DAY * length_days
        archived = ends + 10 * DAY if ends + 40 * DAY < now and rng.random() < 0.5 else None
        name = f"{starts_on:%B %Y} intake {chr(65 + position % 26)}{position // 26 or ''}"
        self.batch.add(
            "progress_cohort",
            id=str(pk),
            name=name,
            starts_on=starts_on.isoformat(),
            length_days=str(length_days),
            archived_at=ts(archived) if archived else NULL,
            created_at=ts(starts_at - 14 * DAY),
            organisation_id=str(org),
            programme_id=str(self.programme.pk),
        )
        for trainer in trainers:
            self.batch.add(
                "progress_cohort_trainers",
                id=str(self.ids.next("progress_cohort_trainers")),
                cohort_id=str(pk),
                user_id=str(trainer),
            )
        for _ in range(rng.randint(0, 3)):
            invited = now - DAY * rng.uniform(0, 10)
            self.batch.add(
                "progress_invitation",
                id=str(self.ids.next("progress_invitation")),
                email=f"invitee{self.ids.last('progress_invitation')}@{slug}.bench.example",
                display_name="",
                language="en",
                status="pending",
                created_at=ts(invited),
                sent_at=ts(invited),
                send_count="1",
                cohort_id=str(pk),
                created_by_id=NULL,
            )
        return pk, starts_at, length_days, size

    def learner(self, org, slug, cohort, trainers, starts_at, length_days, waiting) -> None:
        joined = min(starts_at - DAY * self.rng.uniform(1, 20), self.now - DAY)
        number = self.ids.last("accounts_user") + 1
        user = self.user(f"learner{number}@{slug}.bench.example", self.name(), joined)
        self.member(user, org, "trainee", joined)
        enrolment = self.ids.next("progress_enrolment")
        self.write(Learner(user, enrolment, cohort, trainers, starts_at, length_days, waiting))
        if self.targets.get("cohort") == cohort:
            self.targets.setdefault("learners", []).append(user)

    def write(self, learner: Learner) -> None:
        """One learner's story, and the rows it leaves."""
        story = self.writer.story(learner)
        StoryRows(self.writer, self.batch, story).write()
        self.profiles[story.profile] = self.profiles.get(story.profile, 0) + 1

    def self_paced(self) -> None:
        now, rng = self.now, self.rng
        for _ in range(self.scale.self_paced):
            started = now - DAY * rng.uniform(0, 400)
            number = self.ids.last("accounts_user") + 1
            user = self.user(f"learner{number}@self.bench.example", self.name(), started)
            enrolment = self.ids.next("progress_enrolment")
            self.write(Learner(user, enrolment, None, [], started, 365, 0.0))
            self.flush()

    def digests(self, trainers: list[int], admins: list[int], org: int) -> None:
        """Weekly trainer digests and monthly organisation summaries already sent."""
        lines = json.dumps(["Your cohorts: 3 learners at risk, 1 overdue, 2 works to review."])
        trainer_zones = {pk: self.zones[pk] for pk in trainers}
        admin_zones = {pk: self.zones[pk] for pk in admins}
        for recipient, rule, subject, period, at in sent_digests(
            self.now, trainer_zones, admin_zones, org
        ):
            stamp = ts(at)
            self.batch.add(
                "progress_nudge",
                id=str(self.ids.next("progress_nudge")),
                rule=rule,
                subject=subject,
                period=period,
                milestone="",
                status="sent",
                email="sent",
                skip_reason="",
                not_before=stamp,
                created_at=stamp,
                claimed_at=stamp,
                sent_at=stamp,
                read_at=NULL,
                attempts="1",
                last_error="",
                enrolment_id=NULL,
                recipient_id=str(recipient),
                submission_id=NULL,
                digest=lines,
            )

    def finish(self, counts: dict, seed: int, started: float) -> None:
        """Indexes, sequences, integrity, statistics and the record of what was generated."""
        connection = psycopg2.connect(os.environ["DATABASE_URL"])
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table, columns in COLUMNS.items():
                if "id" in columns:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(max(id), 1) FROM {table}))"
                    )
            phases = {"rows": round(time.monotonic() - started, 1)}
            print(f"  rebuilding {len(self.rebuild)} indexes", file=sys.stderr)
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for statement in self.rebuild:
                cursor.execute(statement)
            for table, column, referenced in REFERENCES:
                cursor.execute(
                    f"SELECT count(*) FROM {table} t LEFT JOIN {referenced} r ON r.id = t.{column} "
                    f"WHERE t.{column} IS NOT NULL AND r.id IS NULL"
                )
                (orphans,) = cursor.fetchone()
                if orphans:
                    raise SystemExit(f"{orphans} rows of {table}.{column} refer to nothing.")
            phases["indexes"] = round(time.monotonic() - started - sum(phases.values()), 1)
            print("  vacuum and analyse", file=sys.stderr)
            cursor.execute("VACUUM (ANALYZE)")
            phases["vacuum"] = round(time.monotonic() - started - sum(phases.values()), 1)
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)"
            )
            meta = {
                "scale": self.scale.name,
                "version": GENERATOR_VERSION,
                "seed": seed,
                "generated_at": self.now.isoformat(),
                "seconds": round(time.monotonic() - started, 1),
                "phases": phases,
                "targets": {k: v for k, v in self.targets.items() if k != "learners"},
                "learners": self.targets.get("learners", [])[:200],
                "counts": counts,
                "definition": asdict(self.scale),
            }
            for key, value in meta.items():
                cursor.execute(
                    "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (key, json.dumps(value)),
                )
        connection.close()
