"""A one-click unsubscribe link works without logging in for a bounded time,
then says how to change reminders after logging in; the page it opens never
shows the recipient's whole address."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from progress.models import Nudge
from progress.nudges.delivery import unsubscribe_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def tess(db):
    return UserFactory(email="tess.ortega@mfa.example")


def link_sent_to(user, when=SENT) -> str:
    with time_machine.travel(when, tick=False):
        token = unsubscribe_token(user.pk, Nudge.Rule.OVERDUE)
    return reverse("progress:unsubscribe", args=[token])


def test_the_link_still_works_on_the_last_day(tess):
    url = link_sent_to(tess)

    with time_machine.travel(SENT + 89 * DAY, tick=False):
        response = Client().post(url)

    assert response.status_code == 200
    tess.refresh_from_db()
    assert tess.nudge_preferences == {Nudge.Rule.OVERDUE: "in_app"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_changes_nothing_and_says_to_log_in(tess, method):
    url = link_sent_to(tess)

    with time_machine.travel(SENT + 91 * DAY, tick=False):
        response = getattr(Client(), method)(url)

    assert response.status_code == 410
    html = response.content.decode()
    assert "This unsubscribe link has expired" in html
    assert reverse("progress:preferences") in html, "the page points to the preferences"
    assert "tess.ortega@mfa.example" not in html
    tess.refresh_from_db()
    assert tess.nudge_preferences == {}


def test_the_link_lifetime_is_a_setting(tess, settings):
    settings.UNSUBSCRIBE_LINK_DAYS = 10
    url = link_sent_to(tess)

    with time_machine.travel(SENT + 11 * DAY, tick=False):
        response = Client().post(url)

    assert response.status_code == 410


def test_the_page_masks_the_address_before_and_after_unsubscribing(tess):
    url = link_sent_to(tess, when=datetime.datetime.now(datetime.UTC))

    asked = Client().get(url).content.decode()
    done = Client().post(url).content.decode()

    for html in (asked, done):
        assert "tess.ortega@mfa.example" not in html
        assert "tess.ortega" not in html
        assert "t•••@mfa.example" in html
