"""A learner's own data: a full export, and deletion that keeps reports right."""

import re
from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import AuditEvent, InvitationEmail, OrganisationInvitation, User
from accounts.services import memberships_end
from accounts.signals import account_closed
from competences.models import Standing
from progress.models import (
    AlternativeEvidence,
    Completion,
    Enrolment,
    FollowingCheckin,
    HistoryEvent,
    Invitation,
    ListeningEntry,
    Nudge,
    Pause,
    QuizAttempt,
    Reflection,
    Submission,
)


def _iso(value):
    return value.isoformat() if value is not None else None


def _someone(account: User | None, user: User) -> str | None:
    """Who acted, as the export names them: never a closed account's name."""
    if account is None:
        return None
    if account.pk == user.pk:
        return "you"
    return str(account) if account.is_active else "a former trainer"


_EXPORTS: dict[str, Callable[..., object]] = {}


def export_register(name: str, build: Callable[..., object]) -> None:
    """Lets an app above this one add what it holds about a person to their
    export: `build(user=...)` returns plain JSON, in a fixed number of queries."""
    _EXPORTS[name] = build


def personal_data_export(*, user: User) -> dict:
    """Everything the platform holds about `user`, as plain JSON.

    Seventeen queries whatever the amount of data: one per kind of record,
    the enrolments' own records prefetched.
    """
    email = user.email
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("programme", "cohort")
        .prefetch_related(
            Prefetch("completions", Completion.objects.select_related("activity")),
            "achievements",
            Prefetch("pauses", Pause.objects.select_related("created_by")),
            Prefetch("history", HistoryEvent.objects.for_lines()),
        )
        .order_by("started_at", "pk")
    )
    about = (
        AuditEvent.objects.filter(
            Q(actor=user) | Q(target=email) | Q(target__startswith=f"{email}: ")
        )
        .select_related("actor", "organisation")
        .order_by("created_at", "pk")
    )
    invitations = (
        Invitation.objects.filter(Q(email__iexact=email) | Q(accepted_by=user))
        .select_related("cohort__organisation", "created_by")
        .order_by("created_at", "pk")
    )
    organisation_invitations = (
        OrganisationInvitation.objects.filter(Q(email__iexact=email) | Q(answered_by=user))
        .select_related("organisation", "created_by")
        .order_by("created_at", "pk")
    )
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "reminder_preferences": user.nudge_preferences,
            "daily_digest_hour": user.digest_hour,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip": s.ip,
                "user_agent": s.user_agent,
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
            }
            for s in UserSession.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role}
            for m in user.memberships.select_related("organisation")
        ],
        "invitations": [
            {
                "cohort": i.cohort.name,
                "organisation": i.cohort.organisation.name,
                "status": i.status,
                "invited_by": _someone(i.created_by, user),
                "created_at": _iso(i.created_at),
                "sent_at": _iso(i.sent_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in invitations
        ],
        "organisation_invitations": [
            {
                "organisation": i.organisation.name,
                "role": i.role,
                "status": i.status,
                "invited_by": _someone(i.created_by, user),
                "created_at": _iso(i.created_at),
                "sent_at": _iso(i.sent_at),
                "answered_at": _iso(i.answered_at),
            }
            for i in organisation_invitations
        ],
        "enrolments": [
            {
                "programme": e.programme.title,
                "cohort": e.cohort.name if e.cohort else None,
                "started_at": _iso(e.started_at),
                "length_days": e.length_days,
                "status": e.status,
                "completions": [
                    {"activity": c.activity.title, "completed_at": _iso(c.completed_at)}
                    for c in e.completions.all()
                ],
                "milestones": [
                    {
                        "milestone": a.milestone,
                        "achieved_at": _iso(a.achieved_at),
                        "on_time": a.on_time,
                    }
                    for a in e.achievements.all()
                ],
                "pauses": [
                    {
                        "started_at": _iso(p.started_at),
                        "ended_at": _iso(p.ended_at),
                        "reason": p.reason,
                        "paused_by": _someone(p.created_by, user),
                    }
                    for p in e.pauses.all()
                ],
                "history": [
                    {
                        "kind": h.kind,
                        # In the language of whoever asked for the export.
                        "summary": h.text,
                        "params": h.params,
                        "by": _someone(h.actor, user),
                        "at": _iso(h.created_at),
                    }
                    for h in e.history.all()
                ],
            }
            for e in enrolments
        ],
        "standings": [
            {
                "competence": s.competence.name,
                "state": s.state,
                "share_done": s.share_done,
                "demonstrated_at": _iso(s.demonstrated_at),
            }
            for s in Standing.objects.filter(user=user).select_related("competence")
        ],
        "quiz_attempts": [
            {
                "activity": q.activity.title,
                "answers": q.answers,
                "score": q.score,
                "passed": q.passed,
                "at": _iso(q.created_at),
            }
            for q in QuizAttempt.objects.filter(enrolment__user=user).select_related("activity")
        ],
        "submissions": [
            {
                "activity": s.activity.title,
                "text": s.text,
                "link": s.link,
                "status": s.status,
                "feedback": s.feedback,
                "marks": [
                    {
                        "criterion": mark.criterion.name,
                        "level": mark.level,
                        "descriptor": mark.descriptor,
                    }
                    for mark in s.marks.all()
                ],
                "at": _iso(s.created_at),
                "reviewed_at": _iso(s.reviewed_at),
            }
            for s in Submission.objects.filter(enrolment__user=user)
            .select_related("activity")
            .prefetch_related("marks__criterion")
        ],
        "alternative_evidence": [
            {
                "source": e.source,
                "description": e.description,
                "status": e.status,
                "feedback": e.feedback,
                "at": _iso(e.created_at),
                "reviewed_at": _iso(e.reviewed_at),
            }
            for e in AlternativeEvidence.objects.filter(enrolment__user=user)
        ],
        "reflections": [
            {"activity": r.activity.title, "text": r.text, "at": _iso(r.updated_at)}
            for r in Reflection.objects.filter(enrolment__user=user).select_related("activity")
        ],
        "listening_log": [
            {"day": _iso(e.day), "followed": e.followed, "learned": e.learned}
            for e in ListeningEntry.objects.filter(enrolment__user=user)
        ],
        "following_checkins": [
            {"day": _iso(c.recorded_on), "followers": c.followers, "account": c.account}
            for c in FollowingCheckin.objects.filter(enrolment__user=user)
        ],
        "notifications": [
            {
                "rule": n.rule,
                "subject": n.subject,
                "period": n.period,
                "status": n.status,
                "email": n.email,
                "lines": n.digest,
                "created_at": _iso(n.created_at),
                "sent_at": _iso(n.sent_at),
                "read_at": _iso(n.read_at),
            }
            for n in Nudge.objects.filter(recipient=user)
        ],
        "audit": [
            {
                "action": a.action,
                "target": a.target,
                "by": _someone(a.actor, user),
                "organisation": a.organisation.name if a.organisation else None,
                "detail": a.detail,
                "at": _iso(a.created_at),
            }
            for a in about
        ],
    }
    # What apps above keep about the person (their discussion posts and
    # reviews), each under its own key.
    for name, build in _EXPORTS.items():
        data[name] = build(user=user)
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Removes personal data and closes the account.

    What the learner wrote, their addresses and names go; the facts that
    reports count (enrolments, completions, milestones, standings) stay,
    attached to an anonymous account. Every role ends, each one audited, and
    every session with its record of addresses and browsers.

    Raises MembershipError, and changes nothing, if the person is the only
    administrator of an organisation: they appoint another one first.
    """
    email = user.email
    name = user.display_name
    anonymous = f"deleted-{user.pk}@deleted.invalid"
    # First, while the audit rows it writes still name the address they rewrite.
    memberships_end(user=user, by=user)
    Submission.objects.filter(enrolment__user=user).update(text="(deleted)", link="", feedback="")
    AlternativeEvidence.objects.filter(enrolment__user=user).update(
        description="(deleted)", feedback=""
    )
    Reflection.objects.filter(enrolment__user=user).update(text="(deleted)")
    ListeningEntry.objects.filter(enrolment__user=user).update(
        followed="(deleted)", learned="(deleted)"
    )
    FollowingCheckin.objects.filter(enrolment__user=user).update(account="")
    Nudge.objects.filter(recipient=user).delete()
    # Targets name the learner alone or as "email: activity"; nobody else's rows.
    about = AuditEvent.objects.filter(Q(target=email) | Q(target__startswith=f"{email}: "))
    for event in about.filter(detail__has_key="reason"):
        event.detail.pop("reason")
        event.save(update_fields=["detail"])
    about.update(target=f"deleted learner #{user.pk}")
    Pause.objects.filter(enrolment__user=user).update(reason="")
    HistoryEvent.objects.filter(enrolment__user=user, kind=HistoryEvent.Kind.PAUSED).update(
        summary="Paused", params={}
    )
    Invitation.objects.filter(email__iexact=email).update(email=anonymous, display_name="")
    # What other people see names them no more: invitations and reviews fall
    # back to "your trainer"; history names whoever acted from the account.
    Invitation.objects.filter(created_by=user).update(created_by=None)
    OrganisationInvitation.objects.filter(email__iexact=email).update(email=anonymous)
    OrganisationInvitation.objects.filter(created_by=user).update(created_by=None)
    InvitationEmail.objects.filter(email__iexact=email).delete()
    Submission.objects.filter(reviewed_by=user).update(reviewed_by=None)
    AlternativeEvidence.objects.filter(reviewed_by=user).update(reviewed_by=None)
    _digests_forget(email=email, name=name, user=user)
    usersessions_adapter().end_sessions(UserSession.objects.filter(user=user))
    user.emailaddress_set.all().delete()
    user.email = anonymous
    user.display_name = "Deleted learner"
    user.nudge_preferences = {}
    user.is_active = False
    user.set_unusable_password()
    user.save()
    account_closed.send(sender=User, user=user)


FORGOTTEN = "a deleted account"


def _digests_forget(*, email: str, name: str, user: User) -> None:
    """Takes the person's name and address out of the lines of other people's
    digests and summaries, which keep what they said when they went out."""
    mentions = Q(digest__icontains=email)
    if name:
        mentions |= Q(digest__icontains=name)
    patterns = [re.escape(email)]
    if name:
        # "Name (address)" first, so the pair becomes one mention.
        patterns.insert(0, rf"\b{re.escape(name)}\s*\({re.escape(email)}\)")
        patterns.append(rf"\b{re.escape(name)}\b")
    # Rare enough (one deletion) to read the digests' text without an index.
    for nudge in Nudge.objects.filter(mentions).exclude(recipient=user):
        lines = nudge.digest
        for pattern in patterns:
            lines = [
                re.sub(pattern, FORGOTTEN, line, flags=re.IGNORECASE)
                if isinstance(line, str)
                else line
                for line in lines
            ]
        if lines != nudge.digest:
            nudge.digest = lines
            nudge.save(update_fields=["digest"])
