"""The delete-account form checks the password under the log-in's limits on
failed attempts: after too many wrong passwords it stops checking and says so."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DELETE = reverse("progress:delete_account")
TOO_MANY = "Too many wrong passwords"


@pytest.fixture
def tess(db):
    return UserFactory(email="tess@mfa.example")


@pytest.fixture
def limits(settings):
    # The log-in's limits, as production sets them: five failures per address.
    assert "5/5m/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]


def test_after_five_wrong_passwords_even_the_right_one_is_not_checked(client, tess, limits):
    client.force_login(tess)
    for _ in range(5):
        wrong = client.post(DELETE, {"password": "not-it", "confirm": "on"})
        assert wrong.status_code == 400

    response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 429
    html = response.content.decode()
    assert TOO_MANY in html
    assert "This is not your current password." not in html
    assert User.objects.get(pk=tess.pk).is_active, "nothing was deleted"


def test_a_right_password_after_a_few_wrong_ones_still_deletes(client, tess, limits):
    client.force_login(tess)
    for _ in range(4):
        client.post(DELETE, {"password": "not-it", "confirm": "on"})

    response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.get(pk=tess.pk).is_active


def test_failed_log_ins_and_wrong_passwords_here_share_one_limit(client, tess, limits):
    for _ in range(3):
        client.post(reverse("account_login"), {"login": tess.email, "password": "not-it"})
    client.force_login(tess)
    for _ in range(2):
        client.post(DELETE, {"password": "not-it", "confirm": "on"})

    response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 429
    assert User.objects.get(pk=tess.pk).is_active
