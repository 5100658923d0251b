from django.db.models import Max

from curriculum.models import Activity, Programme
from curriculum.selectors import programme_outline
from progress.models import (
    Enrolment,
    Follow,
    FollowingCheckin,
    ListeningEntry,
    QuizAttempt,
    Reflection,
    Submission,
)
from progress.state import LearnerState, following_is_stable, learner_state
from progress.timemodel import required_listening_days


def learner_enrolment(user, programme: Programme) -> Enrolment | None:
    return Enrolment.objects.filter(user=user, programme=programme).select_related("cohort").first()


def learner_progress(enrolment: Enrolment) -> LearnerState:
    # 4 queries: stages, modules, activities, this learner's completions.
    outline = programme_outline(enrolment.programme)
    completed = set(enrolment.completions.values_list("activity_id", flat=True))
    return learner_state(outline, completed)


def activity_detail(enrolment: Enrolment, activity: Activity) -> dict:
    """What one activity page shows about this learner's work on it.

    At most two queries, whatever the learner's history.
    """
    kind = activity.kind
    if kind == Activity.Kind.QUIZ:
        attempts = QuizAttempt.objects.filter(enrolment=enrolment, activity=activity)
        summary = attempts.values("activity").annotate(best=Max("score")).values("best")
        best = summary[0]["best"] if summary else None
        return {"best_score": best, "recent_attempts": list(attempts[:5])}
    if kind == Activity.Kind.RESOURCES:
        resources = list(activity.resources.filter(retired_at__isnull=True))
        followed = set(
            Follow.objects.filter(enrolment=enrolment, resource__activity=activity).values_list(
                "resource_id", flat=True
            )
        )
        return {
            "resources": resources,
            "followed_ids": followed,
            "following_count": sum(1 for r in resources if r.pk in followed),
        }
    if kind == Activity.Kind.LISTENING_LOG:
        entries = list(ListeningEntry.objects.filter(enrolment=enrolment, activity=activity))
        return {
            "entries": entries,
            "days_logged": len(entries),
            "days_required": required_listening_days(activity.required_days, enrolment.length_days),
        }
    if kind == Activity.Kind.PRACTICE:
        submissions = list(
            Submission.objects.filter(enrolment=enrolment, activity=activity).select_related(
                "reviewed_by"
            )
        )
        waiting = next((s for s in submissions if s.status == Submission.Status.SUBMITTED), None)
        return {"submissions": submissions, "waiting": waiting}
    if kind == Activity.Kind.REFLECTION:
        return {
            "reflection": Reflection.objects.filter(enrolment=enrolment, activity=activity).first()
        }
    if kind == Activity.Kind.CHECKIN:
        checkins = list(FollowingCheckin.objects.filter(enrolment=enrolment))
        series = [(c.recorded_on, c.followers) for c in checkins]
        return {"checkins": checkins, "stable": following_is_stable(series, enrolment.length_days)}
    return {}
