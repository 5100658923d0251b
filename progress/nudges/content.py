"""What each nudge says: built at delivery time, from fresh data, in the
recipient's language where a translation exists."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from progress import timemodel
from progress.models import Nudge, Submission
from progress.timemodel import MILESTONE_LABELS, Milestone

NEXT_STEP = {
    Milestone.ACQUAINTED.value: gettext_lazy(
        "Next comes Curate: a month to become a good e-listener."
    ),
    Milestone.E_LISTENER.value: gettext_lazy(
        "Next: collaborate, communicate, create and critique, toward a stable following."
    ),
    Milestone.ACTIVE.value: gettext_lazy(
        "You have completed the programme: keep listening and contributing."
    ),
}


@dataclass(frozen=True)
class Digest:
    """A digest's content, written by the app that owns its figures (the
    trainer's digest by progress, the organisations' summary by reports), so
    this app never imports the apps above it.

    An app above may register a message of its own the same way (the
    discussions' replies and mentions): its lines are written once, when it
    is delivered, and kept on the row, with the subject and action given here.
    """

    build: Callable  # (nudge, now) -> {"lines": [...]}, or raises delivery.Skip
    url_name: str  # the page the digest's action opens
    subject: object = None  # text (lazy) of the subject, for a registered message
    action: object = None  # text (lazy) of its action
    link: Callable | None = None  # (nudge) -> the action's path, without a query


_DIGESTS: dict[str, Digest] = {}


def digest_register(
    rule: str,
    *,
    build: Callable,
    url_name: str,
    subject=None,
    action=None,
    link: Callable | None = None,
) -> None:
    _DIGESTS[rule] = Digest(
        build=build, url_name=url_name, subject=subject, action=action, link=link
    )


def digest_for(rule: str) -> Digest | None:
    return _DIGESTS.get(rule)


def _digest_link(rule: str) -> str:
    digest = _DIGESTS.get(rule)
    return absolute(reverse(digest.url_name)) if digest else absolute("/")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _milestone_label(code: str) -> str:
    return MILESTONE_LABELS.get(Milestone(code), code) if code else ""


def nudge_content(nudge: Nudge, *, digest: dict | None = None) -> dict:
    """Subject, lines of text and one action for a nudge, in the language active
    now: the recipient's when it is delivered (`delivery.deliver_one`), the
    reader's on a page."""
    return _content(nudge, digest or {})


def _content(nudge: Nudge, digest: dict) -> dict:
    rule = nudge.rule
    dashboard = absolute(reverse("progress:dashboard"))
    milestone = _milestone_label(nudge.milestone)
    name = nudge.recipient.get_short_name()
    if rule == Nudge.Rule.WELCOME:
        return {
            "subject": _("Welcome to the programme"),
            "lines": [
                _("Welcome, %(name)s. Your first day is for getting acquainted with the e-tools.")
                % {"name": name},
                _("The orientation takes a few hours and leads to your first milestone."),
            ],
            "action": (_("Start the orientation"), absolute(reverse("progress:continue"))),
        }
    if rule == Nudge.Rule.MILESTONE_ACHIEVED:
        return {
            "subject": _("You reached %(milestone)s") % {"milestone": milestone},
            "lines": [
                _("Congratulations, %(name)s: you reached the milestone %(milestone)s.")
                % {"name": name, "milestone": milestone},
                str(NEXT_STEP.get(nudge.milestone, "")),
            ],
            "action": (_("See your dashboard"), dashboard),
        }
    if rule == Nudge.Rule.DUE_SOON:
        due = _due_text(nudge)
        return {
            "subject": _("%(milestone)s is due %(due)s") % {"milestone": milestone, "due": due},
            "lines": [
                _("%(milestone)s is due %(due)s, and at your pace now is the time to finish it.")
                % {"milestone": milestone, "due": due},
            ],
            "action": (_("Continue where you left off"), absolute(reverse("progress:continue"))),
        }
    if rule == Nudge.Rule.OVERDUE:
        return {
            "subject": _("%(milestone)s is overdue") % {"milestone": milestone},
            "lines": [
                _("The milestone %(milestone)s has passed its due date. Every step still counts.")
                % {"milestone": milestone},
                _("If you are on leave or a demanding posting, you can pause the programme."),
            ],
            "action": (_("Continue where you left off"), absolute(reverse("progress:continue"))),
        }
    if rule == Nudge.Rule.BEHIND:
        return {
            "subject": _("A little behind for %(milestone)s") % {"milestone": milestone},
            "lines": [
                _("You are behind the pace for %(milestone)s. A short session today helps.")
                % {"milestone": milestone},
            ],
            "action": (_("Continue where you left off"), absolute(reverse("progress:continue"))),
        }
    if rule == Nudge.Rule.INACTIVE:
        return {
            "subject": _("Your programme is waiting for you"),
            "lines": [
                _(
                    "It has been a while since your last activity. Listening is a habit: ten "
                    "minutes today keeps it going."
                ),
            ],
            "action": (_("Continue where you left off"), absolute(reverse("progress:continue"))),
        }
    if rule == Nudge.Rule.REVIEWED:
        submission = nudge.submission
        accepted = submission is not None and submission.status == Submission.Status.ACCEPTED
        title = submission.activity.title if submission else ""
        return {
            "subject": _("Your practice work was reviewed"),
            "lines": [
                _("Your trainer accepted “%(title)s”.") % {"title": title}
                if accepted
                else _("Your trainer returned “%(title)s” with feedback to act on.")
                % {"title": title},
            ],
            "action": (
                _("Read the review"),
                absolute(submission.activity.get_absolute_url()) if submission else dashboard,
            ),
        }
    if rule == Nudge.Rule.TRAINER_DIGEST:
        return {
            "subject": _("Your cohorts this week"),
            "lines": digest.get("lines", []),
            "action": (_("Open your cohorts"), _digest_link(rule)),
        }
    if rule == Nudge.Rule.ORG_SUMMARY:
        return {
            "subject": _("Your organisation's month in the programme"),
            "lines": digest.get("lines", []),
            "action": (_("Open the completion report"), _digest_link(rule)),
        }
    registered = _DIGESTS.get(rule)
    if registered is not None and registered.subject is not None:
        link = registered.link(nudge) if registered.link else reverse(registered.url_name)
        return {
            "subject": str(registered.subject),
            "lines": digest.get("lines", []),
            "action": (str(registered.action), absolute(link)),
        }
    raise ValueError(f"Unknown nudge rule {rule!r}")


def _due_text(nudge: Nudge) -> str:
    enrolment = nudge.enrolment
    # Through the relation, so a page of notifications can prefetch the pauses.
    pauses = [timemodel.Pause(p.started_at, p.ended_at) for p in enrolment.pauses.all()]
    due = timemodel.due_dates(enrolment.started_at, enrolment.length_days, pauses, timezone.now())[
        Milestone(nudge.milestone)
    ]
    local = due.astimezone(nudge.recipient.zone)
    return _("on %(date)s") % {"date": formats.date_format(local, "MONTH_DAY_FORMAT")}
