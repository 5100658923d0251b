"""What people write comes back inert: escaped in every page and HTML e-mail,
never a link unless it is http(s), and never a formula in the CSV export.

Each payload goes in through the forms people use (sign-up, profile, the
activity forms, cohort and learner import, review, pause); then every page,
e-mail and export that shows it is rendered once and checked twice: the raw
payload is absent and the escaped value present, and an HTML parser finds
nothing a browser would run (a script, an event handler, a javascript: URL,
a frame).
"""

import csv
import datetime
import io
import json
import re
import uuid
import zoneinfo
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from curriculum.models import Activity
from progress import services
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    FollowingCheckin,
    Invitation,
    ListeningEntry,
    Pause,
    Reflection,
    Submission,
)
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from progress.selectors import learner_progress
from reports.views import FORMULA_STARTS, learner_csv_columns
from tests.factories import enrol
from tests.helpers import review_post

pytestmark = pytest.mark.django_db

Kind = Activity.Kind
PASSWORD = "a-long-and-memorable-passphrase"

# The corpus, by name: each one escapes a different context if it is not escaped.
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "attribute-breakout": '"><svg onload=alert(1)>',
    "javascript-url": "javascript:alert(1)",
    "javascript-anchor": '<a href="javascript:alert(1)">x</a>',
    "textarea-breakout": "</textarea><script>alert(1)</script>",
    "template-expression": "{{7*7}}",
    "iframe": "<iframe src=//example.com>",
    "xss-locator": "'';!--\"<XSS>=&{()}",
    "single-quote-handler": "' onmouseover='alert(1)",
    "template-tag": "{% debug %}",
}
EACH_PAYLOAD = pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
# Cells a spreadsheet would run as formulas (OWASP "CSV injection").
FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(1+1)"]
# Links the practice form must refuse: they would run script, or are not http(s).
BAD_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.com/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    '<a href="javascript:alert(1)">x</a>',
]


# Finding what a browser would run


class _ActiveMarkup(HTMLParser):
    """Collects markup that runs script or loads a frame; the site has none of its own."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
    ACTIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "xss"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (name in self.URL_ATTRIBUTES and _runs_script(value)):
                self.found.append(f"<{tag} {name}={value!r}>")


def _runs_script(url: str | None) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    squeezed = re.sub(r"[\x00-\x20]", "", url or "").lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


def active_markup(html: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(html: str, payload: str, where: str, *, shown: bool = True) -> None:
    """Nothing active in `html`; the payload, where it is `shown`, only escaped."""
    escaped = escape(payload)
    if escaped != payload:
        assert payload not in html, f"{where}: the payload comes back unescaped"
    assert active_markup(html) == [], f"{where}: active markup {active_markup(html)}"
    if shown:
        assert escaped in html, f"{where}: the value is not shown, escaped"


def html_part(message) -> str:
    parts = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(parts) == 1, f"one HTML part expected in {message.subject!r}"
    return parts[0]


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# Template syntax is plain text to a browser: the check has nothing to find there.
@pytest.mark.parametrize(
    "payload",
    [pytest.param(payload, id=name) for name, payload in PAYLOADS.items() if payload[0] != "{"],
)
def test_the_check_finds_each_payload_on_a_page_that_forgets_to_escape(payload):
    careless = (
        f"<p>{payload}</p><a href=\"{payload}\">x</a><input value='{payload}'>"
        f"<textarea>{payload}</textarea>"
    )

    assert active_markup(careless), "the payload would run, and the check must say so"


# World


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def daytime_zone() -> str:
    """A time zone where it is working hours now, so e-mails are not held for the night."""
    now = timezone.now()
    for offset in range(-10, 14, 3):
        name = f"Etc/GMT{-offset:+d}" if offset else "UTC"
        if 10 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 18:
            return name
    raise AssertionError(f"no zone is in working hours at {now:%H:%M} UTC")


def words(count: int) -> str:
    return " ".join(f"word{n}" for n in range(count))


def open_stages(enrolment: Enrolment) -> None:
    """Orientation, Collaborate and the first Curate module done: every kind has an open page."""
    done = Activity.objects.live().filter(
        module__stage__slug__in=["orientation", "collaborate"]
    ) | Activity.objects.live().filter(
        module__stage__slug="curate", module__slug="listening-foundations"
    )
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now) for activity in done
    )


def open_activity(enrolment: Enrolment, kind: str) -> Activity:
    """The first open activity of this kind that the learner has not done."""
    item = next(
        item
        for stage in learner_progress(enrolment).stages
        if stage.unlocked
        for module in stage.modules
        for item in module.activities
        if item.activity.kind == kind and not item.completed
    )
    return Activity.objects.select_related("module__stage").get(pk=item.activity.pk)


def csv_upload(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["email", "display name", "language"], *rows])
    return SimpleUploadedFile("learners.csv", buffer.getvalue().encode(), "text/csv")


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode().removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def confirmation_link(mailoutbox, email: str) -> str:
    message = next(m for m in reversed(mailoutbox) if m.to == [email])
    return re.search(r"(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def sign_up(client: Client, email: str, display_name: str, mailoutbox) -> Client:
    """Signs up through the form and confirms the address by its link, as a person does."""
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": display_name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.post(confirmation_link(mailoutbox, email)).status_code == 302
    return client


def deliver_nudges() -> None:
    now = timezone.now()
    nudges_plan(now=now)
    nudges_deliver(now=now)


@pytest.fixture
def enrolment(cohort, trainee) -> Enrolment:
    # The shared cohort starts today, so enrolling plans a welcome message.
    enrolment = enrol(cohort, trainee)
    open_stages(enrolment)
    return enrolment


# What a learner writes


@EACH_PAYLOAD
def test_what_a_learner_writes_is_inert_in_every_page_email_and_export(
    payload, enrolment, cohort, trainee, trainer, org_admin, organisation, mailoutbox
):
    learner, coach, admin = signed_in(trainee), signed_in(trainer), signed_in(org_admin)
    zone = daytime_zone()
    listening = open_activity(enrolment, Kind.LISTENING_LOG)
    reflection = open_activity(enrolment, Kind.REFLECTION)
    checkin = open_activity(enrolment, Kind.CHECKIN)
    practice = open_activity(enrolment, Kind.PRACTICE)
    profile = {"display_name": payload, "time_zone": zone, "language": "en"}

    # Everything goes in through the forms.
    posts = [
        (learner, reverse("accounts:profile"), profile),
        (coach, reverse("accounts:profile"), profile),
        (learner, listening.get_absolute_url(), {"followed": payload, "learned": payload}),
        (
            learner,
            reflection.get_absolute_url(),
            {"text": f"{payload} {words(reflection.min_words)}"},
        ),
        (learner, checkin.get_absolute_url(), {"followers": "120", "account": payload}),
        (learner, practice.get_absolute_url(), {"text": payload, "link": ""}),
    ]
    for client, url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    trainee.refresh_from_db()
    assert trainee.display_name == payload, "stored as written: escaping is the page's job"
    assert ListeningEntry.objects.get(enrolment=enrolment).learned == payload
    assert Reflection.objects.get(enrolment=enrolment).text.startswith(payload)
    assert FollowingCheckin.objects.get(enrolment=enrolment).account == payload
    submission = Submission.objects.get(enrolment=enrolment)
    assert submission.text == payload

    # The review queue and page while the work waits.
    review_url = reverse("progress:review", args=[submission.pk])
    assert_inert(page(coach, reverse("progress:reviews")), payload, "review queue")
    assert_inert(page(coach, review_url), payload, "review page, waiting")
    response = coach.post(
        review_url, review_post(submission.activity, "return", payload), follow=True
    )
    assert_inert(response.content.decode(), payload, "review queue with the message")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.feedback == payload

    deliver_nudges()
    response = learner.post(reverse("progress:pause"), {"reason": payload}, follow=True)
    assert Pause.objects.get(enrolment=enrolment).reason == payload
    assert_inert(response.content.decode(), payload, "dashboard after pausing")

    pages = [
        (learner, listening.get_absolute_url(), "listening log"),
        (learner, reflection.get_absolute_url(), "reflection page"),
        (learner, checkin.get_absolute_url(), "check-in page"),
        (learner, practice.get_absolute_url(), "practice page with feedback"),
        (learner, reverse("progress:notifications"), "notifications"),
        (learner, reverse("accounts:profile"), "profile"),
        (coach, reverse("progress:cohort", args=[cohort.pk]), "cohort page"),
        (coach, reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk]), "learner"),
        (coach, review_url, "review page, reviewed"),
        (coach, reverse("reports:report"), "report"),
        (admin, reverse("accounts:people", args=[organisation.slug]), "people page"),
        (admin, reverse("accounts:audit", args=[organisation.slug]), "audit log"),
    ]
    for client, url, where in pages:
        assert_inert(page(client, url), payload, where)

    welcome = [m for m in mailoutbox if m.to == [trainee.email]]
    assert welcome, "the welcome message was e-mailed"
    assert_inert(html_part(welcome[0]), payload, "welcome e-mail, HTML")
    assert payload in welcome[0].body, "the text part shows the name as written"

    (row,) = csv_rows(coach.get(reverse("reports:report_csv")))
    assert row["display_name"] == payload

    export = learner.get(reverse("progress:data_export"))
    assert export["Content-Type"] == "application/json"
    assert json.loads(export.content)["account"]["display_name"] == payload


# What a trainer writes, and what arrives by import and invitation


@EACH_PAYLOAD
def test_cohort_names_imported_names_and_sign_up_names_are_inert_in_pages_and_emails(
    payload,
    trainer,
    org_admin,
    organisation,
    programme,
    mailoutbox,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    coach, admin = signed_in(trainer), signed_in(org_admin)
    zone = daytime_zone()
    coach.post(
        reverse("accounts:profile"), {"display_name": payload, "time_zone": zone, "language": "en"}
    )

    response = coach.post(
        reverse("progress:cohort_create"),
        {
            "name": payload,
            "organisation": organisation.pk,
            "starts_on": timezone.now().date().isoformat(),
            "length_days": "365",
            "trainers": [trainer.pk],
        },
        follow=True,
    )
    cohort = Cohort.objects.get()
    assert cohort.name == payload
    assert_inert(response.content.decode(), payload, "add-learners page after creating")
    add_url = reverse("progress:cohort_add_learners", args=[cohort.pk])

    # Refused lists show their bad rows, escaped.
    response = coach.post(add_url, {"emails": payload})
    assert response.status_code == 400
    assert_inert(response.content.decode(), payload, "pasted list problems", shown=False)
    response = coach.post(add_url, {"csv_file": csv_upload([[payload, "Name", "en"]])})
    assert response.status_code == 400
    assert_inert(response.content.decode(), payload, "CSV problems", shown=False)
    assert not Invitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = coach.post(
            add_url, {"csv_file": csv_upload([["newcomer@mfa.example", payload, "en"]])}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    invitation = Invitation.objects.get()
    assert invitation.display_name == payload, "the CSV cell arrives whole"

    (message,) = mailoutbox
    invitation_html = html_part(message)
    assert_inert(invitation_html, payload, "invitation e-mail, HTML")
    assert invitation_html.count(escape(payload)) >= 3, "learner, trainer and cohort names"
    link = re.search(r"/invitations/[^/\s]+/", message.body).group(0)
    assert_inert(page(Client(), link), payload, "invitation page")

    # The newcomer signs up, naming themselves the same way, and lands in the cohort.
    newcomer = Client()
    response = newcomer.post(
        reverse("account_signup"),
        {"display_name": payload, "email": "not-an-address", "password1": PASSWORD},
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), payload, "sign-up form shown again")
    sign_up(newcomer, "newcomer@mfa.example", payload, mailoutbox)
    user = User.objects.get(email="newcomer@mfa.example")
    assert user.display_name == payload
    enrolment = Enrolment.objects.get(user=user, cohort=cohort)
    assert_inert(page(newcomer, reverse("progress:dashboard")), payload, "newcomer dashboard")
    open_stages(enrolment)
    practice = open_activity(enrolment, Kind.PRACTICE)
    newcomer.post(practice.get_absolute_url(), {"text": "My digest", "link": ""})
    submission = Submission.objects.get(enrolment=enrolment)

    deliver_nudges()
    digest = [m for m in mailoutbox if m.to == [trainer.email]]
    assert digest, "the weekly digest was e-mailed"
    assert_inert(html_part(digest[0]), payload, "trainer digest, HTML")
    assert payload in digest[0].body, "the text part shows the cohort name as written"

    # The report's filters and the cohort page's options are echoed back: escaped too.
    reflected = "?" + urlencode(
        dict.fromkeys(["cohort", "started_from", "status", "pace", "state", "page"], payload)
    )
    report, cohort_page = reverse("reports:report"), reverse("progress:cohort", args=[cohort.pk])
    learner_page = reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk])
    pages = [
        (coach, reverse("progress:cohorts"), 200, "cohort list"),
        (coach, cohort_page, 200, "cohort page"),
        (coach, cohort_page + reflected + "&sort=x", 200, "cohort page, odd options"),
        (coach, reverse("progress:cohort_edit", args=[cohort.pk]), 200, "edit form"),
        (coach, reverse("progress:cohort_invitations", args=[cohort.pk]), 200, "invitations"),
        (coach, add_url, 200, "add-learners page"),
        (coach, learner_page, 200, "learner page"),
        (coach, reverse("progress:reviews"), 200, "review queue"),
        (coach, reverse("progress:review", args=[submission.pk]), 200, "review page"),
        (coach, report, 200, "report"),
        (coach, report + reflected, 400, "report, refused filters"),
        (admin, reverse("accounts:people", args=[organisation.slug]), 200, "people page"),
        (admin, reverse("accounts:audit", args=[organisation.slug]), 200, "audit log"),
    ]
    for client, url, status, where in pages:
        assert_inert(page(client, url, status), payload, where)

    rows = csv_rows(coach.get(reverse("reports:report_csv")))
    assert [(row["display_name"], row["cohort"]) for row in rows] == [(payload, payload)]


# Links


@pytest.fixture
def self_paced_learner(self_paced, programme) -> tuple[Client, Activity]:
    enrolment = services.enrolment_create(user=self_paced, programme=programme)
    open_stages(enrolment)
    return signed_in(self_paced), open_activity(enrolment, Kind.PRACTICE)


@pytest.mark.parametrize("link", BAD_LINKS)
def test_practice_link_that_is_not_http_is_refused_and_never_rendered_as_a_link(
    link, self_paced_learner
):
    client, practice = self_paced_learner

    response = client.post(practice.get_absolute_url(), {"text": "My work", "link": link})

    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()
    assert active_markup(response.content.decode()) == []
    assert not Submission.objects.exists()


def test_http_link_carrying_markup_is_kept_inside_its_href(self_paced_learner):
    client, practice = self_paced_learner
    link = 'https://example.com/"><svg/onload=alert(1)>'

    response = client.post(practice.get_absolute_url(), {"text": "", "link": link})

    assert response.status_code == 302
    html = page(client, practice.get_absolute_url())
    assert_inert(html, link, "practice page")
    assert f'href="{escape(link)}"' in html


# The CSV export


def test_csv_export_quotes_every_cell_a_spreadsheet_would_run(
    trainer, organisation, programme, mailoutbox
):
    coach = signed_in(trainer)
    coach.post(
        reverse("progress:cohort_create"),
        {
            "name": "=1+1",
            "organisation": organisation.pk,
            "starts_on": timezone.now().date().isoformat(),
            "length_days": "365",
            "trainers": [trainer.pk],
        },
    )
    cohort = Cohort.objects.get()
    # Addresses can start like a formula too; these sign up through the form.
    emails = ["=1+1@mfa.example", "+1@mfa.example", "-1@mfa.example"]
    for number, name in enumerate(FORMULAS):
        email = emails[number] if number < len(emails) else f"learner{number}@mfa.example"
        sign_up(Client(), email, name, mailoutbox)
    response = coach.post(
        reverse("progress:cohort_add_learners", args=[cohort.pk]),
        {"emails": "\n".join(User.objects.exclude(pk=trainer.pk).values_list("email", flat=True))},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # They have accounts of their own already, so each accepts their invitation.
    for invitation in cohort.invitations.all():
        services.invitation_accept(
            invitation=invitation, user=User.objects.get(email__iexact=invitation.email)
        )

    rows = csv_rows(coach.get(reverse("reports:report_csv")))

    assert sorted(row["display_name"] for row in rows) == sorted(f"'{name}" for name in FORMULAS)
    assert {row["cohort"] for row in rows} == {"'=1+1"}
    assert {f"'{email}" for email in emails} <= {row["email"] for row in rows}
    for row in rows:
        for column in learner_csv_columns():
            assert not row[column].startswith(FORMULA_STARTS), (column, row[column])


def test_csv_export_keeps_markup_as_plain_text_in_its_cell(trainer, cohort, trainee):
    services.enrolment_create(
        user=trainee, programme=cohort.programme, cohort=cohort, started_at=cohort.starts_at
    )
    signed_in(trainee).post(
        reverse("accounts:profile"),
        {"display_name": '<b>"Envoy", =1</b>', "time_zone": "UTC", "language": "en"},
    )

    (row,) = csv_rows(signed_in(trainer).get(reverse("reports:report_csv")))

    assert row["display_name"] == '<b>"Envoy", =1</b>'


# E-mail text parts


def test_invitation_text_part_shows_names_as_written(
    trainer, cohort, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    coach = signed_in(trainer)
    name = 'Ana O\'Neil & "Bo"'
    with django_capture_on_commit_callbacks(execute=True):
        coach.post(
            reverse("progress:cohort_add_learners", args=[cohort.pk]),
            {"csv_file": csv_upload([["ana@mfa.example", name, "en"]])},
        )

    (message,) = mailoutbox
    assert f"Hello {name}," in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body


def test_a_learner_name_never_reaches_a_page_unescaped_even_when_set_directly(
    trainer, cohort, trainee
):
    # Data that did not come through a form (the admin, an import script) is escaped too.
    trainee.display_name = PAYLOADS["script"]
    trainee.save()
    enrolment = services.enrolment_create(
        user=trainee, programme=cohort.programme, cohort=cohort, started_at=cohort.starts_at
    )
    coach = signed_in(trainer)
    for url in (
        reverse("progress:cohort", args=[cohort.pk]),
        reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk]),
    ):
        assert_inert(page(coach, url), PAYLOADS["script"], url)


# What a learner writes on the practice sandbox

# The sandbox's one script, vendored htmx: the check looks past it, and only it.
HTMX = re.compile(r'<script src="[^"<>]*/sandbox/vendor/htmx-[0-9.]+\.min\.js" defer></script>')


def sandbox_page(client: Client, url: str) -> str:
    html = page(client, url)
    assert len(HTMX.findall(html)) <= 1
    return HTMX.sub("", html)


@EACH_PAYLOAD
def test_a_sandbox_post_with_hashtags_mentions_and_addresses_is_inert(
    payload, enrolment, cohort, trainee, trainer
):
    from sandbox import services as sandbox_services
    from tests.sandbox.clock import ScenarioClock
    from tests.sandbox.helpers import scenarios_loaded

    clock = ScenarioClock()
    scenario = scenarios_loaded()["consular-earthquake"]
    run = sandbox_services.run_start(
        learner=trainee, scenario=scenario, enrolment=enrolment, now=clock.at(0)
    )
    learner, coach = signed_in(trainee), signed_in(trainer)
    act = reverse("sandbox:act", args=[run.pk])
    clock.at(5)
    try:
        # The payload as text, beside a hashtag and a mention, and inside the
        # address of a link card (its path, then its host).
        text = f"#Selva{payload} @ana_travels_sim {payload} https://x.example/{payload}"
        for data in (
            {"form": "compose", "when": "post", "text": text},
            {"form": "compose", "when": "post", "text": f"@{payload} https://{payload}"},
            {"form": "message", "target": "@ana_travels_sim", "text": payload},
            {"form": "compose", "when": "clearance", "text": payload},
        ):
            response = learner.post(act, {"token": uuid.uuid4().hex, **data})
            assert response.status_code == 302, response.content.decode()[:2000]
        run.refresh_from_db()
        assert run.log[0]["text"] == text, "stored as written: escaping is the page's job"

        run_url = reverse("sandbox:run", args=[run.pk])
        pages = [
            (learner, run_url, "the run page"),
            (learner, reverse("sandbox:feed", args=[run.pk]), "the feed swapped in"),
            (coach, run_url, "the run page, watched by the trainer"),
            (coach, f"{run_url}?at=5", "the replay"),
        ]
        for client, url, where in pages:
            assert_inert(sandbox_page(client, url), payload, where)
        feed = page(learner, run_url)
        assert '<span class="sim-hashtag">#Selva' in feed
        assert 'href="#account-ana_travels_sim"' in feed and "sim-card" in feed

        learner.post(reverse("sandbox:submit", args=[run.pk]))
        debrief = sandbox_page(learner, reverse("sandbox:debrief", args=[run.pk]))
        assert_inert(debrief, payload, "debrief")
    finally:
        clock.stop()


@EACH_PAYLOAD
def test_what_a_learner_and_a_trainer_write_in_the_sandbox_is_inert_on_every_page(
    payload, enrolment, cohort, trainee, trainer
):
    """Posts, replies, threads, messages, drafts and the trainer's clearance note
    come back escaped on the run page, its feed, the trainer's live page, board
    and replay, and the debrief."""
    from sandbox.models import LiveRun, Run
    from tests.sandbox.clock import START
    from tests.sandbox.helpers import scenarios_loaded

    learner, coach = signed_in(trainee), signed_in(trainer)
    scenario = scenarios_loaded()["consular-earthquake"]
    with time_machine.travel(START, tick=False):
        started = coach.post(
            reverse("sandbox:cohort_live", args=[cohort.pk]),
            {"scenario": scenario.pk, "starts_at": "2026-03-02T09:00", "trainer_clears": "on"},
        )
        assert started.status_code == 302
    live = LiveRun.objects.get()
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):  # minute 10
        learner.post(reverse("sandbox:live_join", args=[live.pk]))
        run = Run.objects.get(live=live)
        act = reverse("sandbox:act", args=[run.pk])
        for number, data in enumerate(
            [
                {"form": "compose", "when": "post", "text": payload},
                {"form": "compose", "when": "post", "text": payload, "target": "ana-question"}
                | {"reply_kind": "reply"},
                {"form": "thread", "part_1": payload, "part_2": payload},
                {"form": "message", "target": "@ana_travels_sim", "text": payload},
                {"form": "compose", "when": "clearance", "text": payload},
            ]
        ):
            response = learner.post(act, {"token": f"xss-{number}", **data})
            assert response.status_code == 302, response.content.decode()[:2000]
        draft = f"draft-{len(Run.objects.get(pk=run.pk).log)}"
        cleared = coach.post(
            reverse("sandbox:clearance", args=[run.pk]),
            {"token": "clear", "target": draft, "decision": "return", "comment": payload},
        )
        assert cleared.status_code == 302
        run.refresh_from_db()
        assert [entry["kind"] for entry in run.log][-1] == "clearance_answer"
        assert run.log[0]["text"] == payload, "stored as written: escaping is the page's job"

        pages = [
            (learner, reverse("sandbox:run", args=[run.pk]), "run page"),
            (learner, reverse("sandbox:feed", args=[run.pk]), "feed"),
            (coach, reverse("sandbox:live", args=[live.pk]), "live page"),
            (coach, reverse("sandbox:live_board", args=[live.pk]), "board"),
            (coach, reverse("sandbox:run", args=[run.pk]) + "?at=9.99", "replay"),
        ]
        for client, url, where in pages:
            html = without_sandbox_scripts(page(client, url))
            assert_inert(html, payload, where, shown=where != "replay")
        learner.post(reverse("sandbox:submit", args=[run.pk]))
        debrief = page(learner, reverse("sandbox:debrief", args=[run.pk]))
        assert_inert(without_sandbox_scripts(debrief), payload, "debrief")


def without_sandbox_scripts(html: str) -> str:
    """The sandbox's pages load the vendored htmx, the one script the site has."""
    own = re.compile(r'<script src="/static/sandbox/vendor/htmx-[0-9.]+\.min\.js" defer></script>')
    assert len(own.findall(html)) <= 1
    return own.sub("", html)
