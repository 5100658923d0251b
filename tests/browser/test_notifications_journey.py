import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.models import Nudge
from progress.nudges.delivery import unsubscribe_token
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Rule = Nudge.Rule


def delivered(user, rule, *, hours_ago: int, read: bool = False, **fields) -> Nudge:
    at = timezone.now() - datetime.timedelta(hours=hours_ago)
    return Nudge.objects.create(
        recipient=user,
        rule=rule,
        subject=fields.pop("subject", "enrolment:1"),
        period=fields.pop("period", "once"),
        status=Nudge.Status.SENT,
        email=Nudge.Email.SENT,
        not_before=at,
        created_at=at,
        sent_at=at,
        read_at=at if read else None,
        **fields,
    )


def test_learner_reads_notifications_and_unsubscribes_in_one_click(page, assert_accessible):
    ada = UserFactory(email="ada@mfa.example", display_name="Ada")
    delivered(ada, Rule.WELCOME, hours_ago=30, read=True)
    delivered(
        ada, Rule.MILESTONE_ACHIEVED, hours_ago=5, milestone="acquainted", period="acquainted"
    )
    delivered(ada, Rule.INACTIVE, hours_ago=2, period="since:2026-01-01T00:00")
    delivered(UserFactory(email="grace@mfa.example"), Rule.REVIEWED, hours_ago=1)

    log_in(page, "ada@mfa.example")
    page.get_by_role("link", name="Notifications 2 unread").click()
    page.get_by_role("heading", name="Notifications", level=1).wait_for()
    assert page.get_by_role("heading", name="You reached Acquainted").is_visible()
    assert page.get_by_role("heading", name="Your programme is waiting for you").is_visible()
    assert page.get_by_role("heading", name="Welcome to the programme").is_visible()
    assert page.get_by_text("Your practice work was reviewed").count() == 0  # Grace's
    assert page.locator(".notification.unread").count() == 2
    assert_accessible(page, name="notifications")
    screenshot(page, "notifications")

    page.locator(".notification.unread").first.get_by_role("button", name="Mark as read").click()
    page.get_by_role("link", name="Notifications 1 unread").wait_for()
    assert page.locator(".notification.unread").count() == 1

    page.get_by_role("button", name="Mark all as read").click()
    page.get_by_role("link", name="Notifications", exact=True).wait_for()
    assert page.locator(".notification.unread").count() == 0
    assert page.get_by_role("button", name="Mark all as read").count() == 0

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.wait_for()

    # The link from an e-mail footer, opened without a session.
    page.goto(reverse("progress:unsubscribe", args=[unsubscribe_token(ada.pk, Rule.INACTIVE)]))
    page.get_by_role("heading", name="Stop these e-mails?").wait_for()
    assert page.get_by_text("Inactive for a while").is_visible()
    ada.refresh_from_db()
    assert ada.nudge_preferences == {}  # opening the page changes nothing
    assert_accessible(page, name="unsubscribe")

    page.get_by_role("button", name="Unsubscribe", exact=True).click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert_accessible(page, name="unsubscribed")
    screenshot(page, "unsubscribed")
    ada.refresh_from_db()
    assert ada.nudge_preferences == {Rule.INACTIVE: "in_app"}


def test_a_learner_chooses_the_daily_digest_with_the_keyboard(page, assert_accessible):
    ada = UserFactory(email="ada@mfa.example", display_name="Ada")

    log_in(page, "ada@mfa.example")
    page.goto(reverse("progress:preferences"))
    page.get_by_role("heading", name="Reminder preferences").wait_for()
    replies = page.get_by_role("group", name="A reply to your thread")
    assert replies.get_by_role("radio", name="E-mail and in the app").is_checked()
    assert_accessible(page, name="preferences")

    # Into the group from the keyboard: the checked radio takes the focus,
    # the arrow moves to the next choice, the daily digest.
    replies.get_by_role("radio", name="E-mail and in the app").focus()
    page.keyboard.press("ArrowDown")
    digest = replies.get_by_role("radio", name="In the app, and in one daily e-mail digest")
    assert digest.is_checked()
    page.keyboard.press("Enter")  # submits the form
    page.get_by_text("Your reminder choices are saved.").wait_for()

    ada.refresh_from_db()
    assert ada.nudge_preferences == {Rule.DISCUSSION_REPLY: "digest"}
    assert (
        page.get_by_role("group", name="A reply to your thread")
        .get_by_role("radio", name="In the app, and in one daily e-mail digest")
        .is_checked()
    )
    assert_accessible(page, name="preferences saved")

    # The digest's hour, chosen from the list by its label.
    page.get_by_label("Send my daily digest at").select_option(label="17:00")
    page.get_by_role("button", name="Save my choices").click()
    page.get_by_text("Your reminder choices are saved.").wait_for()
    ada.refresh_from_db()
    assert ada.digest_hour == 17
    assert page.get_by_label("Send my daily digest at").input_value() == "17"
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"preferences-{label}")
