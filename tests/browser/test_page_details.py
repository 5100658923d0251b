"""The details people hit: buttons that look like what they do, destructive
actions that ask first with no script, and every page at desktop and phone
widths, kept accessible and without sideways scrolling (screenshots land in
test-artifacts/)."""

import re

import pytest
from django.urls import reverse

from accounts.invitations import organisation_invite
from accounts.models import Membership
from accounts.tasks import organisation_invitation_token
from progress import services
from progress.demo import seed_learners
from progress.models import Cohort, Enrolment
from progress.tasks import invitation_token
from sso import services as sso_services
from tests.browser.conftest import log_in, screenshot
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
STORIES = ["fresh", "on_track", "ahead", "behind", "overdue", "paused", "achieved", "self_paced"]


@pytest.fixture
def ministry(programme):
    """A ministry with an administrator, a trainer and the demo's learners."""
    organisation = OrganisationFactory(name="Ministry of Foreign Affairs", slug="mfa")
    admin = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.ORG_ADMIN,
        user=UserFactory(email="admin@mfa.example", display_name="Ada Admin"),
    ).user
    trainer = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.TRAINER,
        user=UserFactory(email="trainer@mfa.example", display_name="Tom Trainer"),
    ).user
    people = {
        story: UserFactory(
            email=f"{story}@mfa.example", display_name=story.replace("_", " ").title()
        )
        for story in STORIES
    }
    seed_learners(programme=programme, ministry=organisation, trainer=trainer, learners=people)
    cohort = Cohort.objects.get(organisation=organisation, name="Autumn intake")
    return organisation, admin, trainer, cohort


NAVY = "rgb(29, 53, 87)"  # --navy, the primary button
WHITE = "rgb(255, 255, 255)"  # a secondary button
DANGER = "rgb(164, 22, 26)"  # --bad, the button that destroys


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_secondary_and_danger_buttons_look_unlike_primary_ones(page, ministry):
    organisation, admin, trainer, _ = ministry
    log_in(page, admin.email)
    page.goto(reverse("accounts:people", args=[organisation.slug]))

    primary = page.get_by_role("button", name="Send the invitation")
    secondary = page.get_by_role("button", name="Hold reminders")
    remove = page.get_by_role("button", name=f"Remove {trainer.get_full_name()}")

    assert background(primary) == NAVY
    assert background(secondary) == WHITE
    assert background(remove) == WHITE

    remove.click()
    page.get_by_role("heading", name=f"Remove {trainer}").wait_for()
    danger = page.get_by_role("button", name="Remove from the organisation")
    cancel = page.get_by_role("link", name="Cancel")
    assert background(danger) == DANGER
    assert background(cancel) == WHITE


def test_withdrawing_a_learner_asks_first_without_javascript(chromium, live_server, ministry):
    _, _, trainer, cohort = ministry
    enrolment = Enrolment.objects.filter(cohort=cohort, status="active").first()
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, trainer.email)
        page.goto(reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk]))
        page.get_by_role("button", name="Withdraw from the cohort").click()

        page.get_by_role("heading", name=f"Withdraw {enrolment.user}").wait_for()
        assert "restore them to the cohort from their page" in page.content()
        screenshot(page, "confirm-withdraw-desktop")
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.ACTIVE

        page.get_by_role("link", name="Cancel").click()
        page.get_by_role("heading", name=str(enrolment.user.get_full_name())).wait_for()
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.ACTIVE

        page.get_by_role("button", name="Withdraw from the cohort").click()
        page.get_by_role("main").get_by_role("button", name="Withdraw from the cohort").click()
        page.get_by_text("is withdrawn from the cohort").wait_for()
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.WITHDRAWN

        # Undo is where the confirmation said it would be.
        page.get_by_role("button", name="Restore to the cohort").click()
        page.get_by_text("is back in the cohort").wait_for()
        enrolment.refresh_from_db()
        assert enrolment.status != Enrolment.Status.WITHDRAWN
    finally:
        context.close()


def test_organisation_invitation_prefills_sign_up_and_comes_back(page, ministry, mailoutbox):
    organisation, admin, _, _ = ministry
    invitation = organisation_invite(
        organisation=organisation, email="newcomer@mfa.example", role="trainer", by=admin
    )
    path = reverse("accounts:invitation", args=[organisation_invitation_token(invitation)])
    page.goto(path)
    page.get_by_role("link", name="Create my account").click()
    assert page.get_by_label("Email").input_value() == "newcomer@mfa.example"
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-and-memorable-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-memorable-passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    confirm = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[-1].body).group(0)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Join Ministry of Foreign Affairs").wait_for()
    assert page.url.endswith(path)
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("You are now trainer at Ministry of Foreign Affairs").wait_for()


# The elements reaching past the right edge of the screen, outside the boxes
# that scroll on their own (wide tables), when the page scrolls sideways.
WIDER_THAN_THE_SCREEN = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return [];
  const scrolledInside = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const found = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > limit + 1 && !scrolledInside(el))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
      + " " + Math.round(el.getBoundingClientRect().right));
  return found.length ? found : ["the page, " + document.documentElement.scrollWidth + "px"];
}"""


def tour(page, assert_accessible, name: str) -> None:
    """Screenshots the page open in `page` at both widths, each checked with axe."""
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        assert_accessible(page, name=f"{name} ({width})")
        screenshot(page, f"page-{name}-{width}")
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert not wide, f"{name} ({width}) scrolls sideways: {wide}"
    page.set_viewport_size(DESKTOP)


def test_every_page_reads_well_at_desktop_and_phone_widths(
    page, ministry, programme, assert_accessible
):
    organisation, admin, trainer, cohort = ministry
    enrolment = Enrolment.objects.select_related("user").get(user__email="on_track@mfa.example")
    services.cohort_add_learners(
        cohort=cohort,
        rows=services.learner_rows_parse(cohort=cohort, text="invited@elsewhere.example")[0],
        by=trainer,
    )
    newcomer = UserFactory(email="newcomer@example.org", display_name="Nina Newcomer")

    anonymous = {
        "home": "/",
        "log-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "password-reset": reverse("account_reset_password"),
        "cohort-invitation": reverse(
            "progress:invitation", args=[invitation_token(cohort.invitations.get())]
        ),
    }
    for name, url in anonymous.items():
        page.goto(url)
        tour(page, assert_accessible, name)

    log_in(page, newcomer.email)
    page.goto(reverse("progress:programme"))
    page.get_by_role("button", name="Start the programme").wait_for()
    tour(page, assert_accessible, "enrol")
    page.get_by_role("button", name="Log out").click()

    log_in(page, enrolment.user.email)
    learner_pages = {
        "dashboard": reverse("progress:dashboard"),
        "programme": reverse("progress:programme"),
        "notifications": reverse("progress:notifications"),
        "profile": reverse("accounts:profile"),
        "delete-account": reverse("progress:delete_account"),
    }
    for name, url in learner_pages.items():
        page.goto(url)
        tour(page, assert_accessible, name)
    page.goto(reverse("progress:continue"))
    tour(page, assert_accessible, "activity")
    page.get_by_role("button", name="Log out").click()

    log_in(page, trainer.email)
    trainer_pages = {
        "cohorts": reverse("progress:cohorts"),
        "cohort": reverse("progress:cohort", args=[cohort.pk]),
        "cohort-learner": reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk]),
        "cohort-invitations": reverse("progress:cohort_invitations", args=[cohort.pk]),
        "cohort-add-learners": reverse("progress:cohort_add_learners", args=[cohort.pk]),
        "cohort-edit": reverse("progress:cohort_edit", args=[cohort.pk]),
        "reviews": reverse("progress:reviews"),
        "report": reverse("reports:report"),
    }
    for name, url in trainer_pages.items():
        page.goto(url)
        tour(page, assert_accessible, name)
    page.goto(reverse("progress:cohort", args=[cohort.pk]))
    page.get_by_role("button", name="Archive").click()
    page.get_by_role("heading", name="Archive “Autumn intake”?").wait_for()
    tour(page, assert_accessible, "confirm-archive")
    page.get_by_role("button", name="Log out").click()

    # The sign-in page with a provider, so that it shows the addresses to give it.
    sso_services.identity_provider_save(
        organisation=organisation,
        by=admin,
        protocol="openid_connect",
        issuer_url="https://login.mfa.example/realms/ministry-of-foreign-affairs",
        client_id="ediplomacy",
        client_secret="secret",
    )
    organisation.email_domains.create(domain="mfa.example")
    log_in(page, admin.email)
    admin_pages = {
        "people": reverse("accounts:people", args=[organisation.slug]),
        "audit": reverse("accounts:audit", args=[organisation.slug]),
        "sign-in": reverse("sso:configure", args=[organisation.slug]),
    }
    for name, url in admin_pages.items():
        page.goto(url)
        tour(page, assert_accessible, name)
