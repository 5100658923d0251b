"""What the production configuration promises in its responses."""

import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_send_the_security_headers(client):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp, "no inline script or style is allowed"
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_session_and_csrf_cookies_are_secure_and_the_session_is_http_only(client, trainee):
    client.get(reverse("account_login"), secure=True)
    response = client.post(
        reverse("account_login"), {"login": trainee.email, "password": PASSWORD}, secure=True
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["secure"]


def test_pages_render_no_inline_script(client, trainee):
    client.force_login(trainee)
    for url in ["/", reverse("account_login"), reverse("accounts:profile")]:
        html = client.get(url, follow=True).content.decode()
        assert "<script>" not in html and " onclick=" not in html and "style=" not in html


def test_an_idle_session_is_signed_out(client, trainee, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    client.force_login(trainee)
    assert client.get(reverse("accounts:profile")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 61
    session.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_active_session_stays_signed_in(client, trainee, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    client.force_login(trainee)
    session = client.session
    session["last_seen"] = int(time.time()) - 30
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_person_lists_their_sessions_and_signs_out_the_others(client, trainee):
    from django.test import Client

    other = Client()
    other.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    client.post(reverse("usersessions_list"))
    assert other.get(reverse("accounts:profile")).status_code == 302, "the other session ended"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_changing_the_password_ends_the_other_sessions(client, trainee):
    from django.test import Client

    other = Client()
    other.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-brand-new-long-passphrase",
            "password2": "a-brand-new-long-passphrase",
        },
    )
    assert other.get(reverse("accounts:profile")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
