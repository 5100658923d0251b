"""What a discussion tells people, through progress's nudge pipeline: a reply
to your thread, a trainer's reply, a mention. Each is recorded once per post
and person (the nudge's unique key), and delivered with the same quiet hours,
daily e-mail cap and unsubscribe as every other message."""

import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import access
from discussions.models import Post, Thread, participant_name
from progress.models import Nudge
from progress.nudges.content import digest_register
from progress.nudges.delivery import Skip
from progress.nudges.digests import daily_digest
from progress.nudges.events import nudge_event

EXCERPT_CHARS = 200


def _ids(nudge: Nudge) -> tuple[int, int]:
    """(thread id, post id) from the row's period and subject."""
    return int(nudge.period.partition(":")[2]), int(nudge.subject.partition(":")[2])


def _link(nudge: Nudge) -> str:
    thread_id, post_id = _ids(nudge)
    return reverse("discussions:thread", args=[thread_id]) + f"#post-{post_id}"


def _lines(nudge: Nudge, now: datetime.datetime) -> dict:
    """Written at delivery, from the post as it is then: nothing goes out
    about a post taken down, or to someone who can no longer read it."""
    post_id = _ids(nudge)[1]
    post = Post.objects.filter(pk=post_id).select_related("author", "thread__activity").first()
    if post is None or post.is_removed or post.is_hidden:
        raise Skip("the post was taken down")
    recipient = nudge.recipient
    readable = access.threads_visible(user=recipient, roles=access.user_roles(recipient))
    if not readable.filter(pk=post.thread_id).exists():
        raise Skip("the recipient can no longer read the thread")
    words = " ".join(post.body.split())
    if len(words) > EXCERPT_CHARS:
        words = words[: EXCERPT_CHARS - 1].rstrip() + "…"
    values = {"name": participant_name(post.author), "title": post.thread.activity.title}
    with translation.override(recipient.language):
        first = {
            Nudge.Rule.DISCUSSION_REPLY: _("%(name)s replied to your thread on “%(title)s”."),
            Nudge.Rule.TRAINER_REPLY: _(
                "Your trainer %(name)s replied to your thread on “%(title)s”."
            ),
            Nudge.Rule.DISCUSSION_MENTION: _(
                "%(name)s mentioned you in a discussion of “%(title)s”."
            ),
        }[nudge.rule] % values
    return {"lines": [first, f"“{words}”"]}


def _peers_waiting(nudge: Nudge, now: datetime.datetime) -> dict:
    """Written at delivery: how many peers' submissions still wait for a
    reviewer; nothing goes out once the learner has asked for theirs."""
    from discussions.models import PeerReview
    from progress.models import Submission

    submission = (
        Submission.objects.filter(pk=int(nudge.subject.partition(":")[2]))
        .select_related("activity", "enrolment")
        .first()
    )
    if submission is None or submission.enrolment.status == "withdrawn":
        raise Skip("the work or the enrolment is gone")
    if PeerReview.objects.filter(
        reviewer_id=nudge.recipient_id, activity=submission.activity
    ).exists():
        raise Skip("the learner has asked for their reviews already")
    waiting = access.peer_submissions(
        enrolment=submission.enrolment, activity=submission.activity
    ).count()
    if not waiting:
        raise Skip("no peer's work is waiting")
    with translation.override(nudge.recipient.language):
        line = ngettext(
            "%(count)s peer is waiting for your review of “%(title)s”.",
            "%(count)s peers are waiting for your review of “%(title)s”.",
            waiting,
        ) % {"count": waiting, "title": submission.activity.title}
    return {"lines": [line]}


def _peer_link(nudge: Nudge) -> str:
    return reverse("discussions:peer_review", args=[int(nudge.period.partition(":")[2])])


def peers_waiting_announce(*, submission, now: datetime.datetime) -> None:
    """Tells a learner who handed in a peer-reviewed task that peers' work
    waits for them: once per task."""
    nudge_event(
        recipient_id=submission.enrolment.user_id,
        rule=Nudge.Rule.PEER_REVIEW_WAITING,
        subject=f"submission:{submission.pk}",
        period=f"task:{submission.activity_id}",
        now=now,
    )


def register() -> None:
    # The daily digest is gathered and sent by progress; it opens here.
    digest_register(
        Nudge.Rule.DAILY_DIGEST,
        build=daily_digest,
        url_name="discussions:mine",
        subject=gettext_lazy("Your discussions of the day"),
        action=gettext_lazy("Open your discussions"),
    )
    digest_register(
        Nudge.Rule.PEER_REVIEW_WAITING,
        build=_peers_waiting,
        url_name="discussions:mine",
        subject=gettext_lazy("Peers are waiting for your review"),
        action=gettext_lazy("Review their work"),
        link=_peer_link,
    )
    for rule, subject in [
        (Nudge.Rule.DISCUSSION_REPLY, gettext_lazy("A reply to your thread")),
        (Nudge.Rule.TRAINER_REPLY, gettext_lazy("Your trainer replied to your thread")),
        (Nudge.Rule.DISCUSSION_MENTION, gettext_lazy("You were mentioned in a discussion")),
    ]:
        digest_register(
            rule,
            build=_lines,
            url_name="discussions:mine",
            subject=subject,
            action=gettext_lazy("Read it in the thread"),
            link=_link,
        )


def post_announce(
    *,
    post: Post,
    thread: Thread,
    moderator: bool,
    now: datetime.datetime,
    edited: bool = False,
) -> None:
    """Records the messages a new post brings, in the caller's transaction:
    to the thread's starter (a reply, or a trainer's reply), to each person
    mentioned. One message per post and person, the first reason winning;
    an edit tells only those it newly mentions."""
    told: set[int] = {post.author_id}
    subject, period = f"post:{post.pk}", f"thread:{thread.pk}"
    starter = thread.started_by_id
    if edited:
        told |= set(
            Nudge.objects.filter(subject=subject, period=period).values_list(
                "recipient_id", flat=True
            )
        )
    elif starter is not None and starter not in told:
        rule = Nudge.Rule.TRAINER_REPLY if moderator else Nudge.Rule.DISCUSSION_REPLY
        nudge_event(recipient_id=starter, rule=rule, subject=subject, period=period, now=now)
        told.add(starter)
    for user_id in post.mentioned.values_list("pk", flat=True):
        if user_id not in told:
            nudge_event(
                recipient_id=user_id,
                rule=Nudge.Rule.DISCUSSION_MENTION,
                subject=subject,
                period=period,
                now=now,
            )
            told.add(user_id)
