"""`make run` is the whole product: the web server, a Celery worker and Celery
beat on the embedded broker, started as the README says and stopped together.

The command runs against a SQLite file and broker folder in a scratch
directory (DATABASE_URL, EMBEDDED_PIPELINE_DIR), never the developer's, with
the planner every few seconds (NUDGE_PLAN_SECONDS) instead of every 15 minutes.
"""

import contextlib
import datetime
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from progress.management.commands.seed_demo import DEMO_PASSWORD, demo_email
from progress.models import Nudge
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.calendar.days import at

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 240  # a fresh database: migrations, the programme and the demo
DELIVERY_SECONDS = 60
# The settings a developer's shell or CI may hold that would take the command
# off its embedded default; and make's own, from a `make test` around us.
NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "SITE_URL",
    "EMAIL_URL",
    "EMBEDDED_PIPELINE",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_with(variable: str) -> dict[int, str]:
    """Every live process whose environment holds `variable` (NAME=value): the
    command and all it started, whatever session each one runs in."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile, or a process we may not read
        if variable.encode() in environ:
            found[int(entry.name)] = command.strip()
    return found


class Product:
    def __init__(self, scratch: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = scratch / "make-run.log"
        self.marker = f"EMBEDDED_PIPELINE_DIR={scratch / 'var'}"
        self.env = {
            **{key: value for key, value in os.environ.items() if key not in NOT_INHERITED},
            "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
            "EMBEDDED_PIPELINE_DIR": str(scratch / "var"),
            "NUDGE_PLAN_SECONDS": "5",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            # The README's command; a session of its own, as a terminal gives it.
            self.process = subprocess.Popen(
                ["make", "run", "HOST=127.0.0.1", f"PORT={self.port}"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"make run stopped:\n{self.log()}"
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        pytest.fail(f"make run did not serve within {START_SECONDS} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, seconds: float) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if found := re.search(pattern, self.log()):
                return found
            time.sleep(1)
        pytest.fail(f"nothing matching {pattern!r} in the output:\n{self.log()[-5000:]}")

    def manage(self, code: str) -> None:
        """Changes the product's data as time would: through the ORM, from outside."""
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env={**self.env, "DEBUG": "1"},
            check=True,
            capture_output=True,
            timeout=120,
        )

    def read(self, code: str) -> str:
        """The last line `code`, run in the product's Django shell, prints (the
        shell may print a note of its own first)."""
        return (
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env={**self.env, "DEBUG": "1"},
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

    def stop(self) -> int:
        """SIGTERM to make alone, as a service manager or `kill` sends it."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def kill_leftovers(self) -> None:
        for pid in processes_with(self.marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process is not None and self.process.poll() is None:
            self.process.wait(timeout=10)


@pytest.fixture
def product(tmp_path):
    product = Product(tmp_path)
    try:
        product.start()
        yield product
    finally:
        product.kill_leftovers()
        os.makedirs(SCREENSHOTS, exist_ok=True)
        shutil.copy(product.log_path, os.path.join(SCREENSHOTS, "make-run.log"))


@pytest.fixture
def browser_page(chromium, product):
    context = chromium.new_context(base_url=product.url, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_notifications(page, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, email, DEMO_PASSWORD)
    page.get_by_role("button", name="Log out").wait_for()
    page.goto("/notifications/")
    page.get_by_role("heading", name="Notifications", level=1).wait_for()


@pytest.mark.browser
def test_make_run_serves_the_demo_with_its_pipeline_and_stops_it_all(product, browser_page):
    page = browser_page

    # The demo's overdue and behind learners find their reminders at once.
    open_notifications(page, demo_email("dara"))
    page.get_by_role("heading", name="e-Listener is overdue").wait_for()
    screenshot(page, "make-run-overdue-reminder")
    open_notifications(page, demo_email("chen"))
    page.get_by_role("heading", name="A little behind for e-Listener").wait_for()

    # Time passes for the fresh learner: her first day is long gone. Beat's
    # planner notices, and the worker delivers, within a minute.
    product.manage(
        "import datetime; from django.db.models import F; from progress.models import Enrolment; "
        f"Enrolment.objects.filter(user__email={demo_email('amina')!r}).update("
        "started_at=F('started_at') - datetime.timedelta(days=3))"
    )
    open_notifications(page, demo_email("amina"))
    reminder = page.get_by_role("heading", name="Acquainted is overdue")
    deadline = time.monotonic() + DELIVERY_SECONDS
    while not reminder.count():
        assert time.monotonic() < deadline, "the planned reminder was not delivered in time"
        time.sleep(2)
        page.reload()
    screenshot(page, "make-run-planned-reminder")

    # A request queues an invitation; the worker e-mails it (to the console),
    # with a link to the port the command serves on.
    page.context.clear_cookies()
    log_in(page, demo_email("trainer"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Autumn intake").click()
    page.get_by_role("link", name="Add learners").first.click()
    page.get_by_label("E-mail addresses").fill("newcomer@ministry.example")
    page.get_by_role("button", name="Check and add").click()
    page.get_by_text("Learners added: 1 invited by e-mail.").wait_for()
    screenshot(page, "make-run-invitation-sent")
    product.wait_for_log(
        rf"To: newcomer@ministry\.example[\s\S]*?{re.escape(product.url)}/invitations/\S+/",
        DELIVERY_SECONDS,
    )

    # A newcomer signs up, in a zone where it is 23:00, finishes the orientation
    # and finds the milestone in the notification centre at once; only its
    # e-mail waits for the morning.
    newcomer_reaches_acquainted_at_night(page, product)

    # One signal stops the web server, the worker and beat: nothing is left.
    running = processes_with(product.marker)
    assert any("celery" in command and " worker" in command for command in running.values())
    assert any("celery" in command and " beat" in command for command in running.values())
    assert any("runserver" in command for command in running.values())
    product.stop()
    time.sleep(1)
    assert processes_with(product.marker) == {}, "processes left after make run stopped"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{product.url}/healthz", timeout=2)


NEWCOMER = "night.owl@ministry.example"
NEWCOMER_PASSWORD = "a-long-and-memorable-passphrase"
REFLECTION = (
    "Listening first matters because a ministry that speaks before it understands the "
    "conversation risks sounding out of touch, so I will follow our own accounts first."
)


def zone_at_23_00(now: datetime.datetime) -> str:
    """A fixed-offset zone where `now` is between 23:00 and 23:59.

    23:00 is deep in quiet hours (20:00 to 08:00) and stays there for nine
    hours, however long the journey takes, whatever hour the suite runs at.
    The Etc/GMT zones have no daylight saving, so the offset is the one
    computed here; their sign is POSIX's, the reverse of ISO's (Etc/GMT-9
    is UTC+9). Offsets run from -12 to +14, so one always fits.
    """
    offset = (23 - now.astimezone(datetime.UTC).hour) % 24
    if offset > 14:
        offset -= 24
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def orientation_activities(product: Product) -> list[dict]:
    return json.loads(
        product.read(
            "import json; from curriculum.models import Activity; print(json.dumps([{"
            "'title': a.title, 'kind': a.kind, 'questions': a.questions, "
            "'min_words': a.min_words} for a in Activity.objects.live().filter("
            "module__stage__slug='orientation').order_by('module__order', 'order')]))"
        )
    )


def newcomer_reaches_acquainted_at_night(page, product: Product) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Night Owl")
    page.get_by_label("Email").fill(NEWCOMER)
    page.get_by_label(re.compile(r"^Password:?$")).fill(NEWCOMER_PASSWORD)
    page.get_by_label("Password (again)").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    # Verification is mandatory; the e-mail prints to the command's output.
    link = product.wait_for_log(
        rf"To: {re.escape(NEWCOMER)}[\s\S]*?({re.escape(product.url)}/accounts/confirm-email/\S+/)",
        DELIVERY_SECONDS,
    ).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Log out").wait_for()

    zone = zone_at_23_00(datetime.datetime.now(datetime.UTC))
    page.goto("/profile/")
    page.get_by_label("Time zone").select_option(zone)
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile is saved.").wait_for()

    page.goto("/")
    page.get_by_role("button", name="Start the programme").click()
    activities = orientation_activities(product)
    for index, activity in enumerate(activities):
        page.get_by_role("heading", name=activity["title"], exact=True).wait_for()
        if activity["kind"] == "reading":
            page.get_by_role("button", name="Mark as read").click()
            page.get_by_text("Marked as read.").wait_for()
        elif activity["kind"] == "quiz":
            for number, question in enumerate(activity["questions"]):
                group = page.get_by_role("group").nth(number)
                for choice in question["choices"]:
                    if choice["correct"]:
                        group.get_by_label(choice["text"], exact=True).check()
            page.get_by_role("button", name="Check my answers").click()
            page.get_by_text("You passed").wait_for()
            page.get_by_role("link", name="Continue the programme").click()
            continue
        elif activity["kind"] == "reflection":
            words = (REFLECTION.split() * 5)[: activity["min_words"] + 5]
            page.get_by_label("Your reflection").fill(" ".join(words))
            page.get_by_role("button", name="Save my reflection").click()
            page.get_by_text("Your reflection is saved.").wait_for()
        else:
            pytest.fail(f"orientation has an unexpected {activity['kind']} activity")
        if index + 1 < len(activities):
            page.get_by_role("link", name=f"Next: {activities[index + 1]['title']}").click()

    # The worker delivers it as the completion commits: no planner, no morning.
    page.goto("/notifications/")
    milestone = page.get_by_role("heading", name="You reached Acquainted")
    deadline = time.monotonic() + 30
    while not milestone.count():
        assert time.monotonic() < deadline, "the milestone notification did not show at once"
        time.sleep(1)
        page.reload()
    assert "No notifications yet" not in page.content()
    page.get_by_text("e-mail to follow at 08:00, after your quiet hours").first.wait_for()
    screenshot(page, "make-run-milestone-at-night")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "make-run-milestone-at-night-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    # Quiet hours: nothing but the confirmation was e-mailed to the newcomer.
    sent_to_newcomer = re.findall(rf"To: {re.escape(NEWCOMER)}", product.log())
    assert len(sent_to_newcomer) == 1, product.log()[-5000:]


@pytest.mark.django_db
@pytest.mark.parametrize("hour", [21, 3])
def test_the_demo_fills_the_notification_centres_at_night(programme, settings, hour):
    """Quiet hours hold e-mail back; the demo learners' reminders are in the app."""
    settings.DEBUG = True  # seed_demo refuses to run without it
    with time_machine.travel(at(2026, 6, 17, hour), tick=False):
        call_command("seed_demo", stdout=io.StringIO())

    delivered = set(
        Nudge.objects.filter(status=Nudge.Status.SENT).values_list("recipient__email", "rule")
    )
    assert (demo_email("dara"), Nudge.Rule.OVERDUE) in delivered
    assert (demo_email("chen"), Nudge.Rule.BEHIND) in delivered
