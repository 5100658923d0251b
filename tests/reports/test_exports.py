"""The CSV and JSON exports, their audit, the charts' formatting and the query budget."""

import datetime
import re

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from competences.models import Competence, Standing
from progress.models import SNAPSHOT_STATUS_FIELDS, Cohort, Enrolment, MilestoneAchievement
from reports.columns import learner_columns
from reports.selectors import (
    report_headline,
)
from reports.views import CSV_COLUMNS, learner_csv_columns
from tests.factories import UserFactory
from tests.reports.world import (
    COMPETENCES,
    CSV_EXPORT,
    DAY,
    JSON_EXPORT,
    LATE,
    NOW,
    ON,
    REPORT,
    csv_rows,
    matching,
    scope_of,
    started,
)

pytestmark = pytest.mark.django_db


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
    header, row = csv_rows(response)
    # This app's columns, then those other apps registered (`reports.columns`).
    assert header == learner_csv_columns()
    assert header[: len(CSV_COLUMNS)] == CSV_COLUMNS
    assert len(row) == len(header)
    assert row[: len(CSV_COLUMNS)] == [
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

    assert header == learner_csv_columns()
    assert all(len(row) == len(header) for row in rows)
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
    # The registered columns' sums (peer reviews): nobody has reviewed yet.
    assert figures.pop("learner_totals") == {column.name: 0 for column in learner_columns()}
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
            **dict(zip(SNAPSHOT_STATUS_FIELDS, SNAPSHOTS[n % len(SNAPSHOTS)][1:], strict=True)),
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
    # columns other apps registered for the page's rows (peer reviews), 16 the
    # rubric results per criterion.
    assert len(report_ten) == len(report_thousand) == 16, "\n".join(report_thousand)
    assert len(filtered_ten) == len(filtered_thousand) == 16, "\n".join(filtered_thousand)
    # The CSV: 1 the session, 2 the user, 3 their roles, 4 the organisations,
    # 5 the cohorts, 6 the audit record of the export, 7 the learners, one
    # query streamed in chunks, 8 the registered columns of those 1,000 lines.
    assert len(csv_ten) == len(csv_thousand) == 8, "\n".join(csv_thousand)


def test_the_csv_reads_registered_columns_once_per_chunk_of_lines(
    client, organisation, programme, org_admin, monkeypatch
):
    # Per chunk of lines, not per learner: 25 lines in chunks of 10 read them
    # three times; memory holds one chunk's values, never the whole file's.
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Chunked intake",
        starts_on=datetime.date(2025, 1, 1),
    )
    crowd(cohort, 25, "chunked")
    client.force_login(org_admin)
    client.get(reverse(REPORT))
    monkeypatch.setattr("reports.views.CSV_LINES_PER_CHUNK", 10)

    queries = queries_for(client, CSV_EXPORT)
    header, *rows = csv_rows(client.get(reverse(CSV_EXPORT)))

    assert len(rows) == 25
    assert all(len(row) == len(header) == len(learner_csv_columns()) for row in rows)
    # 7 as above, then the registered columns of lines 1-10, 11-20 and 21-25.
    assert len(queries) == 10, "\n".join(queries)


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
