"""Delivers planned nudges: claim, check again, then notify in-app and e-mail.

The notification and its e-mail each have their course on one row. A pending
row is claimed by a conditional update (pending -> sending) under
`select_for_update(skip_locked=True)`, so two workers never hold the same
row. Its notification shows at once (status sent), whatever the hour; quiet
hours, the daily cap and an unsubscribe decide only the e-mail, which goes at
once, waits for the recipient's morning (email "waiting" until
`email_not_before`), or is dropped (email "in_app"). A waiting e-mail is
claimed on its own the same way (waiting -> sending), so a second worker or a
retry never writes the notification twice or sends the e-mail twice.

A person may read the kinds in DIGESTIBLE_RULES (the discussions') in one
e-mail a day: such a notification shows at once, its e-mail is marked
"digest", and the day's digest row (rule daily_digest, period the local date,
due at DIGEST_HOUR the next morning) is planned beside it, once per person
and day by the unique key. The digest is a nudge like the others: claimed,
built at delivery from the items still gathered, sent, and its items marked
e-mailed in the same transaction as the row.

A row's e-mail is marked sent only after the mail server accepted it. A
worker that dies mid-send leaves its row (or its e-mail) "sending": after
CLAIM_TIMEOUT it returns to the queue and is sent then, with the same
Message-ID, so a mail client shows a rare repeat as one message. A mail
error shows the notification anyway and leaves the e-mail waiting for the
task's retry.
"""

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from accounts import access
from ediplomacy.lib.mail import send_templated
from progress.models import Enrolment, MilestoneAchievement, Nudge
from progress.nudges.content import absolute, digest_for, nudge_content
from progress.nudges.rules import (
    DIGEST_HOURS,
    digest_day,
    digest_due,
    digest_due_of,
    quiet_until,
)

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
BATCH = 100
UNSUBSCRIBE_SALT = "progress.nudge-unsubscribe"
# Reminders are about work still to do; they lapse when it is done or the
# enrolment pauses. Event messages (achieved, reviewed, welcome) still go out.
REMINDER_RULES = {Nudge.Rule.DUE_SOON, Nudge.Rule.OVERDUE, Nudge.Rule.BEHIND, Nudge.Rule.INACTIVE}
MILESTONE_RULES = {Nudge.Rule.DUE_SOON, Nudge.Rule.OVERDUE, Nudge.Rule.BEHIND}
DIGEST_RULES = {Nudge.Rule.TRAINER_DIGEST, Nudge.Rule.ORG_SUMMARY, Nudge.Rule.DAILY_DIGEST}
# The kinds a person may choose to read in the daily digest.
DIGESTIBLE_RULES = {
    Nudge.Rule.DISCUSSION_REPLY,
    Nudge.Rule.DISCUSSION_MENTION,
    Nudge.Rule.TRAINER_REPLY,
    Nudge.Rule.PEER_REVIEW_WAITING,
}


class Held(Exception):
    """Not now: the nudge waits until `until`."""

    def __init__(self, until: datetime.datetime, reason: str):
        self.until = until
        self.reason = reason


class Skip(Exception):
    """Never: the nudge is dropped, with the reason kept on its row."""


def unsubscribe_token(user_id: int, rule: str) -> str:
    return signing.dumps({"u": user_id, "r": rule}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user_id: int, rule: str) -> str:
    return absolute(reverse("progress:unsubscribe", args=[unsubscribe_token(user_id, rule)]))


def _due(now: datetime.datetime) -> Q:
    """Rows with work to do now: a pending nudge, or an e-mail whose wait is over."""
    return Q(status=Nudge.Status.PENDING, not_before__lte=now) | Q(
        status=Nudge.Status.SENT, email=Nudge.Email.WAITING, email_not_before__lte=now
    )


def due_ids(now: datetime.datetime, *, limit: int) -> list[int]:
    """The rows the periodic sweep hands to the workers, oldest first."""
    return list(
        Nudge.objects.filter(_due(now))
        .order_by("not_before", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def claim(*, ids: list[int] | None, now: datetime.datetime, limit: int = BATCH) -> list[int]:
    with transaction.atomic():
        due = Nudge.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            due = due.filter(pk__in=ids)
        claimed = list(due.order_by("not_before", "pk").values_list("pk", flat=True)[:limit])
        Nudge.objects.filter(pk__in=claimed, status=Nudge.Status.PENDING).update(
            status=Nudge.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        Nudge.objects.filter(
            pk__in=claimed, status=Nudge.Status.SENT, email=Nudge.Email.WAITING
        ).update(email=Nudge.Email.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed


def _give_back(rows) -> int:
    """Returns claimed rows to the queue: a nudge to pending, an e-mail to waiting
    (its `email_not_before` has passed, so it is due again at once)."""
    nudges = rows.filter(status=Nudge.Status.SENDING).update(status=Nudge.Status.PENDING)
    emails = rows.filter(status=Nudge.Status.SENT, email=Nudge.Email.SENDING).update(
        email=Nudge.Email.WAITING
    )
    return nudges + emails


def release_stale(now: datetime.datetime) -> int:
    """Gives rows a dead worker claimed back to the queue."""
    return _give_back(Nudge.objects.filter(claimed_at__lt=now - CLAIM_TIMEOUT))


def _organisation_pause(nudge: Nudge, now: datetime.datetime) -> datetime.datetime | None:
    cohort_id = nudge.enrolment.cohort_id if nudge.enrolment_id else None
    return (
        access.organisations_of(user_id=nudge.recipient_id, cohort_id=cohort_id)
        .filter(nudges_paused_until__gt=now)
        .order_by("-nudges_paused_until")
        .values_list("nudges_paused_until", flat=True)
        .first()
    )


def _check(nudge: Nudge, now: datetime.datetime) -> str:
    """Whether the nudge still stands: raises Skip (never) or Held (the
    organisation paused reminders: both channels wait), or returns the channel
    the recipient chose, "email" or "in_app"."""
    enrolment: Enrolment | None = nudge.enrolment
    if enrolment is not None:
        if enrolment.status == Enrolment.Status.WITHDRAWN:
            raise Skip("the enrolment was withdrawn")
        if enrolment.cohort_id and enrolment.cohort.archived_at is not None:
            raise Skip("the cohort is archived")
        if nudge.rule in REMINDER_RULES and enrolment.status != Enrolment.Status.ACTIVE:
            raise Skip(f"the enrolment is {enrolment.status}")
        if (
            nudge.rule in MILESTONE_RULES
            and MilestoneAchievement.objects.filter(
                enrolment=enrolment, milestone=nudge.milestone
            ).exists()
        ):
            raise Skip("the milestone is already reached")
        if nudge.rule == Nudge.Rule.INACTIVE:
            last = enrolment.last_activity_at or enrolment.started_at
            if nudge.period != f"since:{last:%Y-%m-%dT%H:%M}":
                raise Skip("the learner is active again")
    channel = nudge.recipient.nudge_channel(nudge.rule)
    if channel == "off" or not nudge.recipient.is_active:
        raise Skip("the recipient turned this kind off")
    if channel == "digest" and nudge.rule not in DIGESTIBLE_RULES:
        channel = "email"
    paused_until = _organisation_pause(nudge, now)
    if paused_until is not None:
        raise Held(paused_until, "the organisation paused reminders")
    return channel


def _check_email(nudge: Nudge, now: datetime.datetime) -> None:
    """The rules for e-mail only: raises Held (quiet hours) or Skip (the daily cap)."""
    morning = quiet_until(now, nudge.recipient.zone)
    if morning is not None:
        raise Held(morning, Nudge.QUIET_HOURS)
    if nudge.rule == Nudge.Rule.DAILY_DIGEST:
        # Once a day by its key, at the hour the person expects it: the cap
        # never drops it (the day's messages would go unmailed).
        return
    already = Nudge.objects.filter(
        recipient_id=nudge.recipient_id,
        email=Nudge.Email.SENT,
        emailed_at__gt=now - datetime.timedelta(days=1),
    ).exclude(pk=nudge.pk)
    if already.exists():
        raise Skip("one reminder e-mail a day: this one stays in the app")


def _send_email(nudge: Nudge, content: dict) -> None:
    unsubscribe = unsubscribe_url(nudge.recipient_id, nudge.rule)
    domain = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0]
    send_templated(
        "progress/email/nudge",
        {"nudge": nudge, "content": content, "unsubscribe_url": unsubscribe},
        [nudge.recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<nudge-{nudge.pk}@{domain}>",
            "Auto-Submitted": "auto-generated",
        },
    )


def digest_plan(*, recipient, now: datetime.datetime) -> None:
    """Plans the digest of the recipient's local day, once (the unique key; a
    second worker's insert is ignored)."""
    zone = recipient.zone
    Nudge.objects.bulk_create(
        [
            Nudge(
                recipient=recipient,
                rule=Nudge.Rule.DAILY_DIGEST,
                subject="discussions",
                period=digest_day(now, zone),
                not_before=digest_due(now, zone, recipient.digest_hour),
                created_at=now,
            )
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def digest_hour_set(*, recipient, hour: int) -> int:
    """Sets the hour the recipient's daily digests go at, and moves the ones
    planned and not yet claimed to it, in one transaction (a new hour never
    stands beside digests still due at the old one); returns how many moved."""
    if hour not in DIGEST_HOURS:
        raise ValueError(f"{hour} is in the quiet hours")
    recipient.digest_hour = hour
    recipient.save(update_fields=["digest_hour"])
    moved = 0
    waiting = Nudge.objects.filter(
        recipient=recipient, rule=Nudge.Rule.DAILY_DIGEST, status=Nudge.Status.PENDING
    )
    for pk, period in waiting.values_list("pk", "period"):
        due = digest_due_of(datetime.date.fromisoformat(period), recipient.zone, hour)
        # Only while still pending: a worker that has claimed it meanwhile wins.
        moved += waiting.filter(pk=pk).update(not_before=due)
    return moved


def deliver_one(pk: int, now: datetime.datetime) -> str:
    """Delivers one claimed nudge, or its e-mail that waited; returns what
    happened. A mail error leaves the e-mail waiting and propagates, so the
    task retries with backoff."""
    nudge = (
        Nudge.objects.select_related(
            "recipient", "enrolment__cohort", "submission__activity__module__stage"
        )
        .filter(
            Q(status=Nudge.Status.SENDING) | Q(status=Nudge.Status.SENT, email=Nudge.Email.SENDING),
            pk=pk,
        )
        .first()
    )
    if nudge is None:
        return "gone"
    # In the recipient's language and its formats, whoever's action planned it:
    # the digest's lines, the notification kept for the app and the e-mail.
    with translation.override(nudge.recipient.language_for_mail()):
        if nudge.status == Nudge.Status.SENT:
            return _deliver_waiting_email(nudge, now)
        return _deliver_nudge(nudge, now)


def _deliver_nudge(nudge: Nudge, now: datetime.datetime) -> str:
    claimed = Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.SENDING)
    try:
        channel = _check(nudge, now)
        if nudge.rule == Nudge.Rule.DAILY_DIGEST:
            # Mail only: at night the whole row waits for the morning, and is
            # built then from the items gathered by that time.
            if channel != "email":
                raise Skip("the recipient chose the app only")
            _check_email(nudge, now)
        digest = None
        # Digests, and the messages an app above registered (discussions),
        # are written now and their lines kept on the row.
        builder = digest_for(nudge.rule)
        if nudge.rule in DIGEST_RULES and builder is None:
            raise Skip("no installed app writes this digest")
        if builder is not None:
            digest = builder.build(nudge, now)
    except Skip as skip:
        claimed.update(status=Nudge.Status.SKIPPED, skip_reason=str(skip)[:200])
        return "skipped"
    except Held as held:
        claimed.update(status=Nudge.Status.PENDING, not_before=held.until, skip_reason=held.reason)
        return "held"
    content = nudge_content(nudge, digest=digest)
    shown = {
        "status": Nudge.Status.SENT,
        "digest": content["lines"] if digest else [],
        "sent_at": now,
        "email": Nudge.Email.IN_APP,
        "skip_reason": "",
        "last_error": "",
    }
    if nudge.rule == Nudge.Rule.DAILY_DIGEST:
        return _deliver_daily_digest(nudge, content, digest, shown, now)
    if channel == "digest":
        with transaction.atomic():
            claimed.update(**shown | {"email": Nudge.Email.DIGEST})
            digest_plan(recipient=nudge.recipient, now=now)
        return "digest"
    if channel == "email":
        try:
            _check_email(nudge, now)
        except Held as held:
            shown |= {"email": Nudge.Email.WAITING, "email_not_before": held.until}
            shown["skip_reason"] = held.reason
        except Skip as skip:
            shown["skip_reason"] = str(skip)[:200]
        else:
            # Sent while the row is still claimed: a worker that dies here
            # leaves it "sending", and it is delivered whole after CLAIM_TIMEOUT.
            try:
                _send_email(nudge, content)
            except Exception as error:
                claimed.update(
                    **shown
                    | {
                        "email": Nudge.Email.WAITING,
                        "email_not_before": now,
                        "last_error": str(error)[:300],
                    }
                )
                raise
            shown |= {"email": Nudge.Email.SENT, "emailed_at": now}
    claimed.update(**shown)
    return {
        Nudge.Email.SENT: "emailed",
        Nudge.Email.WAITING: "email_waiting",
        Nudge.Email.IN_APP: "in_app",
    }[shown["email"]]


def _deliver_daily_digest(
    nudge: Nudge, content: dict, digest: dict, shown: dict, now: datetime.datetime
) -> str:
    """Sends the day's digest and marks what it told, in one transaction once
    the mail server accepted it. A mail error puts the row back in the queue
    (its items still wait), so the retry builds and sends it whole."""
    claimed = Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.SENDING)
    try:
        _send_email(nudge, content)
    except Exception as error:
        claimed.update(status=Nudge.Status.PENDING, not_before=now, last_error=str(error)[:300])
        raise
    items = Nudge.objects.filter(recipient_id=nudge.recipient_id, email=Nudge.Email.DIGEST)
    with transaction.atomic():
        # Its items are in the app already: the digest itself shows as read.
        claimed.update(**shown | {"email": Nudge.Email.SENT, "emailed_at": now, "read_at": now})
        items.filter(pk__in=digest["items"]).update(email=Nudge.Email.SENT, emailed_at=now)
    return "emailed"


def _deliver_waiting_email(nudge: Nudge, now: datetime.datetime) -> str:
    """The e-mail of a notification already shown, once its wait is over: the
    rules are read again, since the learner may have finished the work,
    unsubscribed or reached the day's cap in the meantime."""
    claimed = Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.SENT, email=Nudge.Email.SENDING)
    try:
        channel = _check(nudge, now)
        if channel == "digest":
            # Chosen while the e-mail waited: it joins the day's digest.
            with transaction.atomic():
                claimed.update(email=Nudge.Email.DIGEST, skip_reason="")
                digest_plan(recipient=nudge.recipient, now=now)
            return "digest"
        if channel != "email":
            raise Skip("the recipient chose the app only")
        _check_email(nudge, now)
    except Skip as skip:
        claimed.update(email=Nudge.Email.IN_APP, skip_reason=str(skip)[:200])
        return "email_dropped"
    except Held as held:
        claimed.update(
            email=Nudge.Email.WAITING, email_not_before=held.until, skip_reason=held.reason
        )
        return "email_waiting"
    # A digest's e-mail says what its notification said.
    content = nudge_content(nudge, digest={"lines": nudge.digest})
    try:
        _send_email(nudge, content)
    except Exception as error:
        claimed.update(email=Nudge.Email.WAITING, email_not_before=now, last_error=str(error)[:300])
        raise
    claimed.update(email=Nudge.Email.SENT, emailed_at=now, skip_reason="", last_error="")
    return "emailed"


def nudges_deliver(
    *, ids: list[int] | None = None, now: datetime.datetime | None = None
) -> Counter:
    now = now or timezone.now()
    outcomes: Counter = Counter()
    claimed = claim(ids=ids, now=now)
    for index, pk in enumerate(claimed):
        try:
            outcomes[deliver_one(pk, now)] += 1
        except Exception:
            # The retry claims only rows in the queue: give back the rest of the batch.
            _give_back(Nudge.objects.filter(pk__in=claimed[index + 1 :]))
            raise
    return outcomes
