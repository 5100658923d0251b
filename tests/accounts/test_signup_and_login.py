import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Ada Envoy",
    "email": "Ada@Ministry.example",
    "password1": "a-long-and-memorable-passphrase",
    "password2": "a-long-and-memorable-passphrase",
}


def test_sign_up_sends_a_confirmation_and_does_not_log_in_until_verified(client, mailoutbox):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    user = User.objects.get()
    assert user.email == "ada@ministry.example", "addresses are stored in lower case"
    assert user.display_name == "Ada Envoy"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert "_auth_user_id" not in client.session

    login = client.post(
        reverse("account_login"), {"login": "ada@ministry.example", "password": SIGNUP["password1"]}
    )
    assert login.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_confirming_the_link_from_the_email_verifies_and_logs_in(client, mailoutbox):
    client.post(reverse("account_signup"), SIGNUP)
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body).group(1)

    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get().verified
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk


def test_self_registered_user_is_a_trainee_with_no_organisation(client, mailoutbox):
    client.post(reverse("account_signup"), SIGNUP)
    user = User.objects.get()
    assert not user.memberships.exists()
    from accounts.access import user_roles

    roles = user_roles(user)
    assert roles.is_self_paced and roles.is_learner
    assert not roles.is_trainer and not roles.is_org_admin


def test_signing_up_with_a_taken_address_creates_nothing_and_tells_its_owner(client, mailoutbox):
    # The page does not say the address is taken (that would reveal who has
    # an account); its owner is told by e-mail instead.
    UserFactory(email="ada@ministry.example")
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@ministry.example"]
    assert "already" in mailoutbox[0].body


def test_sign_up_form_shows_errors_beside_the_fields(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert "Enter a valid email address" in html


def test_verified_user_logs_in_with_email_in_any_case_and_logs_out(client):
    user = UserFactory(email="envoy@ministry.example")
    response = client.post(
        reverse("account_login"), {"login": "ENVOY@ministry.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="envoy@ministry.example")
    response = client.post(
        reverse("account_login"), {"login": "envoy@ministry.example", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_repeated_failed_log_ins_lock_the_account_for_a_while(client):
    UserFactory(email="envoy@ministry.example")
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": "envoy@ministry.example", "password": "wrong"}
        )
    response = client.post(
        reverse("account_login"), {"login": "envoy@ministry.example", "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_for_a_known_address_only(client, mailoutbox):
    UserFactory(email="envoy@ministry.example")
    client.post(reverse("account_reset_password"), {"email": "envoy@ministry.example"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_allauth_pages_use_the_site_layout(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'class="skip-link"' in html
    assert '<main id="main"' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Keep me logged in on this device"), ("fr", "Rester connecté sur cet appareil")],
)
def test_the_remember_checkbox_is_labelled_as_a_sentence(client, language, words):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    label = re.search(r'<label for="id_remember">([^<]*)</label>', page)
    assert label is not None
    assert label.group(1) == words


@pytest.mark.parametrize(("remember", "expires_at_close"), [(True, False), (False, True)])
def test_keeping_the_log_in_outlives_the_browser_only_when_asked(
    client, remember, expires_at_close
):
    UserFactory(email="stays@ministry.example")
    data = {"login": "stays@ministry.example", "password": PASSWORD}
    if remember:
        data["remember"] = "on"

    client.post(reverse("account_login"), data)

    assert "_auth_user_id" in client.session
    assert client.session.get_expire_at_browser_close() is expires_at_close
