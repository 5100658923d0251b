"""An organisation administrator's report: filter it, open the learners behind
a figure, and download them as CSV.

The learners come from the demo seeding, so the report checked here is the one
a new installation shows after `make run`.
"""

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from progress.demo import seed_learners
from progress.models import Enrolment
from reports.views import CSV_COLUMNS, learner_csv_columns
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORIES = ["fresh", "on_track", "ahead", "behind", "overdue", "paused", "achieved", "self_paced"]
PACE = re.compile(r"^Pace:?$")
MILESTONE = re.compile(r"^Milestone:?$")
MATCHING = re.compile(r"(\d+) learners? match(?:es)? the filters")


def learners_matching(page) -> int:
    text = page.locator("#learners").get_by_text(MATCHING).inner_text()
    return int(MATCHING.search(text).group(1))


def test_org_admin_filters_the_report_opens_a_figure_and_downloads_the_learners(
    page, programme, organisation, trainer, org_admin, assert_accessible
):
    people = {
        story: UserFactory(
            email=f"{story}@mfa.example", display_name=f"{story.replace('_', ' ').title()} Learner"
        )
        for story in STORIES
    }
    seed_learners(programme=programme, ministry=organisation, trainer=trainer, learners=people)
    # The self-paced learner has no cohort, so no organisation reports on them.
    in_scope = Enrolment.objects.filter(cohort__organisation=organisation)
    assert in_scope.count() == 7

    # 1. The report, from the navigation: the whole organisation.
    log_in(page, org_admin.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("heading", name="Completion report").wait_for()
    assert learners_matching(page) == 7
    headline = page.get_by_role("region", name="Headline figures")
    assert "7 enrolled" in " ".join(headline.locator(".stat").first.inner_text().split())
    assert page.get_by_role("img", name=re.compile("^Milestone funnel:")).is_visible()
    assert "Self Paced Learner" not in page.content()
    assert_accessible(page, name="report")
    screenshot(page, "report-organisation")

    # 2. Only the overdue learners.
    page.get_by_label(PACE).select_option(label="Overdue")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"pace=overdue"))
    assert learners_matching(page) == 1
    learners = page.get_by_role("table", name="Learners matching the filters")
    assert learners.get_by_role("link", name="Overdue Learner").is_visible()
    assert page.get_by_label(PACE).input_value() == "overdue", "the filter stays chosen"

    # 3. The learners behind a figure: e-Listener overdue.
    milestones = page.get_by_role("table", name="Milestones (current learners)")
    e_listener = milestones.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="e-Listener (month)")
    )
    figure = e_listener.get_by_role("cell").nth(2).get_by_role("link")
    shown = int(figure.inner_text())
    assert shown == 1
    figure.click()
    page.wait_for_url(re.compile(r"state=overdue"))
    query = parse_qs(urlsplit(page.url).query)
    assert (query["pace"], query["milestone"], query["state"]) == (
        ["overdue"],
        ["e_listener"],
        ["overdue"],
    )
    assert learners_matching(page) == shown
    assert learners.get_by_role("link", name="Overdue Learner").is_visible()
    assert page.get_by_label(MILESTONE).input_value() == "e_listener"
    screenshot(page, "report-e-listener-overdue")

    # 4. The same learners as a spreadsheet.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download learners (CSV)").click()
    download = info.value
    assert re.fullmatch(r"ediplomacy-report-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), "rb") as saved:
        content = saved.read().decode("utf-8")
    assert content.startswith("\ufeff"), "a BOM, so spreadsheets read it as UTF-8"
    header, *rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert header == learner_csv_columns()
    overdue = in_scope.select_related("user", "cohort").get(user__email="overdue@mfa.example")
    assert (
        [dict(zip(header, row, strict=True)) for row in rows]
        == [
            {
                "email": "overdue@mfa.example",
                "display_name": "Overdue Learner",
                "organisation": organisation.name,
                "cohort": "Autumn intake",
                "started_at": overdue.started_at.isoformat(),
                "length_days": "365",
                "status": "active",
                "pace": "overdue",
                "acquainted": "achieved_on_time",
                "e_listener": "overdue",
                "active_e_diplomat": overdue.active_e_diplomat,
                "last_activity_at": overdue.last_activity_at.isoformat(),
            }
            # Then the columns other apps registered: this learner reviewed no
            # peer's work and had none reviewed.
            | dict.fromkeys(header[len(CSV_COLUMNS) :], "0")
        ]
    )
