"""An organisation's administrator sees their rate beside other organisations'
only when enough of them take part that no single one can be worked out."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Membership
from progress.models import Cohort, Enrolment
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:report")
REACHED, PENDING = "achieved_on_time", "on_track"
WHY = "The comparison appears once at least five other organisations take part."


def organisation_with_learners(programme, organisation, *, reached: int, pending: int):
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name=f"{organisation.name} intake",
        starts_on=datetime.date(2025, 1, 10),
    )
    for number, state in enumerate([REACHED] * reached + [PENDING] * pending):
        user = UserFactory(email=f"learner{number}@{organisation.slug}.example")
        MembershipFactory(user=user, organisation=organisation, role=Membership.Role.TRAINEE)
        Enrolment.objects.create(
            user=user,
            programme=programme,
            cohort=cohort,
            started_at=datetime.datetime(2025, 1, 10, 9, tzinfo=datetime.UTC),
            e_listener=state,
        )


def others(programme, count: int) -> None:
    for number in range(count):
        other = OrganisationFactory(name=f"Other ministry {number}", slug=f"other-{number}")
        organisation_with_learners(programme, other, reached=1, pending=number)


def benchmark(response) -> str:
    """The report's section beside other organisations."""
    html = response.content.decode()
    return html.split('id="benchmark-heading"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def own(programme, organisation):
    # 1 of 2 current learners reached e-Listener: 50%.
    organisation_with_learners(programme, organisation, reached=1, pending=1)


def test_with_one_other_organisation_the_report_shows_no_median(client, own, org_admin, programme):
    # The other organisation: 1 of 1, 100%. A median of 50% and 100% (75%)
    # would give the other organisation's exact rate away.
    others(programme, 1)
    client.force_login(org_admin)

    section = benchmark(client.get(REPORT))

    assert "50% of your current learners have reached e-Listener" in section
    assert "the median across" not in section
    assert "75%" not in section and "100%" not in section
    assert WHY in section


def test_with_four_other_organisations_the_report_still_shows_no_median(
    client, own, org_admin, programme
):
    others(programme, 4)
    client.force_login(org_admin)

    html = client.get(REPORT).content.decode()

    assert "the median across" not in html
    assert WHY in html


def test_with_five_other_organisations_the_report_shows_the_median(
    client, own, org_admin, programme
):
    # The others: 1/1, 1/2, 1/3, 1/4, 1/5; with 1/2, the median of six rates
    # is the mean of 1/3 and 1/2: 42%.
    others(programme, 5)
    client.force_login(org_admin)

    html = client.get(REPORT).content.decode()

    assert (
        "50% of your current learners have reached e-Listener; the median across the 6 "
        "organisations on the platform is 42%."
    ) in html
    assert WHY not in html
    assert "Other ministry" not in html


def test_the_threshold_is_a_setting(client, own, org_admin, programme, settings):
    settings.REPORT_BENCHMARK_MIN_ORGANISATIONS = 1
    others(programme, 1)
    client.force_login(org_admin)

    html = client.get(REPORT).content.decode()

    assert "the median across the 2 organisations on the platform is 75%" in html


def test_the_exports_carry_no_other_organisations_figures(client, own, org_admin, programme):
    others(programme, 1)
    client.force_login(org_admin)

    figures = client.get(reverse("reports:report_json")).json()
    exported = b"".join(client.get(reverse("reports:report_csv")).streaming_content).decode()

    assert figures["enrolled"] == 2
    assert "benchmark" not in figures and "organisations" not in figures
    assert "other-0" not in exported and "Other ministry" not in exported
    assert exported.count("\n") == 3, "the header and the organisation's two learners"
