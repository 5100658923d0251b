"""The interface in the learner's language: the dashboard and a study page in
French and in Arabic (right to left), and a trainer's cohort page in Spanish,
at desktop and phone widths, axe-clean, screenshots in test-artifacts/."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from curriculum.models import Activity
from progress.demo import seed_learners
from progress.models import Cohort
from tests.browser.conftest import log_in
from tests.browser.test_page_details import DESKTOP, tour
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORIES = ["fresh", "on_track", "ahead", "behind", "overdue", "paused", "achieved", "self_paced"]
# Who reads what: the demo's stories, a few of them in French and Arabic.
SPEAKERS = {
    "on_track": ("amelie@mae.example", "Amélie", "fr"),
    "behind": ("layla@mae.example", "ليلى", "ar"),
    "achieved": ("ines@mae.example", "Inès", "fr"),
}


@pytest.fixture
def ministry(programme):
    organisation = OrganisationFactory(name="Ministère des Affaires étrangères", slug="mae")
    trainer = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.TRAINER,
        user=UserFactory(email="formadora@mae.example", display_name="Lucía", language="es"),
    ).user
    people = {
        story: UserFactory(
            **dict(zip(("email", "display_name", "language"), SPEAKERS[story], strict=True))
        )
        if story in SPEAKERS
        else UserFactory(email=f"{story}@mae.example")
        for story in STORIES
    }
    seed_learners(programme=programme, ministry=organisation, trainer=trainer, learners=people)
    return (
        organisation,
        trainer,
        Cohort.objects.get(organisation=organisation, name="Autumn intake"),
    )


def study_page(page) -> None:
    reading = Activity.objects.filter(kind=Activity.Kind.READING).order_by("pk").first()
    page.goto(reading.get_absolute_url())


def test_a_french_learner_sees_dashboard_and_study_pages_in_french(
    page, ministry, assert_accessible
):
    log_in(page, "amelie@mae.example")
    page.get_by_role("heading", name="Votre jour, votre mois et votre année").wait_for()

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "dans les temps" in page.locator(".pace-message").inner_text()
    assert page.get_by_role("link", name="Tableau de bord").is_visible()
    assert page.get_by_role("img", name="Votre frise chronologique").is_visible()
    # The history is said in French, with the activities' French titles.
    recent = page.locator("section[aria-labelledby=recent-heading] ul.history").first
    assert "A terminé « " in recent.inner_text()
    assert "Completed" not in recent.inner_text()
    tour(page, assert_accessible, "fr-dashboard")

    study_page(page)
    page.get_by_role("navigation", name="Fil d'Ariane").wait_for()
    assert page.get_by_role("link", name="Retour au module").is_visible()
    tour(page, assert_accessible, "fr-study")


def test_an_arabic_learner_sees_the_pages_right_to_left(page, ministry, assert_accessible):
    log_in(page, "layla@mae.example")
    page.locator(".pace-card").wait_for()

    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.get_by_role("link", name="لوحة المتابعة").is_visible()
    # Logical properties mirror the layout: the pace card's accent border is on
    # the right, where an Arabic reader starts.
    right, left = page.locator(".pace-card").evaluate(
        "card => [getComputedStyle(card).borderRightWidth, getComputedStyle(card).borderLeftWidth]"
    )
    assert (right, left) == ("6px", "1px")
    # The timeline runs from right to left: the start stands right of today.
    start_x = float(page.locator(".timeline circle.tone-neutral").get_attribute("cx"))
    today_x = float(page.locator(".timeline line.today").get_attribute("x1"))
    assert start_x > today_x
    recent = page.locator("section[aria-labelledby=recent-heading] ul.history").first
    assert "أكمل «" in recent.inner_text()
    tour(page, assert_accessible, "ar-dashboard")

    study_page(page)
    assert page.locator("html").get_attribute("dir") == "rtl"
    tour(page, assert_accessible, "ar-study")


def test_a_spanish_trainer_reads_the_cohort_page_in_spanish(page, ministry, assert_accessible):
    _organisation, trainer, cohort = ministry
    log_in(page, trainer.email)
    page.goto(reverse("progress:cohort", args=[cohort.pk]))

    page.get_by_role("heading", name="Participantes", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("button", name="Aplicar").is_visible()
    assert page.get_by_role("columnheader", name="Familiarizado").is_visible()
    tour(page, assert_accessible, "es-cohort")
    page.set_viewport_size(DESKTOP)
