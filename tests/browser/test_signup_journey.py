import re

import pytest

from accounts.models import User
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-memorable-passphrase"


def confirmation_link(mailoutbox) -> str:
    assert len(mailoutbox) == 1, "exactly one confirmation e-mail is sent"
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body)
    assert match, mailoutbox[0].body
    return match.group(0)


def test_visitor_signs_up_confirms_logs_out_and_back_in(
    page, live_server, mailoutbox, assert_accessible
):
    page.goto("/")
    assert_accessible(page, name="home")
    page.get_by_role("link", name="Start the programme").click()

    page.get_by_label("Your name").fill("Ada Envoy")
    page.get_by_label("Email").fill("ada@ministry.example")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    assert_accessible(page, name="sign-up")
    page.get_by_role("button", name="Sign up").click()

    page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert_accessible(page, name="verification sent")
    link = confirmation_link(mailoutbox)

    page.goto(link)
    assert_accessible(page, name="confirm e-mail")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Log out").wait_for()
    screenshot(page, "signed-up")

    user = User.objects.get(email="ada@ministry.example")
    assert user.display_name == "Ada Envoy"
    assert user.emailaddress_set.get().verified
    assert not user.memberships.exists(), "a self-registered user belongs to no organisation"

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.wait_for()

    page.get_by_role("link", name="Log in").first.click()
    assert_accessible(page, name="log-in")
    page.get_by_label("Email").fill("ada@ministry.example")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    navigation = page.get_by_role("navigation", name="Main")
    assert navigation.get_by_role("link", name="Profile").is_visible()
