import json
import urllib.request

import pytest

from accounts.models import Membership
from api.models import ApiToken, WebhookEndpoint
from tests.browser.conftest import log_in, screenshot
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call_api(base: str, key: str, path: str) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_administrator_connects_the_hr_system(page, live_server, assert_accessible):
    ministry = OrganisationFactory(name="Ministry of Foreign Affairs of Demoland", slug="demoland")
    admin = UserFactory(email="amina@demoland.example", display_name="Amina Diallo")
    MembershipFactory(user=admin, organisation=ministry, role=Membership.Role.ORG_ADMIN)

    log_in(page, admin.email)
    page.get_by_role("link", name="Organisation").first.click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", name="API tokens", exact=True).wait_for()
    page.get_by_label("Name").fill("HR system")
    page.get_by_label("Access").select_option("write")
    page.get_by_role("button", name="Make the token").click()
    key = page.get_by_role("textbox", name="Token").input_value()
    assert key.startswith("edp_")
    assert_accessible(page, name="API tokens")
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"api-tokens-{label}")
    # On a phone the rows stack and each cell names its column itself.
    said = page.locator("td[data-label]").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert said == '"Access"'
    page.set_viewport_size({"width": 1280, "height": 900})
    said = page.locator("td[data-label]").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert said == "none"

    status, organisations = call_api(live_server.url, key, "/api/v1/organisations/")
    assert status == 200 and organisations[0]["slug"] == "demoland"

    page.get_by_role("button", name="Revoke HR system").click()
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("is revoked").wait_for()
    assert ApiToken.objects.get().revoked_at is not None
    status, problem = call_api(live_server.url, key, "/api/v1/organisations/")
    assert status == 401 and problem["status"] == 401

    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("URL").fill("https://hr.demoland.example/ediplomacy")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("The endpoint is registered.").wait_for()
    assert WebhookEndpoint.objects.get().url == "https://hr.demoland.example/ediplomacy"
    assert_accessible(page, name="webhooks")
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"api-webhooks-{label}")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Delivery log").click()
    page.get_by_role("heading", name="Delivery log").wait_for()
    assert_accessible(page, name="delivery log")


def test_the_api_reference_renders_from_this_sites_files(page, live_server):
    # Redoc's own footer asks for a logo on its vendor's site: the page's
    # policy refuses it (and Redoc then hides it), so nothing is loaded from
    # elsewhere.
    elsewhere = []
    page.on(
        "requestfinished",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )

    page.goto("/api/docs/")

    page.get_by_role("heading", name="ediplomacy API").first.wait_for(timeout=20_000)
    assert page.get_by_text("Enrolments", exact=False).first.is_visible()
    assert elsewhere == []
    screenshot(page, "api-reference-desktop")
