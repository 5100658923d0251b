"""The account pages speak as the navigation does: "Sign up", "Log in" and
"Log out", never allauth's "Sign In", "Sign Up" or "signed in"."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-memorable-passphrase"
# allauth's wording, in any case; "Sign up" (as the navigation says it) is ours.
FORBIDDEN = [
    re.compile(r"\bsign(?:ed)?[ -]?in\b", re.IGNORECASE),
    re.compile(r"\bsign(?:ed)?[ -]?out\b", re.IGNORECASE),
    re.compile(r"\bSign Up\b|\bSignup\b"),
]


def visible_text(response) -> str:
    """The words a person reads: the title and the page's text, not its markup."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_one_voice(response, page: str) -> str:
    text = visible_text(response)
    for pattern in FORBIDDEN:
        found = pattern.search(text)
        assert not found, f"{page}: “{found and found.group(0)}” in …{text[:400]}"
    return text


def test_every_account_page_says_log_in_and_sign_up(client, mailoutbox):
    pages = {
        "log-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "password reset sent": reverse("account_reset_password_done"),
        "password reset, bad link": reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}
        ),
        "e-mail confirmation, bad link": reverse("account_confirm_email", args=["bad-key"]),
    }
    texts = {}
    for page, url in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, page
        texts[page] = assert_one_voice(response, page)

    assert "Log in · ediplomacy" in texts["log-in"]
    assert "Sign up · ediplomacy" in texts["sign-up"]

    # Signing up: the page that says an e-mail is on its way, then the link in it.
    response = client.post(
        reverse("account_signup"),
        {"email": "voice@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Check your e-mail" in assert_one_voice(response, "verification sent")
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    text = assert_one_voice(client.get(confirm), "e-mail confirmation")
    assert "Confirm your e-mail address" in text
    response = client.post(confirm, follow=True)
    assert "You are logged in as" in assert_one_voice(response, "after confirming")

    # Signed in: the log-out page, then the message after logging out.
    signed_in_pages = {
        "log-out": reverse("account_logout"),
        "password change": reverse("account_change_password"),
        "sessions": reverse("usersessions_list"),
    }
    for page, url in signed_in_pages.items():
        response = client.get(url)
        assert response.status_code == 200, page
        assert_one_voice(response, page)
    response = client.post(reverse("account_logout"), follow=True)
    assert "You are logged out." in assert_one_voice(response, "after logging out")


def test_logging_in_says_logged_in(client):
    user = UserFactory(email="returning@example.org", display_name="Rita Returning")

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )

    text = assert_one_voice(response, "after logging in")
    assert "You are logged in as Rita Returning." in text
