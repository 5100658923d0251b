"""Completion reports: every figure against counts worked out by hand on a small
world, the filters, who sees what, the CSV and JSON exports, the query budget,
and the monthly summary e-mailed to organisation administrators."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import access
from accounts.models import Membership, User
from competences.models import Competence, Standing
from progress.models import Cohort, Enrolment, MilestoneAchievement, Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from progress.timemodel import Milestone
from reports.selectors import (
    cohort_comparison,
    organisation_rates,
    report_headline,
)
from reports.views import CSV_COLUMNS
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# A Wednesday, 14:00 UTC: working hours for an administrator in UTC.
NOW = datetime.datetime(2026, 1, 14, 14, 0, tzinfo=datetime.UTC)
ON, LATE = "achieved_on_time", "achieved_late"
COMPETENCES = ["curate", "collaborate", "communicate", "create", "critique"]
SNAPSHOT_FIELDS = ["pace", "acquainted", "e_listener", "active_e_diplomat"]
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


@pytest.fixture
def world(programme, organisation, other_organisation, trainer, outsider):
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
        states = dict(zip(SNAPSHOT_FIELDS, snapshot, strict=True))
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
    assert header == CSV_COLUMNS
    return {row[0] for row in rows}


# Headline figures, counted by hand on the table above


def test_org_admin_headline_counts_their_organisation_by_hand(world, org_admin):
    headline = report_headline(scope_of(org_admin))

    assert headline.enrolled == 8
    assert headline.by_status == {"active": 5, "paused": 1, "withdrawn": 1, "completed": 1}
    # Withdrawn Dan is at risk in his frozen snapshot, but no longer counts;
    # Eve's finished "achieved late" pace is no pace to report.
    assert headline.by_pace == {"ahead": 1, "on_track": 1, "at_risk": 1, "overdue": 2, "paused": 1}
    # (on time, late, overdue, pending, achieved) among the 7 current learners.
    assert milestone_counts(headline) == {
        "acquainted": (5, 1, 1, 0, 6),
        "e_listener": (1, 0, 1, 5, 1),  # Dan's late e-Listener is not counted
        "active_e_diplomat": (0, 1, 0, 6, 1),
    }
    # Eve alone, of 7 current learners: round(100 / 7) = 14. Dan's Curate and
    # Ada's half-done Curate do not count.
    assert competence_counts(headline) == dict.fromkeys(COMPETENCES, (1, 14))
    assert [row["slug"] for row in headline.competences] == COMPETENCES


def test_staff_headline_counts_everyone_including_self_paced_learners(world, staff):
    headline = report_headline(scope_of(staff))

    assert headline.enrolled == 11
    assert headline.by_status == {"active": 7, "paused": 1, "withdrawn": 1, "completed": 2}
    assert headline.by_pace == {"ahead": 2, "on_track": 1, "at_risk": 1, "overdue": 3, "paused": 1}
    assert milestone_counts(headline) == {
        "acquainted": (7, 2, 1, 0, 9),
        "e_listener": (2, 0, 2, 6, 2),
        "active_e_diplomat": (1, 1, 0, 8, 2),
    }
    # Eve and Ivy, of 10 current learners.
    assert competence_counts(headline) == dict.fromkeys(COMPETENCES, (2, 20))


def test_median_time_share_per_milestone_without_withdrawn_learners(world, outsider):
    headline = report_headline(scope_of(outsider))

    assert headline.enrolled == 2
    assert headline.by_status == {"active": 1, "paused": 0, "withdrawn": 0, "completed": 1}
    assert headline.by_pace == {"ahead": 0, "on_track": 0, "at_risk": 0, "overdue": 1, "paused": 0}
    assert milestone_counts(headline) == {
        "acquainted": (1, 1, 0, 0, 2),
        "e_listener": (1, 0, 1, 0, 1),
        "active_e_diplomat": (1, 0, 0, 1, 1),
    }
    # Hal 3.0 and Ivy 0.1: the median of two values is their mean.
    assert medians(headline) == {
        "acquainted": pytest.approx(1.55),
        "e_listener": pytest.approx(0.5),
        "active_e_diplomat": pytest.approx(0.95),
    }
    assert competence_counts(headline) == dict.fromkeys(COMPETENCES, (1, 50))


def test_median_ignores_achievements_without_a_time_share(world, trainer):
    # Alpha with only current learners' achievements: Cleo's has no share.
    Enrolment.objects.filter(pk=world.enrolments["dan"].pk).delete()

    headline = report_headline(scope_of(trainer))

    # acquainted: Ada 0.5, Ben 2.0, Eve 0.25 (not Cleo) -> 0.5
    assert medians(headline) == {
        "acquainted": pytest.approx(0.5),
        "e_listener": pytest.approx(0.9),
        "active_e_diplomat": pytest.approx(1.2),
    }


def test_median_time_share_leaves_out_withdrawn_learners(world, org_admin):
    headline = report_headline(scope_of(org_admin))

    # Current learners only: acquainted Eve 0.25, Ada 0.5, Fay 0.6, Kim 0.7,
    # Ben 2.0 -> 0.6 (with Dan's 0.4 it would be 0.55); e-Listener Eve 0.9
    # (with Dan's 1.5 it would be 1.2).
    assert medians(headline) == {
        "acquainted": pytest.approx(0.6),
        "e_listener": pytest.approx(0.9),
        "active_e_diplomat": pytest.approx(1.2),
    }


def test_an_empty_scope_reports_zeros_and_no_medians(world):
    headline = report_headline(Enrolment.objects.none())

    assert headline.enrolled == 0
    assert set(headline.by_pace.values()) == {0}
    assert milestone_counts(headline) == dict.fromkeys(
        ["acquainted", "e_listener", "active_e_diplomat"], (0, 0, 0, 0, 0)
    )
    assert set(medians(headline).values()) == {None}
    assert competence_counts(headline) == dict.fromkeys(COMPETENCES, (0, 0))


def comparison_by_cohort(rows) -> dict:
    return {row["cohort__name"]: row for row in rows}


PACE_KEYS = ["pace_ahead", "pace_on_track", "pace_at_risk", "pace_overdue", "pace_paused"]
DONE_KEYS = ["acquainted_done", "e_listener_done", "active_e_diplomat_done"]


def test_cohort_comparison_counts_each_cohort(world, staff):
    rows = cohort_comparison(scope_of(staff))

    by_cohort = comparison_by_cohort(rows)
    assert set(by_cohort) == {"Alpha intake", "Beta intake", "Gamma intake", None}
    named = [row["cohort__name"] for row in rows if row["cohort__name"]]
    assert named == ["Gamma intake", "Alpha intake", "Beta intake"]  # by organisation name
    summary = {
        name: (
            row["cohort__organisation__name"],
            row["total"],
            row["completed"],
            tuple(row[key] for key in PACE_KEYS),
        )
        for name, row in by_cohort.items()
    }
    assert summary == {
        # total counts current learners: Alpha's withdrawn Dan is left out.
        "Alpha intake": ("Ministry of Foreign Affairs", 4, 1, (1, 0, 1, 0, 1)),
        "Beta intake": ("Ministry of Foreign Affairs", 3, 0, (0, 1, 0, 2, 0)),
        "Gamma intake": ("Foreign Service", 2, 1, (0, 0, 0, 1, 0)),
        None: (None, 1, 0, (1, 0, 0, 0, 0)),
    }
    done = {name: tuple(row[key] for key in DONE_KEYS) for name, row in by_cohort.items()}
    assert done["Beta intake"] == (2, 0, 0)
    assert done["Gamma intake"] == (2, 1, 1)
    assert done[None] == (1, 0, 0)


def test_cohort_comparison_milestones_leave_out_withdrawn_learners(world, staff):
    alpha = comparison_by_cohort(cohort_comparison(scope_of(staff)))["Alpha intake"]

    # Ada, Ben, Cleo and Eve are Acquainted; Eve alone is an e-Listener and
    # Active. Dan (withdrawn) would make it (5, 2, 1).
    assert (alpha["total"], *(alpha[key] for key in DONE_KEYS)) == (4, 4, 1, 1)


def test_a_cohort_with_two_trainers_is_counted_once_in_the_figures(client, world, org_admin):
    co_trainer = MembershipFactory(organisation=world.ministry, role=Membership.Role.TRAINER).user
    world.cohorts["Alpha"].trainers.add(co_trainer)
    client.force_login(org_admin)

    page = client.get(reverse(REPORT))
    figures = client.get(reverse(JSON_EXPORT)).json()

    assert matching(page) == 8
    assert figures["enrolled"] == 8
    assert len(csv_rows(client.get(reverse(CSV_EXPORT)))) == 1 + 8


def test_cohort_comparison_counts_a_cohort_with_two_trainers_once(world, org_admin):
    co_trainer = MembershipFactory(organisation=world.ministry, role=Membership.Role.TRAINER).user
    world.cohorts["Alpha"].trainers.add(co_trainer)

    alpha = comparison_by_cohort(cohort_comparison(scope_of(org_admin)))["Alpha intake"]

    assert (alpha["total"], alpha["completed"]) == (4, 1)
    assert tuple(alpha[key] for key in PACE_KEYS) == (1, 0, 1, 0, 1)


def test_organisation_rates_share_current_learners_who_reached_the_milestone(world):
    ministry, foreign_service = world.ministry.pk, world.foreign_service.pk

    # e-Listener: Eve of 7 current at the ministry, Ivy of 2 at the Foreign
    # Service; Jo (self-paced) belongs to no organisation.
    assert organisation_rates() == {
        ministry: pytest.approx(1 / 7),
        foreign_service: pytest.approx(1 / 2),
    }
    assert organisation_rates(Milestone.ACQUAINTED) == {
        ministry: pytest.approx(6 / 7),
        foreign_service: pytest.approx(1.0),
    }
    assert organisation_rates(Milestone.ACTIVE) == {
        ministry: pytest.approx(1 / 7),
        foreign_service: pytest.approx(1 / 2),
    }


# Filters, through the page's query string


FILTERS = [
    # (query, learners matching); "Alpha" and "ministry" are resolved to ids
    ({}, ["ada", "ben", "cleo", "dan", "eve", "fay", "gus", "kim", "hal", "ivy", "jo"]),
    ({"organisation": "ministry"}, MINISTRY),
    ({"organisation": "foreign_service"}, FOREIGN_SERVICE),
    ({"cohort": "Alpha"}, ALPHA),
    ({"started_from": "2025-02-01"}, ["cleo", "dan", "fay", "gus", "kim", "jo"]),
    ({"started_to": "2025-01-31"}, ["ada", "ben", "eve", "hal", "ivy"]),
    ({"status": "withdrawn"}, ["dan"]),
    ({"status": "paused"}, ["cleo"]),
    ({"pace": "overdue"}, ["fay", "gus", "hal"]),
    ({"pace": "ahead"}, ["ada", "jo"]),
    ({"organisation": "ministry", "status": "active"}, ["ada", "ben", "fay", "gus", "kim"]),
    ({"organisation": "foreign_service", "status": "completed"}, ["ivy"]),
    ({"cohort": "Beta", "pace": "overdue"}, ["fay", "gus"]),
    ({"cohort": "Alpha", "pace": "overdue"}, []),
    # Both ends of the range are included.
    (
        {"started_from": "2025-01-20", "started_to": "2025-03-15"},
        ["hal", "ivy", "cleo", "dan", "fay", "gus"],
    ),
    ({"milestone": "e_listener", "state": "overdue"}, ["fay", "hal"]),
    ({"milestone": "acquainted", "state": "late"}, ["ben", "hal"]),
    ({"milestone": "acquainted", "state": "overdue"}, ["gus"]),
    ({"milestone": "active_e_diplomat", "state": "on_time"}, ["ivy"]),
    ({"milestone": "e_listener", "state": "pending"}, ["ada", "ben", "cleo", "kim", "gus", "jo"]),
    (
        {"organisation": "ministry", "milestone": "e_listener", "state": "pending"},
        ["ada", "ben", "cleo", "gus", "kim"],
    ),
    ({"cohort": "Alpha", "started_from": "2025-02-01", "status": "paused"}, ["cleo"]),
]


def resolve(world, query: dict) -> dict:
    ids = {
        "ministry": world.ministry.pk,
        "foreign_service": world.foreign_service.pk,
        **{key: cohort.pk for key, cohort in world.cohorts.items()},
    }
    return {key: ids.get(value, value) for key, value in query.items()}


def expected_emails(world, keys) -> set[str]:
    return {world.users[key].email for key in keys}


@pytest.mark.parametrize(("query", "keys"), FILTERS, ids=[str(q) for q, _ in FILTERS])
def test_filters_choose_the_learners_on_the_page_and_in_the_csv(client, world, staff, query, keys):
    client.force_login(staff)
    params = resolve(world, query)

    page = client.get(reverse(REPORT), params)
    exported = client.get(reverse(CSV_EXPORT), params)
    figures = client.get(reverse(JSON_EXPORT), params).json()

    assert page.status_code == 200
    assert matching(page) == len(keys)
    assert emails_in_csv(exported) == expected_emails(world, keys)
    assert figures["enrolled"] == len(keys)


def test_the_learners_behind_a_milestone_figure_are_as_many_as_the_figure(client, world, org_admin):
    client.force_login(org_admin)
    headline = report_headline(scope_of(org_admin))
    on_time = milestone_counts(headline)["acquainted"][0]

    page = client.get(reverse(REPORT), {"milestone": "acquainted", "state": "on_time"})

    # The figure says 5 (Dan is withdrawn); the link lists Dan as well.
    assert matching(page) == on_time == 5


INVALID = [
    (
        {"started_from": "2025-03-01", "started_to": "2025-02-01"},
        "The end of the range comes before its start.",
    ),
    ({"milestone": "acquainted"}, "Choose both a milestone and its state, or neither."),
    ({"state": "late"}, "Choose both a milestone and its state, or neither."),
    ({"pace": "sideways"}, "Select a valid choice. sideways is not one of the available choices."),
    ({"status": "asleep"}, "Select a valid choice. asleep is not one of the available choices."),
    ({"milestone": "fortnight", "state": "late"}, "Select a valid choice. fortnight is not one"),
    ({"milestone": "acquainted", "state": "soon"}, "Select a valid choice. soon is not one"),
    ({"started_from": "yesterday"}, "Enter a valid date."),
    ({"organisation": "abc"}, "Select a valid choice. abc is not one of the available choices."),
    ({"organisation": "99999"}, "Select a valid choice. 99999 is not one of the available"),
    ({"cohort": "x1"}, "Select a valid choice. x1 is not one of the available choices."),
    # A cohort of the other organisation, once an organisation is chosen.
    ({"organisation": "foreign_service", "cohort": "Alpha"}, "Select a valid choice."),
]


@pytest.mark.parametrize(("query", "error"), INVALID, ids=[str(q) for q, _ in INVALID])
def test_invalid_filters_answer_400_with_the_error(client, world, staff, query, error):
    client.force_login(staff)
    params = resolve(world, query)

    page = client.get(reverse(REPORT), params)
    exported = client.get(reverse(CSV_EXPORT), params)
    figures = client.get(reverse(JSON_EXPORT), params)

    assert page.status_code == 400
    body = page.content.decode()
    assert error in body
    assert "Fix the filters above to see the report." in body
    assert "match the filters" not in body
    assert "Download learners (CSV)" not in body
    assert (exported.status_code, figures.status_code) == (400, 400)
    assert not exported.streaming
    assert figures.json()["errors"]


def test_a_cohort_outside_the_scope_is_refused(client, world, org_admin, trainer):
    gamma = world.cohorts["Gamma"].pk
    for user, cohort in [(org_admin, gamma), (trainer, world.cohorts["Beta"].pk)]:
        client.force_login(user)

        page = client.get(reverse(REPORT), {"cohort": cohort})
        figures = client.get(reverse(JSON_EXPORT), {"cohort": cohort})

        assert page.status_code == 400
        assert f"Select a valid choice. {cohort} is not one of the available choices." in (
            page.content.decode()
        )
        assert figures.status_code == 400
        assert "cohort" in figures.json()["errors"]


def test_an_organisation_in_the_url_cannot_widen_an_org_admins_report(client, world, org_admin):
    client.force_login(org_admin)

    # One organisation: the filter is not offered, and the parameter is ignored.
    page = client.get(reverse(REPORT), {"organisation": world.foreign_service.pk})
    figures = client.get(reverse(JSON_EXPORT), {"organisation": world.foreign_service.pk})

    assert page.status_code == 200
    assert matching(page) == 8
    assert "Hal Hughes" not in page.content.decode()
    assert figures.json()["enrolled"] == 8


def test_a_non_ascii_digit_as_organisation_is_a_400_not_a_500(client, world, staff):
    client.force_login(staff)

    page = client.get(reverse(REPORT), {"organisation": "²"})

    assert page.status_code == 400


# Who sees what


def test_org_admin_never_sees_another_organisations_learners(client, world, org_admin):
    client.force_login(org_admin)

    page = client.get(reverse(REPORT))
    exported = client.get(reverse(CSV_EXPORT))
    figures = client.get(reverse(JSON_EXPORT)).json()

    html = page.content.decode()
    assert matching(page) == 8
    for key in MINISTRY:
        assert world.users[key].display_name in html
    for outside in ["Hal Hughes", "Ivy Irwin", "Jo Jones", "Gamma intake", "Foreign Service"]:
        assert outside not in html
    assert emails_in_csv(exported) == expected_emails(world, MINISTRY)
    assert figures["enrolled"] == 8
    assert figures["status"] == {"active": 5, "paused": 1, "withdrawn": 1, "completed": 1}


def test_org_admin_sees_their_rate_and_no_median_while_few_organisations_take_part(
    client, world, org_admin
):
    client.force_login(org_admin)

    html = client.get(reverse(REPORT)).content.decode()

    # 1 of 7 is 14%; the median of two rates would give the other one away
    # (tests/security/test_report_benchmark.py shows it with enough of them).
    assert "14% of your current learners have reached e-Listener." in html
    assert "the median across" not in html
    assert "Foreign Service" not in html


def test_trainer_sees_only_the_cohorts_they_train(client, world, trainer):
    client.force_login(trainer)

    page = client.get(reverse(REPORT))
    exported = client.get(reverse(CSV_EXPORT))
    figures = client.get(reverse(JSON_EXPORT)).json()

    html = page.content.decode()
    assert matching(page) == 5
    for outside in ["Fay Fisher", "Gus Grant", "Kim Knox", "Beta intake", "Hal Hughes"]:
        assert outside not in html
    assert "Beside other organisations" not in html, "a trainer gets no benchmark"
    assert emails_in_csv(exported) == expected_emails(world, ALPHA)
    assert figures["enrolled"] == 5


def test_staff_see_everyone_and_every_organisations_rate(client, world, staff):
    client.force_login(staff)

    page = client.get(reverse(REPORT))

    html = page.content.decode()
    assert matching(page) == 11
    assert "Share of current learners who reached e-Listener, per organisation" in html
    rates = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)%</td></tr>', html))
    assert rates == {"Foreign Service": "50", "Ministry of Foreign Affairs": "14"}
    assert emails_in_csv(client.get(reverse(CSV_EXPORT))) == {
        user.email for user in world.users.values()
    }


@pytest.mark.parametrize("name", [REPORT, CSV_EXPORT, JSON_EXPORT])
def test_trainees_and_people_without_a_role_get_404(client, world, trainee, name):
    client.force_login(trainee)
    assert client.get(reverse(name)).status_code == 404
    client.force_login(world.users["jo"])
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", [REPORT, CSV_EXPORT, JSON_EXPORT])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The exports


def test_csv_streams_a_bom_and_the_documented_columns(client, world, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse(CSV_EXPORT), {"status": "withdrawn"})

    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="ediplomacy-report-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    assert csv_rows(response) == [
        CSV_COLUMNS,
        [
            "dan@mfa.example",
            "Dan Dawson",
            "Ministry of Foreign Affairs",
            "Alpha intake",
            "2025-02-01T09:00:00+00:00",
            "365",
            "withdrawn",
            "at_risk",
            "achieved_on_time",
            "achieved_late",
            "at_risk",
            "",
        ],
    ]


def test_csv_rows_come_by_cohort_then_name(client, world, org_admin):
    client.force_login(org_admin)

    _, *rows = csv_rows(client.get(reverse(CSV_EXPORT)))

    assert [(row[3], row[1]) for row in rows] == [
        ("Alpha intake", "Ada Abbot"),
        ("Alpha intake", "Ben Baker"),
        ("Alpha intake", "Cleo Carter"),
        ("Alpha intake", "Dan Dawson"),
        ("Alpha intake", "Eve Ellis"),
        ("Beta intake", "Fay Fisher"),
        ("Beta intake", "Gus Grant"),
        ("Beta intake", "Kim Knox"),
    ]


def test_the_report_pages_learners_by_cohort_then_name(client, world, org_admin):
    # The page sorts and cuts on ids, then loads the rows: the order must hold.
    client.force_login(org_admin)

    html = client.get(reverse(REPORT)).content.decode()

    names = ["Ada Abbot", "Ben Baker", "Cleo Carter", "Dan Dawson", "Eve Ellis", "Fay Fisher"]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)


def test_the_cohort_filter_keeps_the_choice_and_escapes_names(client, world, staff):
    cohort = Cohort.objects.filter(name="Beta intake").get()
    cohort.name = '<b>Beta</b> & "friends"'
    cohort.save()
    client.force_login(staff)

    html = client.get(reverse(REPORT), {"cohort": cohort.pk}).content.decode()

    select = re.search(r'<select name="cohort" id="id_cohort">(.*?)</select>', html, re.S)
    assert select, "the cohort filter is a labelled select"
    assert '<label for="id_cohort"' in html
    options = select.group(1)
    assert (
        f'<option value="{cohort.pk}" selected>&lt;b&gt;Beta&lt;/b&gt; &amp; &quot;friends&quot;'
        in options
    )
    assert options.count(" selected") == 1
    assert "<b>Beta</b>" not in html


TRICKY_NAMES = {
    '=HYPERLINK("x")': '\'=HYPERLINK("x")',
    "+1": "'+1",
    "-2": "'-2",
    "@cmd": "'@cmd",
    "\tTab": "'\tTab",
    'Smith, "Jo"': 'Smith, "Jo"',
    "Zoë Ünal, Ministère": "Zoë Ünal, Ministère",
}


def test_csv_neutralises_formulas_and_keeps_commas_quotes_and_accents(
    client, world, org_admin, programme
):
    alpha = world.cohorts["Alpha"]
    for number, name in enumerate(TRICKY_NAMES):
        Enrolment.objects.create(
            user=UserFactory(email=f"tricky{number}@mfa.example", display_name=name),
            programme=programme,
            cohort=alpha,
            started_at=started(5, 1),
        )
    client.force_login(org_admin)

    header, *rows = csv_rows(client.get(reverse(CSV_EXPORT), {"started_from": "2025-05-01"}))

    assert header == CSV_COLUMNS
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    names = {row[0]: row[1] for row in rows}
    assert names == {
        f"tricky{number}@mfa.example": TRICKY_NAMES[name]
        for number, name in enumerate(TRICKY_NAMES)
    }


def test_json_figures_equal_the_headline(client, world, org_admin):
    client.force_login(org_admin)

    figures = client.get(reverse(JSON_EXPORT)).json()

    assert figures.pop("generated_at")
    assert figures.pop("criteria") == []  # nobody's work has been marked yet
    assert figures == report_headline(scope_of(org_admin)).as_json()
    assert figures["pace"] == {"ahead": 1, "on_track": 1, "at_risk": 1, "overdue": 2, "paused": 1}
    assert {code: row["on_time"] for code, row in figures["milestones"].items()} == {
        "acquainted": 5,
        "e_listener": 1,
        "active_e_diplomat": 0,
    }
    assert figures["competences"] == dict.fromkeys(COMPETENCES, 1)


def test_report_page_shows_the_headline_figures(client, world, org_admin):
    client.force_login(org_admin)

    html = client.get(reverse(REPORT)).content.decode()

    assert '<span class="stat-value">8</span> <span class="stat-label">enrolled</span>' in html
    assert "Milestone funnel:" in html
    # Each milestone figure links to the learners behind it.
    assert 'milestone=e_listener&amp;state=overdue#learners">1</a>' in html
    assert 'milestone=acquainted&amp;state=on_time#learners">5</a>' in html


# Query budget


SNAPSHOTS = [
    ("active", "ahead", ON, "ahead", "not_started"),
    ("active", "on_track", ON, "on_track", "not_started"),
    ("active", "at_risk", LATE, "at_risk", "not_started"),
    ("active", "overdue", "overdue", "not_started", "not_started"),
    ("paused", "paused", ON, "paused", "paused"),
    ("withdrawn", "overdue", ON, "overdue", "not_started"),
    ("completed", ON, ON, ON, ON),
]


def crowd(cohort, count: int, prefix: str) -> None:
    """`count` learners with snapshots, achievements and standings, in bulk."""
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@mfa.example", display_name=f"{prefix} {n:04}", password="!")
        for n in range(count)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            programme=cohort.programme,
            cohort=cohort,
            started_at=started(1 + n % 12, 1 + n % 28),
            status=SNAPSHOTS[n % len(SNAPSHOTS)][0],
            **dict(zip(SNAPSHOT_FIELDS, SNAPSHOTS[n % len(SNAPSHOTS)][1:], strict=True)),
            assessed_at=NOW,
        )
        for n, user in enumerate(users)
    )
    MilestoneAchievement.objects.bulk_create(
        MilestoneAchievement(
            enrolment=enrolment,
            milestone="acquainted",
            achieved_at=enrolment.started_at + DAY,
            on_time=True,
            time_share=(n % 10) / 10,
        )
        for n, enrolment in enumerate(enrolments)
        if enrolment.acquainted == ON
    )
    curate = Competence.objects.get(slug="curate")
    Standing.objects.bulk_create(
        Standing(
            user=user, competence=curate, state="demonstrated", share_done=1, demonstrated_at=NOW
        )
        for user in users[::3]
    )


def queries_for(client, name: str, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params or {})
        if response.streaming:
            body = b"".join(response.streaming_content)
            assert body.count(b"\n") > 1
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_report_and_csv_run_the_same_queries_for_10_and_1000_learners(
    client, organisation, programme, org_admin
):
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Crowded intake",
        starts_on=datetime.date(2025, 1, 1),
    )
    client.force_login(org_admin)
    crowd(cohort, 10, "few")
    client.get(reverse(REPORT))  # the first request after logging in also saves the session
    report_ten = queries_for(client, REPORT)
    filtered_ten = queries_for(client, REPORT, {"cohort": cohort.pk, "pace": "overdue"})
    csv_ten = queries_for(client, CSV_EXPORT)

    crowd(cohort, 990, "many")
    report_thousand = queries_for(client, REPORT)
    filtered_thousand = queries_for(client, REPORT, {"cohort": cohort.pk, "pace": "overdue"})
    csv_thousand = queries_for(client, CSV_EXPORT)

    assert matching(client.get(reverse(REPORT))) == 1000
    # The report: 1 the session, 2 the user, 3 their roles (the navigation
    # reuses them), 4 the organisations of their cohorts, 5 the cohorts for the
    # filter, 6 the counts per cohort (the headline is their sum), 7 the
    # medians, 8 the standings, 9 the competences, 10 the learners' count, 11
    # every organisation's rate for the benchmark, 12 the unread notifications,
    # 13 the ids of one page of learners, in order, 14 their rows, 15 the
    # rubric results per criterion.
    assert len(report_ten) == len(report_thousand) == 15, "\n".join(report_thousand)
    assert len(filtered_ten) == len(filtered_thousand) == 15, "\n".join(filtered_thousand)
    # The CSV: 1 the session, 2 the user, 3 their roles, 4 the organisations,
    # 5 the cohorts, 6 the audit record of the export, 7 the learners, one
    # query streamed in chunks.
    assert len(csv_ten) == len(csv_thousand) == 7, "\n".join(csv_thousand)


# The monthly summary to organisation administrators


@pytest.fixture
def summary_world(programme, organisation, other_organisation, org_admin):
    """The ministry: one active learner with Acquainted overdue, one completed,
    one paused and one withdrawn; the Foreign Service has its own admin."""
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Winter intake",
        starts_on=(NOW - 2 * DAY).date(),
    )
    settled = {"cohort": cohort, "started_at": NOW - 400 * DAY, "assessed_at": NOW - DAY}
    for email, status, snapshot in [
        ("done@mfa.example", "completed", (ON, ON, ON, ON)),
        ("resting@mfa.example", "paused", ("paused", LATE, "paused", "paused")),
        ("gone@mfa.example", "withdrawn", ("overdue", ON, "overdue", "not_started")),
    ]:
        Enrolment.objects.create(
            user=UserFactory(email=email),
            programme=programme,
            status=status,
            **dict(zip(SNAPSHOT_FIELDS, snapshot, strict=True)),
            **settled,
        )
    # Two days in with nothing done: the planner finds Acquainted overdue.
    Enrolment.objects.create(
        user=UserFactory(email="late@mfa.example"),
        programme=programme,
        cohort=cohort,
        started_at=NOW - 2 * DAY,
        last_activity_at=NOW - DAY,
    )
    foreign_admin = MembershipFactory(
        user=UserFactory(email="admin@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user
    return World(foreign_admin=foreign_admin)


def summaries() -> set[tuple]:
    return set(
        Nudge.objects.filter(rule=Nudge.Rule.ORG_SUMMARY).values_list(
            "recipient__email", "subject", "period"
        )
    )


def test_one_summary_is_planned_per_org_admin_and_month(
    summary_world, organisation, other_organisation, org_admin
):
    first = nudges_plan(now=NOW)
    again = nudges_plan(now=NOW + DAY)
    next_month = nudges_plan(now=NOW + 31 * DAY)

    assert (first[Nudge.Rule.ORG_SUMMARY], again[Nudge.Rule.ORG_SUMMARY]) == (2, 0)
    assert next_month[Nudge.Rule.ORG_SUMMARY] == 2
    ministry, service = f"organisation:{organisation.pk}", f"organisation:{other_organisation.pk}"
    assert summaries() == {
        ("admin@mfa.example", ministry, "2026-01"),
        ("admin@fs.example", service, "2026-01"),
        ("admin@mfa.example", ministry, "2026-02"),
        ("admin@fs.example", service, "2026-02"),
    }


def test_the_summary_emails_the_organisations_figures(
    summary_world, organisation, org_admin, mailoutbox
):
    assert org_admin.time_zone == "UTC"
    nudges_plan(now=NOW)
    summary = Nudge.objects.get(rule=Nudge.Rule.ORG_SUMMARY, recipient=org_admin)

    outcome = nudges_deliver(ids=[summary.pk], now=NOW)

    assert outcome == {"emailed": 1}
    lines = [
        # The withdrawn learner is not current.
        "Ministry of Foreign Affairs: 3 current learners.",
        "Acquainted: 1 on time, 1 late, 1 overdue, 0 pending.",
        "e-Listener: 1 on time, 0 late, 0 overdue, 2 pending.",
        "Active e-diplomat: 1 on time, 0 late, 0 overdue, 2 pending.",
    ]
    summary.refresh_from_db()
    assert (summary.status, summary.email) == (Nudge.Status.SENT, Nudge.Email.SENT)
    assert summary.digest == lines
    [message] = mailoutbox
    assert message.to == ["admin@mfa.example"]
    for line in lines:
        assert line in message.body
    assert "Foreign Service" not in message.body
    assert reverse(REPORT) in message.body


def test_a_former_admin_gets_no_summary(summary_world, organisation, org_admin, mailoutbox):
    nudges_plan(now=NOW)
    summary = Nudge.objects.get(rule=Nudge.Rule.ORG_SUMMARY, recipient=org_admin)
    Membership.objects.filter(user=org_admin, organisation=organisation).update(
        role=Membership.Role.TRAINER
    )

    assert nudges_deliver(ids=[summary.pk], now=NOW) == {"skipped": 1}
    assert not mailoutbox


def test_the_summary_subject_is_plain_text(summary_world, org_admin, mailoutbox):
    nudges_plan(now=NOW)
    summary = Nudge.objects.get(rule=Nudge.Rule.ORG_SUMMARY, recipient=org_admin)

    nudges_deliver(ids=[summary.pk], now=NOW)

    assert [message.subject for message in mailoutbox] == [
        "Your organisation's month in the programme"
    ]


def test_report_chart_coordinates_keep_a_decimal_point_in_french(client, world, staff):
    client.force_login(staff)
    html = client.get(reverse(REPORT), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 3
    numbers = [
        value
        for chart in charts
        for value in re.findall(r'\s(?:x|y|width|height)="([^"]*)"', chart)
    ]
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in numbers), numbers


@pytest.mark.parametrize("exporter", [CSV_EXPORT, JSON_EXPORT])
def test_an_export_is_audited_in_the_exporters_organisation_whatever_the_url_says(
    client, world, org_admin, organisation, other_organisation, exporter
):
    from accounts.models import AuditEvent

    client.force_login(org_admin)
    for claimed in (other_organisation.pk, 999_999):
        response = client.get(reverse(exporter), {"organisation": claimed})
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content

    audited = AuditEvent.objects.filter(action__startswith="report.export")
    assert audited.count() == 2
    assert set(audited.values_list("organisation_id", flat=True)) == {organisation.pk}


def test_the_report_says_when_it_compares_only_the_first_cohorts(
    client, organisation, programme, staff
):
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            organisation=organisation,
            programme=programme,
            name=f"Intake {n:03}",
            starts_on=datetime.date(2025, 1, 1),
        )
        for n in range(101)
    )
    for cohort in cohorts:
        crowd(cohort, 1, f"c{cohort.pk}-")
    client.force_login(staff)

    html = client.get(reverse(REPORT)).content.decode()

    assert "The first 100 of 101 cohorts, by organisation and name" in html
    assert "The first 20 of 101 cohorts" in html
    assert "Intake 099" in html and "Intake 100</a>" not in html
