"""The daily digest of discussion messages: each message shows in the app at
once; its e-mail waits for one digest a day, sent at 08:00 the next local
morning, once, with what is still there to tell."""

import datetime
import smtplib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from curriculum.models import Activity
from discussions import services
from progress import services as progress_services
from progress.models import Nudge
from progress.nudges.delivery import claim, deliver_one, nudges_deliver, unsubscribe_url
from progress.nudges.rules import digest_due
from tests.factories import cohort_with_learners

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

Rule = Nudge.Rule
Email = Nudge.Email
# A Tuesday, 12:00 UTC: 13:00 in Rome.
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
# 08:00 in Rome on the Wednesday.
MORNING = datetime.datetime(2026, 3, 11, 7, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
DISCUSSION_KINDS = [Rule.DISCUSSION_REPLY, Rule.TRAINER_REPLY, Rule.DISCUSSION_MENTION]


@pytest.fixture(autouse=True)
def _no_welcomes(group):
    Nudge.objects.all().delete()


@pytest.fixture
def starter(group):
    """The learner who starts the thread, in Rome, reading discussions once a day."""
    user = group.learners[0].user
    user.time_zone = "Europe/Rome"
    user.nudge_preferences = {rule.value: "digest" for rule in DISCUSSION_KINDS}
    user.save()
    return user


@pytest.fixture
def thread(group, reading, paragraph, starter):
    return services.thread_start(
        user=starter,
        cohort=group.cohort,
        activity=reading,
        anchor=paragraph.anchor,
        body="Where do we start?",
        now=NOON - MINUTE,
    )


def _reply(thread, user, body, *, now=NOON, moderator=False):
    return services.post_reply(thread=thread, user=user, body=body, moderator=moderator, now=now)


def _digest():
    return Nudge.objects.get(rule=Rule.DAILY_DIGEST)


def _items():
    return Nudge.objects.exclude(rule=Rule.DAILY_DIGEST).order_by("pk")


def test_each_message_shows_at_once_and_the_day_goes_in_one_e_mail_the_next_morning(
    group, thread, starter, trainer, mailoutbox
):
    peer = _reply(thread, group.learners[1].user, "With the core resources.")
    answer = _reply(
        thread, trainer, "Start with the listening log.", now=NOON + MINUTE, moderator=True
    )
    nudges_deliver(now=NOON + MINUTE)

    # In the app at once, unread; no e-mail yet.
    assert [(n.rule, n.status, n.email, n.read_at) for n in _items()] == [
        (Rule.DISCUSSION_REPLY, Nudge.Status.SENT, Email.DIGEST, None),
        (Rule.TRAINER_REPLY, Nudge.Status.SENT, Email.DIGEST, None),
    ]
    assert mailoutbox == []
    digest = _digest()
    assert (digest.recipient, digest.period, digest.not_before) == (starter, "2026-03-10", MORNING)

    # Not before its hour, whatever runs in between.
    assert nudges_deliver(now=MORNING - MINUTE) == {}
    assert nudges_deliver(now=MORNING) == {"emailed": 1}
    assert nudges_deliver(now=MORNING + MINUTE) == {}

    (mail,) = mailoutbox
    assert mail.to == [starter.email]
    assert mail.subject.endswith("Your discussions of the day")
    assert "Learner 002 replied to your thread" in mail.body
    assert "“With the core resources.”" in mail.body
    assert "Your trainer" in mail.body and "“Start with the listening log.”" in mail.body
    for post in (peer, answer):
        assert reverse("discussions:thread", args=[thread.pk]) + f"#post-{post.pk}" in mail.body
    html = mail.alternatives[0][0]
    # Each item's link is a link in the HTML part too.
    assert html.count(f'#post-{peer.pk}">') == 1
    assert mail.extra_headers["List-Unsubscribe"].startswith("<http")
    assert {(n.email, n.emailed_at) for n in _items()} == {(Email.SENT, MORNING)}
    digest.refresh_from_db()
    assert (digest.status, digest.email, digest.read_at) == (
        Nudge.Status.SENT,
        Email.SENT,
        MORNING,
    )


def test_the_day_is_the_recipients_own(group, thread, starter, mailoutbox):
    # 23:30 UTC is already Wednesday in Rome: Wednesday's digest, on Thursday morning.
    late = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
    _reply(thread, group.learners[1].user, "Still up?", now=late)
    nudges_deliver(now=late)

    digest = _digest()
    assert digest.period == "2026-03-11"
    assert digest.not_before == MORNING + datetime.timedelta(days=1)


def test_one_digest_a_day_however_many_messages_and_deliveries(group, thread, starter):
    for number, learner in enumerate(group.learners[1:] * 3):
        _reply(thread, learner.user, f"Point {number}", now=NOON + number * MINUTE)
        nudges_deliver(now=NOON + number * MINUTE)

    assert Nudge.objects.filter(rule=Rule.DAILY_DIGEST).count() == 1
    assert _items().filter(email=Email.DIGEST).count() == 3


def test_a_post_taken_down_is_left_out_with_its_words(group, thread, starter, trainer, mailoutbox):
    kept = _reply(thread, trainer, "Read the essay first.", moderator=True)
    hidden = _reply(thread, group.learners[1].user, "Something rude")
    nudges_deliver(now=NOON)
    services.post_hide(post=hidden, by=trainer, reason="Civility", now=NOON + MINUTE)

    nudges_deliver(now=MORNING)

    (mail,) = mailoutbox
    assert "Read the essay first." in mail.body
    assert "rude" not in mail.body and f"#post-{hidden.pk}" not in mail.body
    assert Nudge.objects.get(subject=f"post:{hidden.pk}").email == Email.IN_APP
    assert Nudge.objects.get(subject=f"post:{kept.pk}").email == Email.SENT


def test_nothing_left_to_tell_sends_nothing(group, thread, starter, mailoutbox):
    removed = _reply(thread, group.learners[1].user, "Oops, wrong thread")
    nudges_deliver(now=NOON)
    services.post_remove(post=removed, user=group.learners[1].user, now=NOON + MINUTE)

    nudges_deliver(now=MORNING)

    assert mailoutbox == []
    assert _digest().status == Nudge.Status.SKIPPED
    assert _items().get().email == Email.IN_APP


def test_a_second_worker_or_a_retry_sends_the_digest_once(group, thread, starter, mailoutbox):
    _reply(thread, group.learners[1].user, "A point")
    nudges_deliver(now=NOON)
    digest = _digest()

    assert claim(ids=[digest.pk], now=MORNING) == [digest.pk]
    # Another worker finds it claimed; the first delivers; a retry finds it done.
    assert claim(ids=[digest.pk], now=MORNING) == []
    assert deliver_one(digest.pk, MORNING) == "emailed"
    assert deliver_one(digest.pk, MORNING) == "gone"
    assert nudges_deliver(now=MORNING) == {}
    assert len(mailoutbox) == 1


def test_a_mail_server_error_puts_the_digest_back_whole(
    group, thread, starter, mailoutbox, monkeypatch
):
    _reply(thread, group.learners[1].user, "A point")
    nudges_deliver(now=NOON)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("progress.nudges.delivery.send_templated", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        nudges_deliver(now=MORNING)
    digest = _digest()
    assert (digest.status, digest.last_error) == (Nudge.Status.PENDING, "down")
    assert _items().get().email == Email.DIGEST

    monkeypatch.undo()
    assert nudges_deliver(now=MORNING + MINUTE) == {"emailed": 1}
    assert len(mailoutbox) == 1
    assert _items().get().email == Email.SENT


def test_the_digest_waits_for_the_morning_but_not_for_the_daily_cap(
    group, thread, starter, mailoutbox
):
    _reply(thread, group.learners[1].user, "A point")
    nudges_deliver(now=NOON)
    # The day's one reminder e-mail goes out an hour before the digest's time.
    Nudge.objects.create(
        recipient=starter,
        rule=Rule.INACTIVE,
        subject="enrolment:0",
        period="since:x",
        status=Nudge.Status.SENT,
        email=Email.SENT,
        emailed_at=MORNING + datetime.timedelta(hours=23),
        not_before=NOON,
        created_at=NOON,
    )
    # The sweep was down until 21:00 in Rome: quiet hours, so the next morning.
    night = datetime.datetime(2026, 3, 11, 20, 0, tzinfo=datetime.UTC)
    assert nudges_deliver(now=night) == {"held": 1}
    assert _digest().not_before == MORNING + datetime.timedelta(days=1)

    assert nudges_deliver(now=MORNING + datetime.timedelta(days=1)) == {"emailed": 1}
    assert len(mailoutbox) == 1


def test_the_digest_speaks_the_recipients_language(group, thread, starter, mailoutbox):
    starter.language = "fr"
    starter.save()
    _reply(thread, group.learners[1].user, "Un point")
    nudges_deliver(now=NOON)

    nudges_deliver(now=MORNING)

    (mail,) = mailoutbox
    assert mail.subject.endswith("Vos discussions du jour")
    assert "Learner 002 a répondu à votre fil" in mail.body


# Switching options loses nothing


def test_switching_to_the_digest_moves_a_waiting_e_mail_into_it(group, thread, starter, mailoutbox):
    starter.nudge_preferences = {}
    starter.save()
    night = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=datetime.UTC)
    _reply(thread, group.learners[1].user, "Late", now=night)
    nudges_deliver(now=night)
    assert _items().get().email == Email.WAITING

    starter.nudge_preferences = {Rule.DISCUSSION_REPLY.value: "digest"}
    starter.save()
    nudges_deliver(now=MORNING)

    assert mailoutbox == []
    assert _items().get().email == Email.DIGEST
    assert nudges_deliver(now=MORNING + datetime.timedelta(days=1)) == {"emailed": 1}
    assert "Late" in mailoutbox[0].body


def test_switching_back_to_each_message_still_sends_what_was_gathered(
    group, thread, starter, mailoutbox
):
    _reply(thread, group.learners[1].user, "Gathered")
    nudges_deliver(now=NOON)
    starter.nudge_preferences = {}
    starter.save()
    _reply(thread, group.learners[1].user, "After the switch", now=NOON + MINUTE)
    nudges_deliver(now=NOON + MINUTE)

    nudges_deliver(now=MORNING)

    subjects = sorted(mail.subject.split("] ")[-1] for mail in mailoutbox)
    assert subjects == ["A reply to your thread", "Your discussions of the day"]
    assert _items().filter(email=Email.SENT).count() == 2


def test_choosing_the_app_only_drops_the_gathered_e_mails(group, thread, starter, mailoutbox):
    _reply(thread, group.learners[1].user, "Gathered")
    nudges_deliver(now=NOON)
    starter.nudge_preferences = {rule.value: "in_app" for rule in DISCUSSION_KINDS}
    starter.save()

    nudges_deliver(now=MORNING)

    assert mailoutbox == []
    assert _items().get().email == Email.IN_APP
    assert _items().get().status == Nudge.Status.SENT  # still in the app


def test_the_digests_unsubscribe_link_stops_the_kinds_it_gathers(group, thread, starter):
    starter.nudge_preferences = {
        Rule.DISCUSSION_REPLY.value: "digest",
        Rule.DISCUSSION_MENTION.value: "off",
        Rule.TRAINER_REPLY.value: "email",
    }
    starter.save()

    path = unsubscribe_url(starter.pk, Rule.DAILY_DIGEST).split("testserver", 1)[-1]
    assert Client().post(path).status_code == 200

    starter.refresh_from_db()
    assert starter.nudge_preferences == {
        Rule.DISCUSSION_REPLY.value: "in_app",
        Rule.DISCUSSION_MENTION.value: "off",
        Rule.TRAINER_REPLY.value: "email",
    }


@time_machine.travel(NOON, tick=False)
def test_peers_waiting_in_the_digest_names_no_peer(organisation, programme, trainer, mailoutbox):
    task = Activity.objects.live().get(slug="respond-to-criticism")  # anonymous peer review
    round_ = cohort_with_learners(
        3, organisation=organisation, trainer=trainer, programme=programme
    )
    Nudge.objects.all().delete()
    reader = round_.learners[2].user
    reader.nudge_preferences = {Rule.PEER_REVIEW_WAITING.value: "digest"}
    reader.save()
    for number, enrolment in enumerate(round_.learners, start=1):
        progress_services.practice_submit(
            enrolment=enrolment, activity=task, text=f"Answers of learner {number}", link=""
        )
    nudges_deliver(now=NOON)

    assert nudges_deliver(now=digest_due(NOON)) == {"emailed": 1}

    (digest,) = [mail for mail in mailoutbox if mail.to == [reader.email]]
    assert f"2 peers are waiting for your review of “{task.title}”." in digest.body
    assert reverse("discussions:peer_review", args=[task.pk]) in digest.body
    for enrolment in round_.learners:
        assert enrolment.user.get_full_name() not in digest.body
        assert enrolment.user.email not in digest.body.replace(reader.email, "")


def test_the_digest_goes_at_the_hour_its_reader_chose(group, thread, starter, mailoutbox):
    starter.digest_hour = 17
    starter.save(update_fields=["digest_hour"])
    _reply(thread, group.learners[1].user, "After work, then.")
    nudges_deliver(now=NOON)
    five_pm = datetime.datetime(2026, 3, 11, 16, 0, tzinfo=datetime.UTC)  # 17:00 in Rome

    assert _digest().not_before == five_pm
    assert nudges_deliver(now=MORNING) == {}
    assert nudges_deliver(now=five_pm) == {"emailed": 1}


def test_choosing_another_hour_moves_the_digest_already_planned(
    client, group, thread, starter, mailoutbox
):
    _reply(thread, group.learners[1].user, "Tomorrow morning, then.")
    nudges_deliver(now=NOON)
    assert _digest().not_before == MORNING
    client.force_login(starter)

    response = client.post(
        reverse("progress:preferences"),
        {**{rule.value: "digest" for rule in DISCUSSION_KINDS}, "digest_hour": "12"},
    )

    assert response.status_code == 302
    starter.refresh_from_db()
    assert starter.digest_hour == 12
    noon_in_rome = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)
    assert _digest().not_before == noon_in_rome
    assert nudges_deliver(now=MORNING) == {}
    assert nudges_deliver(now=noon_in_rome) == {"emailed": 1}


@pytest.mark.parametrize("hour", ["7", "20", "23", "x", "", "08:00"])
def test_an_hour_in_the_quiet_hours_or_not_an_hour_is_not_taken(client, starter, hour):
    client.force_login(starter)

    client.post(
        reverse("progress:preferences"),
        {**{rule.value: "digest" for rule in DISCUSSION_KINDS}, "digest_hour": hour},
    )

    starter.refresh_from_db()
    assert starter.digest_hour == 8
