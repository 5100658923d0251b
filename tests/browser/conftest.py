"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, _missing
from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "test-artifacts")


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        _missing(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    # Playwright's sync API keeps an event loop running in this thread for as
    # long as the browser lives; the ORM calls that tests (and the database
    # fixtures' teardown) make meanwhile are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    axe = Axe()

    def check(page, *, name: str):
        results = axe.run(page)
        blocking = [
            violation
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert not blocking, f"{name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(node["target"][0] for node in v["nodes"][:3])
            for v in blocking
        )

    return check


def screenshot(page, name: str) -> str:
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Signs in through the log-in form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
