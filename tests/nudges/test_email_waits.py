"""Quiet hours, the daily cap and unsubscribing are rules for e-mail: the
notification shows at once, at any hour in any zone, and only its e-mail waits
for the morning, or is dropped. The clock is pinned with time_machine to
chosen moments, daylight-saving days among them."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from progress.models import MilestoneAchievement, Nudge
from progress.nudges.delivery import CLAIM_TIMEOUT, claim, due_ids, nudges_deliver, release_stale
from progress.nudges.planner import nudges_plan
from tests.factories import MembershipFactory
from tests.nudges.conftest import DAY, HOUR, NOW, enrol, learner, nudge_for, overdue

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
Email = Nudge.Email
SECOND = HOUR / 3600
NOTIFICATIONS = reverse("progress:notifications")


def utc(*fields: int) -> datetime.datetime:
    return datetime.datetime(*fields, tzinfo=datetime.UTC)


# (zone, a moment in its quiet hours, 08:00 local on the morning after, in UTC)
NIGHTS = [
    pytest.param(
        "America/New_York",
        utc(2026, 3, 8, 6, 30),  # 01:30 EST; at 02:00 the clocks go forward
        utc(2026, 3, 8, 12, 0),  # 08:00 EDT
        id="new-york-spring-forward",
    ),
    pytest.param(
        "America/Los_Angeles",
        utc(2026, 11, 1, 13, 30),  # 05:30 PST, hours after the clocks went back
        utc(2026, 11, 1, 16, 0),  # 08:00 PST
        id="los-angeles-fall-back",
    ),
    pytest.param(
        "Europe/Berlin",
        utc(2026, 3, 28, 20, 30),  # 21:30 CET; overnight the clocks go forward
        utc(2026, 3, 29, 6, 0),  # 08:00 CEST
        id="berlin-spring-forward",
    ),
    pytest.param(
        "Europe/London",
        utc(2026, 10, 24, 21, 0),  # 22:00 BST; overnight the clocks go back
        utc(2026, 10, 25, 8, 0),  # 08:00 GMT
        id="london-fall-back",
    ),
    pytest.param(
        "Australia/Sydney",
        utc(2026, 4, 4, 12, 0),  # 23:00 AEDT; overnight the clocks go back
        utc(2026, 4, 4, 22, 0),  # 08:00 AEST
        id="sydney-fall-back",
    ),
    pytest.param(
        "Asia/Kolkata",
        utc(2026, 1, 14, 16, 0),  # 21:30 IST, a half-hour offset
        utc(2026, 1, 15, 2, 30),  # 08:00 IST
        id="kolkata-evening",
    ),
    pytest.param(
        "Etc/GMT-14",
        utc(2026, 1, 14, 9, 0),  # 23:00 in Kiribati's offset
        utc(2026, 1, 14, 18, 0),  # 08:00 the next local day
        id="utc-plus-14",
    ),
]


@pytest.mark.parametrize("zone, night, morning", NIGHTS)
def test_a_notification_at_night_shows_at_once_and_its_email_waits_for_08_00(
    client, programme, mailoutbox, zone, night, morning
):
    ada = learner("ada@mfa.example", time_zone=zone)
    enrolment = overdue(ada, programme, now=night)
    client.force_login(ada)

    with time_machine.travel(night, tick=False):
        nudges_plan(now=night)
        assert nudges_deliver() == {"email_waiting": 1}
        page = client.get(NOTIFICATIONS).content.decode()

    assert "Acquainted is overdue" in page
    assert "No notifications yet" not in page
    assert "e-mail to follow at" in page and ">08:00</time>" in page
    assert mailoutbox == []
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.sent_at, nudge.email) == (Status.SENT, night, Email.WAITING)
    assert nudge.email_not_before == morning

    with time_machine.travel(morning - SECOND, tick=False):
        assert nudges_deliver() == {}
    with time_machine.travel(morning, tick=False):
        assert nudges_deliver() == {"emailed": 1}
        morning_client = Client()  # the night's session has idled out
        morning_client.force_login(ada)
        page = morning_client.get(NOTIFICATIONS).content.decode()
    assert [message.to for message in mailoutbox] == [["ada@mfa.example"]]
    assert page.count("Acquainted is overdue") == 1
    assert "also e-mailed" in page
    nudge.refresh_from_db()
    assert (nudge.sent_at, nudge.emailed_at, nudge.email) == (night, morning, Email.SENT)


@pytest.mark.parametrize(
    "zone, moment",
    [
        ("America/New_York", utc(2026, 3, 8, 13, 0)),  # 09:00 EDT, the day clocks went forward
        ("Europe/London", utc(2026, 10, 25, 18, 59)),  # 18:59 GMT, the day clocks went back
        ("Asia/Kolkata", utc(2026, 1, 14, 14, 29)),  # 19:59 IST
    ],
)
def test_in_the_day_the_notification_and_its_email_go_together(programme, mailoutbox, zone, moment):
    enrolment = overdue(learner("ada@mfa.example", time_zone=zone), programme, now=moment)
    with time_machine.travel(moment, tick=False):
        nudges_plan(now=moment)
        assert nudges_deliver() == {"emailed": 1}
    nudge = nudge_for(enrolment)
    assert (nudge.sent_at, nudge.emailed_at, nudge.email_not_before) == (moment, moment, None)


# What the morning finds


def tokyo_night(programme, **fields):
    """A learner in Tokyo, where NOW (14:00 UTC) is 23:00."""
    return overdue(learner("ada@mofa.example", time_zone="Asia/Tokyo", **fields), programme)


MORNING = NOW.replace(hour=23)  # 08:00 in Tokyo


def test_two_emails_waiting_for_one_morning_send_one_and_the_cap_keeps_the_other_in_app(
    programme, mailoutbox
):
    ada = learner("ada@mofa.example", time_zone="Asia/Tokyo")
    enrol(ada, programme, started=60 * DAY, idle=20 * DAY)  # overdue and inactive
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"email_waiting": 2}
    assert Nudge.objects.filter(status=Status.SENT).count() == 2

    assert nudges_deliver(now=MORNING) == {"emailed": 1, "email_dropped": 1}
    assert len(mailoutbox) == 1
    assert sorted(Nudge.objects.values_list("status", "email", "skip_reason")) == [
        (Status.SENT, Email.IN_APP, "one reminder e-mail a day: this one stays in the app"),
        (Status.SENT, Email.SENT, ""),
    ]


def test_an_email_sent_in_the_evening_caps_the_morning_after(programme, mailoutbox):
    ada = learner("ada@mofa.example", time_zone="Asia/Tokyo")
    evening = NOW - 6 * HOUR  # 17:00 in Tokyo
    enrol(ada, programme, started=60 * DAY, idle=20 * DAY, now=evening)
    Nudge.objects.create(
        recipient=ada, rule=Rule.WELCOME, subject="t", period="once", not_before=evening,
        created_at=evening,
    )  # fmt: skip
    assert nudges_deliver(now=evening) == {"emailed": 1}
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"email_waiting": 2}
    assert nudges_deliver(now=MORNING) == {"email_dropped": 2}
    assert len(mailoutbox) == 1


def test_unsubscribing_overnight_drops_the_waiting_email_and_keeps_the_notification(
    programme, mailoutbox
):
    enrolment = tokyo_night(programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    enrolment.user.nudge_preferences = {Rule.OVERDUE: "in_app"}
    enrolment.user.save()

    assert nudges_deliver(now=MORNING) == {"email_dropped": 1}

    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.email, nudge.skip_reason) == (
        Status.SENT,
        Email.IN_APP,
        "the recipient chose the app only",
    )
    assert mailoutbox == []


def test_finishing_the_milestone_overnight_drops_the_reminders_email(programme, mailoutbox):
    enrolment = tokyo_night(programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    MilestoneAchievement.objects.create(
        enrolment=enrolment, milestone="acquainted", achieved_at=NOW + HOUR, on_time=False
    )

    assert nudges_deliver(now=MORNING) == {"email_dropped": 1}
    assert nudge_for(enrolment).skip_reason == "the milestone is already reached"
    assert nudge_for(enrolment).status == Status.SENT
    assert mailoutbox == []


def test_a_waiting_email_keeps_its_own_message_after_a_digest_would_change(programme, mailoutbox):
    ada = learner("ada@mofa.example", time_zone="Asia/Tokyo")
    nudge = Nudge.objects.create(
        recipient=ada,
        rule=Rule.WELCOME,
        subject="t",
        period="once",
        not_before=NOW,
        created_at=NOW,
    )
    nudges_deliver(now=NOW)
    nudge.refresh_from_db()
    assert nudge.email == Email.WAITING

    nudges_deliver(now=MORNING)

    assert mailoutbox[0].subject == "Welcome to the programme"
    assert mailoutbox[0].extra_headers["Message-ID"].startswith(f"<nudge-{nudge.pk}@")


# An organisation's pause holds both channels


def test_an_organisation_pause_holds_the_notification_too(
    client, programme, organisation, mailoutbox
):
    ada = MembershipFactory(
        user=learner("ada@mofa.example", time_zone="Asia/Tokyo"),
        organisation=organisation,
        role=Membership.Role.TRAINEE,
    ).user
    enrolment = overdue(ada, programme)
    organisation.nudges_paused_until = NOW + 3 * DAY
    organisation.save()
    nudges_plan(now=NOW)

    assert nudges_deliver(now=NOW) == {"held": 1}
    client.force_login(ada)
    assert "No notifications yet" in client.get(NOTIFICATIONS).content.decode()
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.not_before) == (Status.PENDING, NOW + 3 * DAY)


def test_a_pause_that_starts_overnight_holds_the_waiting_email_until_it_ends(
    programme, organisation, mailoutbox
):
    ada = MembershipFactory(
        user=learner("ada@mofa.example", time_zone="Asia/Tokyo"), organisation=organisation
    ).user
    enrolment = overdue(ada, programme)
    nudges_plan(now=NOW)
    assert nudges_deliver(now=NOW) == {"email_waiting": 1}
    organisation.nudges_paused_until = MORNING + 5 * HOUR  # 13:00 in Tokyo
    organisation.save()

    assert nudges_deliver(now=MORNING) == {"email_waiting": 1}
    nudge = nudge_for(enrolment)
    assert (nudge.email_not_before, nudge.skip_reason) == (
        MORNING + 5 * HOUR,
        "the organisation paused reminders",
    )
    assert nudges_deliver(now=MORNING + 5 * HOUR) == {"emailed": 1}
    assert len(mailoutbox) == 1


# Claims of a waiting e-mail: never twice, never lost


def test_a_waiting_email_is_claimed_once_and_never_rewrites_its_notification(programme, mailoutbox):
    enrolment = tokyo_night(programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    pk = nudge_for(enrolment).pk

    assert claim(ids=None, now=MORNING - SECOND) == []
    assert claim(ids=None, now=MORNING) == [pk]
    assert claim(ids=None, now=MORNING) == []
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.email, nudge.attempts, nudge.sent_at) == (
        Status.SENT,
        Email.SENDING,
        2,
        NOW,
    )


def test_a_worker_that_dies_holding_a_waiting_email_loses_nothing(programme, mailoutbox):
    enrolment = tokyo_night(programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)
    claim(ids=None, now=MORNING)  # ... and the worker dies here

    assert release_stale(MORNING + CLAIM_TIMEOUT) == 0
    assert nudges_deliver(now=MORNING + CLAIM_TIMEOUT) == {}
    assert release_stale(MORNING + CLAIM_TIMEOUT + SECOND) == 1
    assert nudge_for(enrolment).email == Email.WAITING

    assert nudges_deliver(now=MORNING + CLAIM_TIMEOUT + SECOND) == {"emailed": 1}
    assert len(mailoutbox) == 1
    nudge = nudge_for(enrolment)
    assert (nudge.status, nudge.email, nudge.attempts, nudge.sent_at) == (
        Status.SENT,
        Email.SENT,
        3,
        NOW,
    )


def test_the_sweep_hands_out_waiting_emails_once_their_morning_has_come(programme):
    enrolment = tokyo_night(programme)
    nudges_plan(now=NOW)
    nudges_deliver(now=NOW)

    assert due_ids(MORNING - SECOND, limit=10) == []
    assert due_ids(MORNING, limit=10) == [nudge_for(enrolment).pk]
