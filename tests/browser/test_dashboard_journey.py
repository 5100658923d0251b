import pytest

from accounts.models import Membership
from progress.demo import seed_learners
from tests.browser.conftest import log_in, screenshot
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORIES = ["fresh", "on_track", "ahead", "behind", "overdue", "paused", "achieved", "self_paced"]
EXPECTED = {
    "fresh": ("You are on track for Acquainted", "Acquainted"),
    "on_track": ("You are on track for e-Listener", "e-Listener"),
    "behind": ("You are behind pace for e-Listener", "e-Listener"),
    "overdue": ("e-Listener was due on", "e-Listener"),
    "paused": ("Your programme is paused", "e-Listener"),
    "achieved": ("You have reached all three milestones", "Active e-diplomat"),
}


def test_learners_at_every_point_see_their_dashboard(page, programme, assert_accessible):
    ministry = OrganisationFactory()
    trainer = MembershipFactory(organisation=ministry, role=Membership.Role.TRAINER).user
    people = {story: UserFactory(email=f"{story}@ministry.example") for story in STORIES}
    seed_learners(programme=programme, ministry=ministry, trainer=trainer, learners=people)

    for story, (sentence, milestone) in EXPECTED.items():
        log_in(page, f"{story}@ministry.example")
        page.get_by_role("heading", name="Your day, month and year").wait_for()
        assert sentence in page.locator(".pace-message").inner_text()
        assert page.get_by_role("img", name="Your timeline").is_visible()
        assert page.get_by_role("heading", name=milestone).first.is_visible()
        if story in {"overdue", "achieved"}:
            assert_accessible(page, name=f"dashboard ({story})")
        screenshot(page, f"dashboard-{story}")
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("link", name="Log in").first.wait_for()
