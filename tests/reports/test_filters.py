"""The report's filters, through the page's query string."""

import pytest
from django.urls import reverse

from reports.selectors import (
    report_headline,
)
from tests.reports.world import (
    ALPHA,
    CSV_EXPORT,
    FOREIGN_SERVICE,
    JSON_EXPORT,
    MINISTRY,
    REPORT,
    emails_in_csv,
    expected_emails,
    matching,
    milestone_counts,
    scope_of,
)

pytestmark = pytest.mark.django_db


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
