"""Writes: starting threads, replying, editing, taking down and moderating.

Each service is one transaction with keyword-only arguments; moderation is
audited. Who may call which is decided by `accounts.access` in the views.
"""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from accounts.services import audit_record
from curriculum.models import Activity
from curriculum.rendering import PEOPLE_TAGS, reading_blocks, render_markdown
from discussions.models import (
    EDIT_WINDOW,
    MAX_POST_CHARS,
    CommonsSetting,
    Post,
    PostReport,
    Thread,
)
from discussions.notifications import post_announce
from ediplomacy.lib.text import word_count
from progress.models import Cohort, Enrolment
from progress.services import contribution_record

# Posting more than this is refused with a clear message: enough for a lively
# exchange, too few for a script or a stuck key.
RATE_LIMITS = (
    (datetime.timedelta(minutes=1), 5),
    (datetime.timedelta(hours=1), 40),
)
# Blocks nobody discusses: a rule between sections says nothing.
UNDISCUSSED_TAGS = {"hr"}


class DiscussionError(Exception):
    """A post or an action refused, with the reason to show the person."""


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DiscussionError(_("Write something before posting."))
    if len(body) > MAX_POST_CHARS:
        raise DiscussionError(
            _("A post holds at most %(max)s characters; this one has %(count)s.")
            % {"max": MAX_POST_CHARS, "count": len(body)}
        )
    return body


def _check_rate(*, user: User, now: datetime.datetime) -> None:
    for window, limit in RATE_LIMITS:
        recent = Post.objects.filter(author=user, created_at__gt=now - window).count()
        if recent >= limit:
            raise DiscussionError(
                _(
                    "You have posted %(count)s times in the last %(window)s minutes. "
                    "Please wait a little before posting again."
                )
                % {"count": recent, "window": int(window.total_seconds() // 60)}
            )


def mentions_in(body: str, members) -> list[User]:
    """The members named in `body` as @Name (their display name, any case);
    the longest name wins where one name starts another."""
    folded = " ".join(body.split()).casefold()
    found = []
    for member in sorted(members, key=lambda m: -len(m.get_full_name())):
        name = " ".join(member.get_full_name().split()).casefold()
        if not name:
            continue
        pattern = re.compile(r"@" + re.escape(name) + r"(?![\w])")
        if pattern.search(folded):
            found.append(member)
            folded = pattern.sub(" ", folded)
    return found


def _post_create(*, thread: Thread, author: User, body: str, now: datetime.datetime) -> Post:
    post = Post.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=render_markdown(body, tags=PEOPLE_TAGS),
        words=word_count(body),
        created_at=now,
    )
    members = access.discussion_members(thread=thread).exclude(pk=author.pk)
    mentioned = mentions_in(body, members)
    if mentioned:
        post.mentioned.set(mentioned)
    return post


def anchor_block(*, activity: Activity, anchor: str):
    """The block of the reading an anchor names, or None."""
    return next(
        (
            block
            for block in reading_blocks(activity.body_html)
            if block.anchor == anchor and block.tag not in UNDISCUSSED_TAGS
        ),
        None,
    )


def _contribution_count(*, post: Post, thread: Thread, user: User, now: datetime.datetime) -> None:
    """Completes the discussion activities of the reading that this post is
    long enough for, in the author's enrolment of the thread's place."""
    activities = [
        activity
        for activity in Activity.objects.live().filter(
            module_id=thread.activity.module_id,
            kind=Activity.Kind.DISCUSSION,
            config__reading=thread.activity.slug,
        )
        if post.words >= activity.min_words
    ]
    if not activities:
        return
    enrolment = (
        Enrolment.objects.filter(user=user, programme_id=thread.programme_id, cohort=thread.cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )
    if enrolment is None:
        return
    for activity in activities:
        contribution_record(enrolment=enrolment, activity=activity, now=now)


@transaction.atomic
def thread_start(
    *,
    user: User,
    cohort: Cohort | None,
    activity: Activity,
    anchor: str,
    body: str,
    now: datetime.datetime,
) -> Thread:
    """Starts a thread on one block of a reading, in a cohort or (no cohort)
    the programme's commons, with its first post."""
    if activity.kind != Activity.Kind.READING:
        raise DiscussionError(_("Threads start on readings."))
    block = anchor_block(activity=activity, anchor=anchor)
    if block is None:
        raise DiscussionError(_("Choose the paragraph or heading you want to discuss."))
    body = _check_body(body)
    _check_rate(user=user, now=now)
    thread = Thread.objects.create(
        programme_id=activity.module.stage.programme_id,
        cohort=cohort,
        activity=activity,
        anchor=anchor,
        excerpt=block.excerpt[:200],
        started_by=user,
        created_at=now,
        last_posted_at=now,
        post_count=1,
    )
    post = _post_create(thread=thread, author=user, body=body, now=now)
    post_announce(post=post, thread=thread, moderator=False, now=now)
    _contribution_count(post=post, thread=thread, user=user, now=now)
    return thread


@transaction.atomic
def post_reply(
    *, thread: Thread, user: User, body: str, moderator: bool, now: datetime.datetime
) -> Post:
    """A reply at the end of the thread; a locked thread takes only a moderator's."""
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.is_locked and not moderator:
        raise DiscussionError(_("This thread is locked: it takes no more replies."))
    body = _check_body(body)
    _check_rate(user=user, now=now)
    post = _post_create(thread=locked, author=user, body=body, now=now)
    Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1, last_posted_at=now)
    post_announce(post=post, thread=locked, moderator=moderator, now=now)
    _contribution_count(post=post, thread=locked, user=user, now=now)
    return post


@transaction.atomic
def post_edit(*, post: Post, user: User, body: str, now: datetime.datetime) -> Post:
    """The author corrects their post within EDIT_WINDOW of writing it."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.editable_by(user, now):
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise DiscussionError(
            _("A post can be edited for %(minutes)s minutes after it is written.")
            % {"minutes": minutes}
        )
    body = _check_body(body)
    post.body = body
    post.body_html = render_markdown(body, tags=PEOPLE_TAGS)
    post.words = word_count(body)
    post.edited_at = now
    post.save(update_fields=["body", "body_html", "words", "edited_at"])
    members = access.discussion_members(thread=post.thread).exclude(pk=user.pk)
    post.mentioned.set(mentions_in(body, members))
    # Someone newly mentioned hears of it; the others were told already (once per post).
    post_announce(post=post, thread=post.thread, moderator=False, now=now, edited=True)
    return post


@transaction.atomic
def post_remove(*, post: Post, user: User, now: datetime.datetime) -> None:
    """The author takes their post back: its words go, its place stays ("removed")."""
    if post.author_id != user.pk:
        raise DiscussionError(_("Only its author can remove a post."))
    Post.objects.filter(pk=post.pk, removed_at__isnull=True).update(
        removed_at=now, body="", body_html="", words=0
    )
    post.mentioned.clear()
    PostReport.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user
    )


@transaction.atomic
def post_report(*, post: Post, user: User, reason: str, now: datetime.datetime) -> bool:
    """Asks the moderators to look at a post; returns False when this person's
    report is already waiting (reporting twice is one report)."""
    reason = reason.strip()
    if not reason:
        raise DiscussionError(_("Say briefly what is wrong with this post."))
    try:
        with transaction.atomic():
            PostReport.objects.create(post=post, reporter=user, reason=reason[:300], created_at=now)
    except IntegrityError:
        return False
    return True


def _audit(*, by: User, action: str, thread: Thread, **detail) -> None:
    audit_record(
        actor=by,
        action=action,
        target=f"thread {thread.pk}",
        organisation=thread.cohort.organisation_id if thread.cohort_id else None,
        **detail,
    )


@transaction.atomic
def post_hide(*, post: Post, by: User, reason: str, now: datetime.datetime) -> None:
    """A moderator hides a post from the thread, with a reason; audited.
    The post's open reports are resolved by it."""
    reason = reason.strip()
    if not reason:
        raise DiscussionError(_("Give the reason for hiding this post: its author will see it."))
    Post.objects.filter(pk=post.pk).update(hidden_at=now, hidden_by=by, hidden_reason=reason[:300])
    PostReport.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=by
    )
    _audit(by=by, action="discussion.post_hidden", thread=post.thread, post=post.pk, reason=reason)


@transaction.atomic
def post_restore(*, post: Post, by: User, reason: str, now: datetime.datetime) -> None:
    """A moderator shows a hidden post again; audited."""
    Post.objects.filter(pk=post.pk).update(hidden_at=None, hidden_by=None, hidden_reason="")
    _audit(
        by=by,
        action="discussion.post_restored",
        thread=post.thread,
        post=post.pk,
        reason=reason.strip(),
    )


@transaction.atomic
def reports_dismiss(*, post: Post, by: User, now: datetime.datetime) -> int:
    """A moderator leaves the post as it is and closes its reports; audited."""
    closed = PostReport.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=by
    )
    _audit(by=by, action="discussion.reports_dismissed", thread=post.thread, post=post.pk)
    return closed


@transaction.atomic
def thread_moderate(*, thread: Thread, by: User, action: str, now: datetime.datetime) -> None:
    """Locks, unlocks, pins or unpins a thread; audited."""
    changes = {
        "lock": {"is_locked": True},
        "unlock": {"is_locked": False},
        "pin": {"is_pinned": True},
        "unpin": {"is_pinned": False},
    }
    if action not in changes:
        raise DiscussionError(_("Unknown action."))
    Thread.objects.filter(pk=thread.pk).update(**changes[action])
    _audit(by=by, action=f"discussion.thread_{action}", thread=thread)


@transaction.atomic
def commons_set(*, organisation, open_: bool, by: User, now: datetime.datetime) -> None:
    """An organisation opens or closes the programme's commons to its people; audited."""

    CommonsSetting.objects.update_or_create(
        organisation=organisation,
        defaults={"commons_open": open_, "changed_by": by, "changed_at": now},
    )
    audit_record(
        actor=by,
        action="discussion.commons_opened" if open_ else "discussion.commons_closed",
        target=organisation.name,
        organisation=organisation,
    )
