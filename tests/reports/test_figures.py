"""Report figures against counts worked out by hand on the world's table."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from progress.models import Enrolment
from progress.timemodel import Milestone
from reports.selectors import (
    cohort_comparison,
    organisation_rates,
    report_headline,
)
from tests.factories import MembershipFactory
from tests.reports.world import (
    COMPETENCES,
    CSV_EXPORT,
    JSON_EXPORT,
    REPORT,
    competence_counts,
    csv_rows,
    matching,
    medians,
    milestone_counts,
    scope_of,
)

pytestmark = pytest.mark.django_db


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
