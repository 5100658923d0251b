"""Who sees what in the report."""

import re

import pytest
from django.urls import reverse

from tests.reports.world import (
    ALPHA,
    CSV_EXPORT,
    JSON_EXPORT,
    MINISTRY,
    REPORT,
    emails_in_csv,
    expected_emails,
    matching,
)

pytestmark = pytest.mark.django_db


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
