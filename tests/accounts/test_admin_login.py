from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_sends_anonymous_visitors_to_the_allauth_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    # Django's own admin log-in page is replaced by allauth's.
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert parse_qs(urlsplit(response.url).query)["next"] == ["/admin/"]


def test_admin_login_url_redirects_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_login_is_rate_limited_by_allauth(client, staff):
    for _ in range(5):
        client.post(
            reverse("account_login") + "?next=/admin/", {"login": staff.email, "password": "wrong"}
        )
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302, "the admin stays closed"


def test_staff_logs_in_through_allauth_and_reaches_the_admin(client, staff):
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_signed_in_non_staff_user_is_refused_the_admin(client, trainee):
    client.force_login(trainee)
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert "not open to your account" in response.content.decode()
