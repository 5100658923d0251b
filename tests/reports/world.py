"""The report tests' world: two organisations, three cohorts and a
self-paced learner, with snapshot figures set by hand (see the table below)."""

import csv
import datetime
import io
import re

from accounts import access
from accounts.models import Membership, User
from competences.models import Competence, Standing
from progress.models import SNAPSHOT_STATUS_FIELDS, Cohort, Enrolment, MilestoneAchievement
from reports.views import learner_csv_columns
from tests.factories import MembershipFactory, UserFactory

DAY = datetime.timedelta(days=1)
# A Wednesday, 14:00 UTC: working hours for an administrator in UTC.
NOW = datetime.datetime(2026, 1, 14, 14, 0, tzinfo=datetime.UTC)
ON, LATE = "achieved_on_time", "achieved_late"
COMPETENCES = ["curate", "collaborate", "communicate", "create", "critique"]
REPORT, CSV_EXPORT, JSON_EXPORT = "reports:report", "reports:report_csv", "reports:report_json"


# The world: two organisations, three cohorts and a self-paced learner.
#
# Snapshot fields are set by hand, so every figure below can be counted on
# this table. Time shares are for the achievements behind "achieved" states;
# Cleo's achievement predates time shares (None), so no median counts it.
#
# key   cohort  status     pace           acquainted   e_listener   active       started
# ada   Alpha   active     ahead          on time      ahead        not started  10 Jan
# ben   Alpha   active     at_risk        late         at_risk      not started  10 Jan
# cleo  Alpha   paused     paused         on time      paused       paused       1 Feb
# dan   Alpha   withdrawn  at_risk        on time      late         at_risk      1 Feb
# eve   Alpha   completed  achieved_late  on time      on time      late         10 Jan
# fay   Beta    active     overdue        on time      overdue      not started  15 Mar
# gus   Beta    active     overdue        overdue      not started  not started  15 Mar
# kim   Beta    active     on_track       on time      on_track     not started  20 Mar
# hal   Gamma   active     overdue        late         overdue      not started  20 Jan
# ivy   Gamma   completed  achieved_on..  on time      on time      on time      20 Jan
# jo    (none)  active     ahead          on time      ahead        not started  1 Apr
#
# Alpha and Beta belong to the Ministry of Foreign Affairs (the org admin's),
# Gamma to the Foreign Service. The trainer trains Alpha only; the outsider
# trains Gamma. Eve and Ivy demonstrated all five competences, withdrawn Dan
# demonstrated Curate, and Ada is halfway through it.
LEARNERS = [
    # key, name, cohort, status, (pace, acquainted, e_listener, active), started, time shares
    ("ada", "Ada Abbot", "Alpha", "active", ("ahead", ON, "ahead", "not_started"),
     (1, 10), {"acquainted": 0.5}),
    ("ben", "Ben Baker", "Alpha", "active", ("at_risk", LATE, "at_risk", "not_started"),
     (1, 10), {"acquainted": 2.0}),
    ("cleo", "Cleo Carter", "Alpha", "paused", ("paused", ON, "paused", "paused"),
     (2, 1), {"acquainted": None}),
    ("dan", "Dan Dawson", "Alpha", "withdrawn", ("at_risk", ON, LATE, "at_risk"),
     (2, 1), {"acquainted": 0.4, "e_listener": 1.5}),
    ("eve", "Eve Ellis", "Alpha", "completed", (LATE, ON, ON, LATE),
     (1, 10), {"acquainted": 0.25, "e_listener": 0.9, "active_e_diplomat": 1.2}),
    ("fay", "Fay Fisher", "Beta", "active", ("overdue", ON, "overdue", "not_started"),
     (3, 15), {"acquainted": 0.6}),
    ("gus", "Gus Grant", "Beta", "active", ("overdue", "overdue", "not_started", "not_started"),
     (3, 15), {}),
    ("kim", "Kim Knox", "Beta", "active", ("on_track", ON, "on_track", "not_started"),
     (3, 20), {"acquainted": 0.7}),
    ("hal", "Hal Hughes", "Gamma", "active", ("overdue", LATE, "overdue", "not_started"),
     (1, 20), {"acquainted": 3.0}),
    ("ivy", "Ivy Irwin", "Gamma", "completed", (ON, ON, ON, ON),
     (1, 20), {"acquainted": 0.1, "e_listener": 0.5, "active_e_diplomat": 0.95}),
    ("jo", "Jo Jones", None, "active", ("ahead", ON, "ahead", "not_started"),
     (4, 1), {"acquainted": 0.3}),
]  # fmt: skip
MINISTRY = ["ada", "ben", "cleo", "dan", "eve", "fay", "gus", "kim"]
FOREIGN_SERVICE = ["hal", "ivy"]
ALPHA = ["ada", "ben", "cleo", "dan", "eve"]


class World:
    def __init__(self, **items):
        self.__dict__.update(items)


def started(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2025, month, day, 9, 0, tzinfo=datetime.UTC)


def build_world(programme, organisation, other_organisation, trainer, outsider):
    cohorts = {}
    for key, owner, trainers in [
        ("Alpha", organisation, [trainer]),
        ("Beta", organisation, []),
        ("Gamma", other_organisation, [outsider]),
    ]:
        cohorts[key] = Cohort.objects.create(
            organisation=owner,
            programme=programme,
            name=f"{key} intake",
            starts_on=datetime.date(2025, 1, 10),
        )
        cohorts[key].trainers.set(trainers)
    enrolments, users = {}, {}
    for key, name, cohort_key, status, snapshot, (month, day), shares in LEARNERS:
        cohort = cohorts[cohort_key] if cohort_key else None
        domain = {None: "solo.example", "Gamma": "fs.example"}.get(cohort_key, "mfa.example")
        user = UserFactory(email=f"{key}@{domain}", display_name=name)
        if cohort is not None:
            MembershipFactory(
                user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE
            )
        states = dict(zip(SNAPSHOT_STATUS_FIELDS, snapshot, strict=True))
        enrolment = Enrolment.objects.create(
            user=user,
            programme=programme,
            cohort=cohort,
            started_at=started(month, day),
            status=status,
            assessed_at=started(month, day) + 30 * DAY,
            **states,
        )
        for milestone, share in shares.items():
            MilestoneAchievement.objects.create(
                enrolment=enrolment,
                milestone=milestone,
                achieved_at=enrolment.started_at + 5 * DAY,
                on_time=states[milestone] == ON,
                time_share=share,
            )
        enrolments[key], users[key] = enrolment, user
    competences = {c.slug: c for c in Competence.objects.all()}
    for key, slugs, state in [
        ("eve", COMPETENCES, Standing.State.DEMONSTRATED),
        ("ivy", COMPETENCES, Standing.State.DEMONSTRATED),
        ("dan", ["curate"], Standing.State.DEMONSTRATED),
        ("ada", ["curate"], Standing.State.IN_PROGRESS),
    ]:
        for slug in slugs:
            demonstrated = state == Standing.State.DEMONSTRATED
            Standing.objects.create(
                user=users[key],
                competence=competences[slug],
                state=state,
                share_done=1.0 if demonstrated else 0.5,
                demonstrated_at=started(6, 1) if demonstrated else None,
            )
    return World(
        cohorts=cohorts,
        enrolments=enrolments,
        users=users,
        ministry=organisation,
        foreign_service=other_organisation,
    )


def scope_of(user: User):
    return access.enrolments_visible(user=user, roles=access.user_roles(user))


def milestone_counts(headline) -> dict[str, tuple]:
    return {
        row["code"]: (row["on_time"], row["late"], row["overdue"], row["pending"], row["achieved"])
        for row in headline.milestones
    }


def competence_counts(headline) -> dict[str, tuple[int, int]]:
    return {row["slug"]: (row["demonstrated"], row["percent"]) for row in headline.competences}


def medians(headline) -> dict[str, float | None]:
    return {row["code"]: row["median"] for row in headline.milestones}


def matching(response) -> int:
    """The learners table's "N learners match the filters"."""
    found = re.search(r"(\d+) learners? match(?:es)? the filters", response.content.decode())
    assert found, response.content.decode()[:2000]
    return int(found.group(1))


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def emails_in_csv(response) -> set[str]:
    header, *rows = csv_rows(response)
    assert header == learner_csv_columns()
    return {row[0] for row in rows}


def expected_emails(world, keys) -> set[str]:
    return {world.users[key].email for key in keys}
