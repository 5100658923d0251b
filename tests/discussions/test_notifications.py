"""Replies, a trainer's reply and mentions reach people through the nudge
pipeline: once, in the app and by e-mail, with its quiet hours and unsubscribe."""

import datetime

import pytest
from django.urls import reverse

from discussions import services
from progress.models import Nudge
from progress.nudges.delivery import nudges_deliver

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _no_welcomes(group):
    # The cohort's welcome messages are another story (and would take the
    # day's one e-mail).
    Nudge.objects.all().delete()


def _thread(group, reading, paragraph, now=NOON):
    return services.thread_start(
        user=group.learners[0].user,
        cohort=group.cohort,
        activity=reading,
        anchor=paragraph.anchor,
        body="Where do we start?",
        now=now,
    )


def test_a_reply_tells_the_starter_once_in_the_app_and_by_e_mail(
    group, reading, paragraph, mailoutbox
):
    thread = _thread(group, reading, paragraph)
    replier = group.learners[1].user
    post = services.post_reply(
        thread=thread, user=replier, body="With the core resources.", moderator=False, now=NOON
    )
    services.post_edit(post=post, user=replier, body="With the core resources!", now=NOON)

    outcomes = nudges_deliver(now=NOON)

    nudge = Nudge.objects.get()
    assert (nudge.recipient, nudge.rule) == (group.learners[0].user, Nudge.Rule.DISCUSSION_REPLY)
    assert outcomes["emailed"] == 1
    (mail,) = mailoutbox
    assert mail.subject.endswith("A reply to your thread")
    assert "Learner 002 replied to your thread" in mail.body
    assert reverse("discussions:thread", args=[thread.pk]) + f"#post-{post.pk}" in mail.body
    assert "unsubscribe" in mail.body.lower()


def test_a_trainers_reply_and_a_mention_are_told_as_such(group, reading, paragraph, trainer):
    thread = _thread(group, reading, paragraph)

    services.post_reply(
        thread=thread,
        user=trainer,
        body=f"Good question. @{group.learners[1].user.get_full_name()}, what do you think?",
        moderator=True,
        now=NOON,
    )

    assert set(Nudge.objects.values_list("recipient__email", "rule")) == {
        (group.learners[0].user.email, Nudge.Rule.TRAINER_REPLY),
        (group.learners[1].user.email, Nudge.Rule.DISCUSSION_MENTION),
    }


def test_nobody_is_told_of_a_post_taken_down_before_delivery(
    group, reading, paragraph, trainer, mailoutbox
):
    thread = _thread(group, reading, paragraph)
    post = services.post_reply(
        thread=thread, user=group.learners[1].user, body="Rude", moderator=False, now=NOON
    )
    services.post_hide(post=post, by=trainer, reason="Civility", now=NOON)

    nudges_deliver(now=NOON)

    assert Nudge.objects.get().status == Nudge.Status.SKIPPED
    assert mailoutbox == []


def test_quiet_hours_and_an_unsubscribe_hold_for_discussions(group, reading, paragraph, mailoutbox):
    night = datetime.datetime(2026, 3, 10, 22, 30, tzinfo=datetime.UTC)
    starter = group.learners[0].user
    thread = _thread(group, reading, paragraph, now=night)
    services.post_reply(
        thread=thread, user=group.learners[1].user, body="Late", moderator=False, now=night
    )

    nudges_deliver(now=night)
    nudge = Nudge.objects.get()
    assert (nudge.status, nudge.email) == (Nudge.Status.SENT, Nudge.Email.WAITING)
    assert mailoutbox == []

    starter.nudge_preferences = {Nudge.Rule.DISCUSSION_REPLY.value: "off"}
    starter.save()
    nudges_deliver(now=night + datetime.timedelta(hours=12))
    nudge.refresh_from_db()
    assert nudge.email == Nudge.Email.IN_APP
    assert mailoutbox == []


def test_post_text_in_an_e_mail_is_escaped(group, reading, paragraph, mailoutbox):
    thread = _thread(group, reading, paragraph)
    services.post_reply(
        thread=thread,
        user=group.learners[1].user,
        body='<script>alert("x")</script><img src=x onerror=alert(1)>',
        moderator=False,
        now=NOON,
    )

    nudges_deliver(now=NOON)

    (mail,) = mailoutbox
    html = mail.alternatives[0][0]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
