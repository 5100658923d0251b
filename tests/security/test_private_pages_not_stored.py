"""Pages about a person tell browsers and proxies not to store them
(`Cache-Control: private, no-store`); static files and /healthz keep their own
caching."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from ediplomacy.lib.security import PrivateCacheMiddleware

pytestmark = pytest.mark.django_db


def not_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.mark.parametrize(
    "name",
    [
        "progress:dashboard",
        "progress:programme",
        "progress:notifications",
        "progress:preferences",
        "progress:data_export",
        "progress:delete_account",
        "accounts:profile",
    ],
)
def test_a_learners_pages_are_not_stored(client, trainee, programme, name):
    client.force_login(trainee)
    client.post(reverse("progress:enrol"))

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert not_stored(response), response.get("Cache-Control")


@pytest.mark.parametrize(
    "name", ["reports:report", "reports:report_csv", "reports:report_json", "progress:cohorts"]
)
def test_reports_and_their_exports_are_not_stored(client, org_admin, name):
    client.force_login(org_admin)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert not_stored(response), response.get("Cache-Control")


def test_a_redirect_for_a_signed_in_person_is_not_stored(client, trainee):
    client.force_login(trainee)

    response = client.get(reverse("progress:dashboard"))  # not enrolled yet: sent to start

    assert response.status_code == 302
    assert not_stored(response)


def test_the_log_in_page_with_its_csrf_token_is_not_stored(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert not_stored(response)


def test_static_files_keep_their_public_caching(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # read when the client builds its middleware

    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "public" in response["Cache-Control"]


def test_healthz_keeps_its_own_header(client, settings):
    settings.REDIS_URL = None

    response = client.get("/healthz")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_view_that_sets_a_stricter_header_keeps_it(trainee):
    def view(request):
        response = HttpResponse("about Ada")
        add_never_cache_headers(response)
        return response

    request = RequestFactory().get("/")
    request.user = trainee
    response = PrivateCacheMiddleware(view)(request)

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_public_header_on_a_personal_page_becomes_private(trainee):
    def view(request):
        response = HttpResponse("about Ada")
        response["Cache-Control"] = "public, max-age=600"
        return response

    request = RequestFactory().get("/")
    request.user = trainee
    response = PrivateCacheMiddleware(view)(request)

    assert not_stored(response)
