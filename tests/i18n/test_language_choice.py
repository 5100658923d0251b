"""Which language a page speaks: the person's own choice, then the switcher's
cookie, then the browser, then the organisation's default, then English."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.middleware import accepted_languages, request_language
from accounts.models import AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ALL_SIX = settings.UN_LANGUAGES


def page_language(response) -> str:
    return response.headers["Content-Language"]


def test_accept_language_is_read_in_order_of_preference():
    header = "de-CH;q=0.4, fr-CA, es;q=0.8, *;q=0.1, ru;q=0"

    assert accepted_languages(header) == ["fr-CA", "es", "de-CH"]


def test_an_anonymous_visitor_gets_their_browsers_language(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de, fr-CA;q=0.9")

    assert page_language(response) == "fr"
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


def test_a_language_that_is_not_switched_on_falls_back_to_english(client, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru")

    assert page_language(response) == "en"


def test_the_profile_language_wins_over_the_browser_and_the_cookie(client, trainee):
    trainee.language = "es"
    trainee.save()
    client.force_login(trainee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="fr")

    assert page_language(response) == "es"


def test_without_a_profile_language_the_browser_decides(client, trainee, organisation):
    organisation.default_language = "es"
    organisation.save()
    client.force_login(trainee)

    response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert page_language(response) == "fr"


def test_the_organisation_default_speaks_when_the_browser_asks_for_nothing_offered(
    client, trainee, organisation
):
    organisation.default_language = "es"
    organisation.save()
    client.force_login(trainee)

    response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="de-DE")

    assert page_language(response) == "es"


def test_the_switchers_choice_is_kept_across_log_in(client, trainee):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": reverse("account_login")}
    )
    assert response.status_code == 302
    assert page_language(client.get(reverse("account_login"))) == "fr"

    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")

    assert page_language(response) == "fr"


def test_signing_up_after_choosing_a_language_makes_it_the_persons_own(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    client.post(reverse("set_language"), {"language": "es", "next": "/"})

    client.post(
        reverse("account_signup"),
        {"email": "nueva@mfa.example", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.get(email="nueva@mfa.example").language == "es"


def test_the_footer_switcher_is_offered_to_visitors_only(client, trainee):
    anonymous = client.get(reverse("home")).content.decode()
    client.force_login(trainee)
    signed_in = client.get(reverse("accounts:profile")).content.decode()

    assert 'action="/i18n/setlang/"' in anonymous
    assert '<label for="footer-language">' in anonymous
    assert 'action="/i18n/setlang/"' not in signed_in


def test_arabic_pages_run_right_to_left(client, settings):
    settings.LANGUAGES = ALL_SIX

    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert '<html lang="ar" dir="rtl">' in html


def test_chinese_browsers_get_simplified_chinese(rf, settings):
    settings.LANGUAGES = ALL_SIX
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    request.user = type("Anonymous", (), {"is_authenticated": False})()

    assert request_language(request) == "zh-hans"


def test_an_org_admin_sets_the_organisations_default_language(client, org_admin, organisation):
    client.force_login(org_admin)
    url = reverse("accounts:people", args=[organisation.slug])

    response = client.post(url, {"action": "language", "organisation-default_language": "fr"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.default_language == "fr"
    assert AuditEvent.objects.filter(action="organisation.language").count() == 1


def test_a_language_not_offered_is_refused_on_the_form(client, org_admin, organisation):
    client.force_login(org_admin)
    url = reverse("accounts:people", args=[organisation.slug])

    response = client.post(url, {"action": "language", "organisation-default_language": "xx"})

    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.default_language == "en"


def test_the_welcome_after_log_in_is_already_in_the_persons_language(client, trainee):
    trainee.language = "fr"
    trainee.save()

    response = client.post(
        reverse("account_login"),
        {"login": trainee.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert "Vous êtes connecté en tant que" in response.content.decode()
