"""The notification centre, reminder preferences and the unsubscribe page:
who may see what, marking as read, and unsubscribing without logging in."""

import re

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progress.models import Nudge
from progress.nudges.delivery import unsubscribe_token
from progress.views.notifications import LEARNER_RULES, LEARNING_RULES
from tests.nudges.conftest import HOUR, NOW, enrol, learner

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
NOTIFICATIONS = reverse("progress:notifications")
PREFERENCES = reverse("progress:preferences")


def sent(
    user,
    rule=Rule.WELCOME,
    *,
    number: int = 0,
    read: bool = False,
    status: str = Status.SENT,
    **fields,
) -> Nudge:
    """A nudge delivered to `user` (unless `status` says otherwise), `number` hours after NOW."""
    at = NOW + number * HOUR
    return Nudge.objects.create(
        recipient=user,
        rule=rule,
        subject=f"test:{number}",
        period=fields.pop("period", "once"),
        status=status,
        not_before=at,
        created_at=at,
        sent_at=at if status == Status.SENT else None,
        read_at=at if read else None,
        **fields,
    )


def unread_badge(response) -> str | None:
    match = re.search(
        r'<span class="badge">(\d+)<span class="visually-hidden"> unread</span>',
        response.content.decode(),
    )
    return match and match.group(1)


def unsubscribe_url(user, rule=Rule.OVERDUE) -> str:
    return reverse("progress:unsubscribe", args=[unsubscribe_token(user.pk, rule)])


@pytest.fixture
def ada(db):
    return learner("ada@mfa.example")


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client


# Access


@pytest.mark.parametrize("url", [NOTIFICATIONS, PREFERENCES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_notifications_and_preferences_need_a_login(client, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_learner_sees_only_their_own_delivered_notifications(ada_client, ada):
    sent(ada, Rule.WELCOME, number=1)
    sent(ada, Rule.MILESTONE_ACHIEVED, number=2, milestone="acquainted", period="acquainted")
    sent(ada, Rule.INACTIVE, number=3, status=Status.PENDING)
    sent(ada, Rule.OVERDUE, number=4, status=Status.SKIPPED, milestone="acquainted")
    sent(learner("grace@mfa.example"), Rule.REVIEWED, number=5)

    response = ada_client.get(NOTIFICATIONS)

    assert response.status_code == 200
    subjects = [item["content"]["subject"] for item in response.context["items"]]
    assert subjects == ["You reached Acquainted", "Welcome to the programme"]  # newest first
    html = response.content.decode()
    assert "Your practice work was reviewed" not in html
    assert "Your programme is waiting for you" not in html


def test_the_navigation_counts_unread_notifications(ada_client, ada):
    sent(ada, number=1)
    sent(ada, Rule.INACTIVE, number=2)
    sent(ada, Rule.REVIEWED, number=3, read=True)
    sent(learner("grace@mfa.example"), number=4)

    assert unread_badge(ada_client.get(NOTIFICATIONS)) == "2"
    assert unread_badge(ada_client.get(PREFERENCES)) == "2"


def test_no_badge_without_unread_notifications(ada_client, ada):
    sent(ada, read=True)

    response = ada_client.get(NOTIFICATIONS)

    assert unread_badge(response) is None
    assert "Mark all as read" not in response.content.decode()


def test_marking_one_notification_as_read(ada_client, ada):
    first = sent(ada, number=1)
    second = sent(ada, Rule.INACTIVE, number=2)

    response = ada_client.post(NOTIFICATIONS, {"nudge": first.pk})

    assert response.status_code == 302
    assert response.url == NOTIFICATIONS
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert unread_badge(ada_client.get(NOTIFICATIONS)) == "1"


def test_marking_all_as_read(ada_client, ada):
    for number in range(3):
        sent(ada, Rule.WELCOME, number=number, period=f"p{number}")

    ada_client.post(NOTIFICATIONS)

    assert not Nudge.objects.filter(recipient=ada, read_at__isnull=True).exists()
    assert unread_badge(ada_client.get(NOTIFICATIONS)) is None


def test_marking_all_as_read_leaves_other_peoples_notifications_unread(ada_client, ada):
    grace = sent(learner("grace@mfa.example"))

    ada_client.post(NOTIFICATIONS)

    grace.refresh_from_db()
    assert grace.read_at is None


@pytest.mark.parametrize("value", ["other", "not-a-number", "-1"])
def test_a_learner_cannot_mark_someone_elses_notification(ada_client, ada, value):
    mine = sent(ada)
    theirs = sent(learner("grace@mfa.example"))

    response = ada_client.post(NOTIFICATIONS, {"nudge": theirs.pk if value == "other" else value})

    assert response.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.read_at, mine.read_at) == (None, None)


def test_notifications_are_paged_twenty_at_a_time(ada_client, ada):
    for number in range(25):
        sent(ada, number=number, period=f"p{number}")

    first = ada_client.get(NOTIFICATIONS)
    second = ada_client.get(NOTIFICATIONS, {"page": 2})

    assert len(first.context["items"]) == 20
    assert len(second.context["items"]) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_a_digest_and_a_summary_show_the_lines_they_were_sent_with(ada_client, ada):
    sent(ada, Rule.TRAINER_DIGEST, number=1, digest=["Winter: 12 learners; 2 at risk."])
    sent(ada, Rule.ORG_SUMMARY, number=2, digest=["Ministry: 40 current learners."])

    html = ada_client.get(NOTIFICATIONS).content.decode()

    assert "Your cohorts this week" in html
    assert "Winter: 12 learners; 2 at risk." in html
    assert "Ministry: 40 current learners." in html


def test_no_notifications_yet(ada_client):
    response = ada_client.get(NOTIFICATIONS)

    assert "No notifications yet." in response.content.decode()


# Query budget


KINDS = [
    (Rule.WELCOME, ""),
    (Rule.MILESTONE_ACHIEVED, "acquainted"),
    (Rule.OVERDUE, "acquainted"),
    (Rule.BEHIND, "acquainted"),
    (Rule.INACTIVE, ""),
    (Rule.REVIEWED, ""),
    (Rule.DUE_SOON, "acquainted"),
]


def _notifications(user, programme, count: int, kinds=KINDS) -> None:
    enrolment = enrol(user, programme, started=HOUR)
    for number in range(count):
        rule, milestone = kinds[number % len(kinds)]
        sent(
            user,
            rule,
            number=number,
            period=f"p{number}",
            enrolment=enrolment,
            milestone=milestone,
        )


def _page_queries(client, user) -> list[str]:
    client.force_login(user)
    client.get(NOTIFICATIONS)  # the session's first request notes when it was last seen
    with CaptureQueriesContext(connection) as queries:
        assert client.get(NOTIFICATIONS).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_notification_page_runs_the_same_queries_for_5_and_20_notifications(client, programme):
    # Every kind whose text needs no due date. 1 the session, 2 the user,
    # 3 the count for the pager, 4 the page of notifications with their
    # enrolments and submissions, 5 those enrolments' pauses (for due dates),
    # 6 the roles, 7 the unread count.
    few, many = learner("few@mfa.example"), learner("many@mfa.example")
    _notifications(few, programme, 5, KINDS[:-1])
    _notifications(many, programme, 20, KINDS[:-1])

    small = _page_queries(client, few)
    large = _page_queries(client, many)

    assert len(small) == len(large), "\n".join(large)
    assert len(large) <= 7, "\n".join(large)


def test_the_notification_page_runs_the_same_queries_whatever_the_kinds(client, programme):
    few, many = learner("few@mfa.example"), learner("many@mfa.example")
    _notifications(few, programme, 5, [(Rule.DUE_SOON, "acquainted")])
    _notifications(many, programme, 20, [(Rule.DUE_SOON, "acquainted")])

    small = _page_queries(client, few)
    large = _page_queries(client, many)

    assert len(small) == len(large), "\n".join(large)


# Preferences


def test_preferences_show_each_kind_with_its_current_channel(ada_client, ada):
    ada.nudge_preferences = {Rule.INACTIVE: "off", Rule.DUE_SOON: "in_app"}
    ada.save()

    html = ada_client.get(PREFERENCES).content.decode()

    checked = dict(re.findall(r'name="(\w+)" value="(\w+)" checked', html))
    assert checked == {
        **{rule.value: "email" for rule in LEARNING_RULES},
        Rule.DUE_SOON: "in_app",
        Rule.INACTIVE: "off",
    }
    assert "Two rules apply to e-mail only" in html
    assert "none between 20:00 and 08:00 in your time zone (UTC" in html


def test_saving_preferences_keeps_only_the_changes_from_email(ada_client, ada):
    response = ada_client.post(
        PREFERENCES,
        {Rule.INACTIVE: "off", Rule.DUE_SOON: "in_app", Rule.WELCOME: "email"},
    )

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.nudge_preferences == {Rule.INACTIVE: "off", Rule.DUE_SOON: "in_app"}


def test_the_daily_digest_is_offered_for_discussion_messages_only(ada_client, ada):
    html = ada_client.get(PREFERENCES).content.decode()

    digest_choices = set(re.findall(r'name="(\w+)" value="digest"', html))
    assert digest_choices == {
        Rule.DISCUSSION_REPLY,
        Rule.DISCUSSION_MENTION,
        Rule.TRAINER_REPLY,
        Rule.PEER_REVIEW_WAITING,
    }
    assert "in one e-mail, the next day at the hour you choose below" in html
    # The hours offered are those outside the quiet hours, 08:00 chosen.
    hours = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', html)
    assert [int(value) for value, _, _ in hours] == list(range(8, 20))
    assert [(label, bool(chosen)) for _, chosen, label in hours][:2] == [
        ("08:00", True),
        ("09:00", False),
    ]


def test_the_daily_digest_is_saved_for_a_discussion_kind_and_refused_for_others(ada_client, ada):
    ada_client.post(PREFERENCES, {Rule.DISCUSSION_REPLY: "digest", Rule.OVERDUE: "digest"})

    ada.refresh_from_db()
    # "digest" is no choice for a reminder: it falls back to the default.
    assert ada.nudge_preferences == {Rule.DISCUSSION_REPLY: "digest"}


def test_an_unknown_channel_falls_back_to_email(ada_client, ada):
    ada.nudge_preferences = {Rule.INACTIVE: "off"}
    ada.save()

    ada_client.post(PREFERENCES, {Rule.INACTIVE: "carrier-pigeon"})

    ada.refresh_from_db()
    assert ada.nudge_preferences == {}


def test_preferences_change_only_the_logged_in_user(ada_client, ada):
    grace = learner("grace@mfa.example", nudge_preferences={Rule.OVERDUE: "off"})

    ada_client.post(PREFERENCES, {Rule.OVERDUE: "in_app"})

    grace.refresh_from_db()
    assert grace.nudge_preferences == {Rule.OVERDUE: "off"}


# Unsubscribe


def test_opening_an_unsubscribe_link_asks_and_changes_nothing(ada):
    response = Client().get(unsubscribe_url(ada))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop these e-mails?" in html
    assert "Milestone overdue" in html
    assert "a•••@mfa.example" in html, "the address, masked"
    ada.refresh_from_db()
    assert ada.nudge_preferences == {}


def test_one_click_turns_that_kind_to_in_app_without_a_session_or_csrf_token(ada):
    ada.nudge_preferences = {Rule.INACTIVE: "off"}
    ada.save()

    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(ada), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    ada.refresh_from_db()
    assert ada.nudge_preferences == {Rule.INACTIVE: "off", Rule.OVERDUE: "in_app"}


def test_stop_all_turns_every_kind_to_in_app_and_keeps_what_was_off(ada):
    ada.nudge_preferences = {Rule.INACTIVE: "off"}
    ada.save()

    response = Client().post(unsubscribe_url(ada), {"scope": "all"})

    assert "You will get no more reminder e-mails" in response.content.decode()
    ada.refresh_from_db()
    assert ada.nudge_preferences == {
        rule.value: "off" if rule == Rule.INACTIVE else "in_app" for rule in LEARNER_RULES
    }


def test_unsubscribing_twice_is_harmless(ada):
    Client().post(unsubscribe_url(ada))
    response = Client().post(unsubscribe_url(ada))

    assert response.status_code == 200
    ada.refresh_from_db()
    assert ada.nudge_preferences == {Rule.OVERDUE: "in_app"}


def test_the_link_decides_whose_preferences_change_not_the_session(ada, ada_client):
    grace = learner("grace@mfa.example")

    ada_client.post(unsubscribe_url(grace))

    ada.refresh_from_db()
    grace.refresh_from_db()
    assert ada.nudge_preferences == {}
    assert grace.nudge_preferences == {Rule.OVERDUE: "in_app"}


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"u": 1, "r": "overdue"}, salt="another.salt"),
        signing.dumps({"u": 999999, "r": "overdue"}, salt="progress.nudge-unsubscribe"),
        signing.dumps({"u": 1, "r": "spam"}, salt="progress.nudge-unsubscribe"),
        signing.dumps({"r": "overdue"}, salt="progress.nudge-unsubscribe"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_broken_or_forged_link_changes_nothing(ada, token, method):
    response = getattr(Client(), method)(reverse("progress:unsubscribe", args=[token]))

    assert response.status_code == 404
    assert "This unsubscribe link does not work" in response.content.decode()
    ada.refresh_from_db()
    assert ada.nudge_preferences == {}


def test_a_tampered_link_changes_nothing(ada):
    grace = learner("grace@mfa.example")
    signature = unsubscribe_token(ada.pk, Rule.OVERDUE).split(":", 1)[1]
    forged = signing.b64_encode(f'{{"u":{grace.pk},"r":"overdue"}}'.encode()).decode()

    response = Client().post(reverse("progress:unsubscribe", args=[f"{forged}:{signature}"]))

    assert response.status_code == 404
    grace.refresh_from_db()
    assert grace.nudge_preferences == {}


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_unsubscribe_answers_only_get_and_post(ada, method):
    response = getattr(Client(), method)(unsubscribe_url(ada))

    assert response.status_code == 405
