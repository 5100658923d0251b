"""A learner's own data: a full export, and deletion that keeps reports right."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AuditEvent, User
from progress.models import (
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


def personal_data_export(*, user: User) -> dict:
    """Everything the platform holds about `user`, as plain JSON."""
    enrolments = Enrolment.objects.filter(user=user).select_related("programme", "cohort")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "reminder_preferences": user.nudge_preferences,
        },
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role}
            for m in user.memberships.select_related("organisation")
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
                    for c in e.completions.select_related("activity")
                ],
                "milestones": [
                    {
                        "milestone": a.milestone,
                        "achieved_at": _iso(a.achieved_at),
                        "on_time": a.on_time,
                    }
                    for a in e.achievements.all()
                ],
            }
            for e in enrolments
        ],
        "quiz_attempts": [
            {"activity": q.activity.title, "score": q.score, "at": _iso(q.created_at)}
            for q in QuizAttempt.objects.filter(enrolment__user=user).select_related("activity")
        ],
        "submissions": [
            {
                "activity": s.activity.title,
                "text": s.text,
                "link": s.link,
                "status": s.status,
                "feedback": s.feedback,
                "at": _iso(s.created_at),
            }
            for s in Submission.objects.filter(enrolment__user=user).select_related("activity")
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
            {"kind": n.rule, "sent_at": _iso(n.sent_at), "read_at": _iso(n.read_at)}
            for n in Nudge.objects.filter(recipient=user, status=Nudge.Status.SENT)
        ],
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Removes personal data and closes the account.

    What the learner wrote, their addresses and names go; the facts that
    reports count (enrolments, completions, milestones, standings) stay,
    attached to an anonymous account.
    """
    email = user.email
    anonymous = f"deleted-{user.pk}@deleted.invalid"
    Submission.objects.filter(enrolment__user=user).update(text="(deleted)", link="", feedback="")
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
        summary="Paused"
    )
    Invitation.objects.filter(email__iexact=email).update(email=anonymous, display_name="")
    user.emailaddress_set.all().delete()
    user.email = anonymous
    user.display_name = "Deleted learner"
    user.nudge_preferences = {}
    user.is_active = False
    user.set_unusable_password()
    user.save()
