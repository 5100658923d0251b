import pytest

from curriculum.models import Activity
from progress.models import Completion, MilestoneAchievement
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFLECTION = (
    "Listening first matters because a ministry that speaks before it understands the "
    "conversation risks sounding out of touch. I will start by following the accounts of "
    "our own ministry and the organisations in my portfolio, and keep a short daily log."
)


def test_new_trainee_walks_through_the_orientation_and_passes_its_quiz(
    page, programme, assert_accessible
):
    UserFactory(email="new.trainee@ministry.example")
    log_in(page, "new.trainee@ministry.example")

    page.get_by_role("heading", name=programme.title).wait_for()
    assert_accessible(page, name="enrol")
    page.get_by_role("button", name="Start the programme").click()

    orientation = list(
        Activity.objects.live()
        .filter(module__stage__slug="orientation")
        .order_by("module__order", "order")
    )
    for index, activity in enumerate(orientation):
        page.get_by_role("heading", name=activity.title, exact=True).wait_for()
        if index == 0 or activity.kind != Activity.Kind.READING:
            assert_accessible(page, name=f"{activity.kind} activity")
        if activity.kind == Activity.Kind.READING:
            page.get_by_role("button", name="Mark as read").click()
            page.get_by_text("Marked as read.").wait_for()
        elif activity.kind == Activity.Kind.QUIZ:
            # A first try with nothing ticked fails, with feedback and a way back.
            page.get_by_role("button", name="Check my answers").click()
            page.get_by_text("Read the feedback and try again").wait_for()
            assert_accessible(page, name="quiz result (failed)")
            page.get_by_role("link", name="Try again").click()
            # The options come in a new order on each attempt: tick by their text.
            for question in activity.questions:
                group = page.get_by_role("group", name=question["prompt"])
                for choice in question["choices"]:
                    if choice["correct"]:
                        group.get_by_label(choice["text"], exact=True).check()
            screenshot(page, "orientation-quiz")
            page.get_by_role("button", name="Check my answers").click()
            page.get_by_text("You passed").wait_for()
            screenshot(page, "orientation-quiz-passed")
            page.get_by_role("link", name="Continue the programme").click()
            continue
        elif activity.kind == Activity.Kind.REFLECTION:
            page.get_by_label("Your reflection").fill("Too short.")
            page.get_by_role("button", name="Save my reflection").click()
            page.get_by_text(f"Write at least {activity.min_words} words; you have 2.").wait_for()
            assert_accessible(page, name="reflection with an error")
            words = (REFLECTION.split() * 3)[: activity.min_words + 5]
            page.get_by_label("Your reflection").fill(" ".join(words))
            page.get_by_role("button", name="Save my reflection").click()
            page.get_by_text("Your reflection is saved.").wait_for()
        else:
            pytest.fail(f"orientation has an unexpected {activity.kind} activity")
        if index + 1 < len(orientation):
            page.get_by_role("link", name=f"Next: {orientation[index + 1].title}").click()

    assert Completion.objects.filter(activity__in=orientation).count() == len(orientation)
    assert MilestoneAchievement.objects.filter(milestone="acquainted", on_time=True).exists()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programme").click()
    curate = page.locator("#stage-curate")
    assert "Locked" not in curate.inner_text()
    assert "Complete" in page.locator("#stage-orientation").inner_text()
    assert "Locked" in page.locator("#stage-collaborate").inner_text()
    assert_accessible(page, name="programme overview")
    screenshot(page, "programme-after-orientation")
