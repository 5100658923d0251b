"""The notification centre, reminder preferences and the one-click unsubscribe."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.models import User
from ediplomacy.lib.ids import parse_id
from progress.models import Enrolment, Nudge
from progress.nudges.content import nudge_content
from progress.nudges.delivery import DIGESTIBLE_RULES, UNSUBSCRIBE_SALT, digest_hour_set
from progress.nudges.rules import DIGEST_HOURS

CHANNELS = [
    ("email", gettext_lazy("E-mail and in the app")),
    ("in_app", gettext_lazy("Only in the app")),
    ("off", pgettext_lazy("a kind of message", "Off")),
]
# The discussions' kinds may also wait for one e-mail a day.
DIGEST_CHANNEL = ("digest", gettext_lazy("In the app, and in one daily e-mail digest"))
# The messages about one's own learning.
LEARNING_RULES = [
    Nudge.Rule.WELCOME,
    Nudge.Rule.MILESTONE_ACHIEVED,
    Nudge.Rule.DUE_SOON,
    Nudge.Rule.OVERDUE,
    Nudge.Rule.BEHIND,
    Nudge.Rule.INACTIVE,
    Nudge.Rule.REVIEWED,
    Nudge.Rule.DISCUSSION_REPLY,
    Nudge.Rule.DISCUSSION_MENTION,
    Nudge.Rule.TRAINER_REPLY,
    Nudge.Rule.PEER_REVIEW_WAITING,
]
# Every kind, in the order the preferences page lists them.
LEARNER_RULES = [*LEARNING_RULES, Nudge.Rule.TRAINER_DIGEST, Nudge.Rule.ORG_SUMMARY]


def rules_offered(user: User) -> list[Nudge.Rule]:
    """The kinds of message this person's roles can bring them, so the
    preferences page never offers a trainee the trainers' weekly digest:
    learning messages to people who learn (or have an enrolment), the digest
    and discussion mentions to people who train a cohort now, the summary to
    organisation administrators."""
    roles = access.user_roles(user)
    offered = []
    if roles.is_learner or Enrolment.objects.filter(user=user).exists():
        offered += LEARNING_RULES
    if roles.trains_anywhere and access.cohorts_trained(user=user).exists():
        offered.append(Nudge.Rule.TRAINER_DIGEST)
        # Learners mention their trainers in the cohort's discussion.
        if Nudge.Rule.DISCUSSION_MENTION not in offered:
            offered.append(Nudge.Rule.DISCUSSION_MENTION)
    if roles.is_org_admin:
        offered.append(Nudge.Rule.ORG_SUMMARY)
    return offered


@login_required
def notifications(request):
    inbox = (
        Nudge.objects.filter(recipient=request.user, status=Nudge.Status.SENT)
        .select_related("recipient", "enrolment", "submission__activity__module__stage")
        .prefetch_related("enrolment__pauses")
    )
    if request.method == "POST":
        unread = inbox.filter(read_at__isnull=True)
        if request.POST.get("nudge"):
            unread = unread.filter(pk=parse_id(request.POST["nudge"]) or 0)
        unread.update(read_at=timezone.now())
        return redirect("progress:notifications")
    page = Paginator(inbox, 20).get_page(request.GET.get("page"))
    # Digests and summaries show the lines they were sent with.
    items = [
        {"nudge": nudge, "content": nudge_content(nudge, digest={"lines": nudge.digest})}
        for nudge in page.object_list
    ]
    return render(request, "progress/notifications.html", {"page": page, "items": items})


@login_required
def preferences(request):
    user = request.user
    offered = rules_offered(user)
    if request.method == "POST":
        # Only the kinds offered change: a choice posted for any other kind is
        # ignored, and a kind no longer offered keeps what was chosen for it.
        preferences = dict(user.nudge_preferences)
        for rule in offered:
            value = request.POST.get(rule, "email")
            if value in dict(_channels(rule)) and value != "email":
                preferences[rule.value] = value
            else:
                preferences.pop(rule.value, None)
        user.nudge_preferences = preferences
        user.save(update_fields=["nudge_preferences"])
        hour = parse_id(request.POST.get("digest_hour"))
        if hour in DIGEST_HOURS and hour != user.digest_hour:
            digest_hour_set(recipient=user, hour=hour)
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("progress:preferences")
    rows = [
        {
            "rule": rule,
            "label": rule.label,
            "channel": user.nudge_channel(rule),
            "channels": _channels(rule),
        }
        for rule in offered
    ]
    return render(
        request,
        "progress/preferences.html",
        {
            "rows": rows,
            "digest_offered": any(rule in DIGESTIBLE_RULES for rule in offered),
            "digest_hours": [
                (hour, time_format(datetime.time(hour), "TIME_FORMAT")) for hour in DIGEST_HOURS
            ],
        },
    )


def _channels(rule: Nudge.Rule) -> list[tuple[str, object]]:
    if rule in DIGESTIBLE_RULES:
        return [CHANNELS[0], DIGEST_CHANNEL, *CHANNELS[1:]]
    return CHANNELS


def email_masked(address: str) -> str:
    """The address as a page shown without logging in may name it: the first
    letter and the domain, so its owner recognises it and nobody else learns it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


@csrf_exempt  # mail clients POST here for one-click unsubscribe (RFC 8058), with no session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks for one click (link scanners must not unsubscribe anyone); POST does it."""
    try:
        data = signing.loads(
            token,
            salt=UNSUBSCRIBE_SALT,
            max_age=datetime.timedelta(days=settings.UNSUBSCRIBE_LINK_DAYS),
        )
        user = User.objects.get(pk=data["u"])
        rule = Nudge.Rule(data["r"])
    except signing.SignatureExpired:
        return render(request, "progress/unsubscribe.html", {"expired": True}, status=410)
    except (signing.BadSignature, User.DoesNotExist, KeyError, ValueError, TypeError):
        return render(request, "progress/unsubscribe.html", {"invalid": True}, status=404)
    everything = request.POST.get("scope") == "all"
    done = False
    if request.method == "POST":
        preferences = dict(user.nudge_preferences)
        if everything:
            chosen = LEARNER_RULES
        elif rule == Nudge.Rule.DAILY_DIGEST:
            # The digest's link stops the e-mail of every kind it gathers.
            chosen = [each for each in DIGESTIBLE_RULES if preferences.get(each) == "digest"]
        else:
            chosen = [rule]
        for each in chosen:
            if preferences.get(each) != "off":
                preferences[each] = "in_app"
        user.nudge_preferences = preferences
        user.save(update_fields=["nudge_preferences"])
        done = True
    return render(
        request,
        "progress/unsubscribe.html",
        {"rule": rule, "done": done, "everything": everything, "email": email_masked(user.email)},
    )
