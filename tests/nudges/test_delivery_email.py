"""The nudge e-mail itself, its headers, and one-click unsubscribe from the
message as sent."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from progress.models import Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from tests.nudges.conftest import DAY, HOUR, NOW, learner, nudge_for, overdue

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
SECOND = HOUR / 3600


def header(message, name: str) -> str:
    return message.message()[name]


def unsubscribe_path(message) -> str:
    url = header(message, "List-Unsubscribe").strip("<>")
    return urlsplit(url).path


# The e-mail


def test_the_email_has_a_text_and_an_html_part(programme, mailoutbox):
    overdue(learner("ada@mfa.example", display_name="Ada Lovelace"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    message = mailoutbox[0]
    mime = message.message()
    assert mime.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mime.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    html = message.alternatives[0][0]
    assert "The milestone Acquainted has passed its due date" in message.body
    assert "The milestone Acquainted has passed its due date" in html
    assert f"http://127.0.0.1:8000{reverse('progress:continue')}" in message.body
    unsubscribe = header(message, "List-Unsubscribe").strip("<>")
    assert unsubscribe in message.body
    assert unsubscribe in html


def test_the_email_carries_one_click_unsubscribe_headers(programme, mailoutbox):
    overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    message = mailoutbox[0]
    unsubscribe = header(message, "List-Unsubscribe")
    assert unsubscribe.startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert header(message, "Auto-Submitted") == "auto-generated"


def test_each_nudge_has_its_own_message_id_and_keeps_it_when_sent_again(programme, mailoutbox):
    first = overdue(learner("ada@mfa.example"), programme)
    second = overdue(learner("grace@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    ids = {message.to[0]: header(message, "Message-ID") for message in mailoutbox}
    assert ids == {
        "ada@mfa.example": f"<nudge-{nudge_for(first).pk}@127.0.0.1>",
        "grace@mfa.example": f"<nudge-{nudge_for(second).pk}@127.0.0.1>",
    }

    # A worker that died after the mail server took the message, before it
    # marked the row: the row comes back and goes out again, as the same message.
    Nudge.objects.filter(pk=nudge_for(first).pk).update(status=Status.PENDING)
    nudges_deliver(now=NOW + DAY)

    assert header(mailoutbox[-1], "Message-ID") == ids["ada@mfa.example"]


# One-click unsubscribe, from the message as sent


def test_one_click_unsubscribe_from_the_headers_turns_that_kind_to_in_app(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    path = unsubscribe_path(mailoutbox[0])

    # A mail client posts this with no session and no CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    enrolment.user.refresh_from_db()
    assert enrolment.user.nudge_preferences == {Rule.OVERDUE: "in_app"}


def test_after_unsubscribing_that_kind_arrives_in_app_and_others_still_by_email(
    programme, mailoutbox
):
    ada = learner("ada@mfa.example")
    first = overdue(ada, programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    Client().post(unsubscribe_path(mailoutbox[0]), {"List-Unsubscribe": "One-Click"})
    # The next overdue milestone, and a different kind, two days later.
    Nudge.objects.create(
        recipient=ada,
        rule=Rule.OVERDUE,
        subject=f"enrolment:{first.pk}",
        period="e_listener",
        enrolment=first,
        milestone="e_listener",
        not_before=NOW + 2 * DAY,
        created_at=NOW + 2 * DAY,
    )
    Nudge.objects.create(
        recipient=ada,
        rule=Rule.REVIEWED,
        subject="submission:1",
        period="accepted",
        not_before=NOW + 3 * DAY,
        created_at=NOW + 3 * DAY,
    )

    assert nudges_deliver(now=NOW + 2 * DAY) == {"in_app": 1}
    assert nudges_deliver(now=NOW + 3 * DAY) == {"emailed": 1}
    assert [message.subject for message in mailoutbox] == [
        "Acquainted is overdue",
        "Your practice work was reviewed",
    ]


def test_opening_the_unsubscribe_link_changes_nothing(programme, mailoutbox):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    response = Client().get(unsubscribe_path(mailoutbox[0]))

    assert response.status_code == 200
    assert "Stop these e-mails?" in response.content.decode()
    enrolment.user.refresh_from_db()
    assert enrolment.user.nudge_preferences == {}
