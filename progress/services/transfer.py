"""A learner's own work, copied into a new enrolment at their request.

An enrolment belongs to the organisation of its cohort for ever. When a
learner joins another organisation's cohort, or leaves self-paced study for a
cohort, they may choose to bring what they themselves did: readings and
quizzes passed, resources followed, listening entries, reflections, follower
check-ins, and the text of their practice work, which waits for the new
trainer's review. A trainer's feedback, review decisions and the first
organisation's history never travel.
"""

import datetime

from curriculum.models import REVIEWED_KINDS, Activity
from progress.history import history_summary
from progress.models import (
    Completion,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    QuizAttempt,
    Reflection,
    Submission,
)

# Practice work (and a simulation run) counts once a trainer accepts it: it is
# re-submitted, not copied as done.
CARRIED_COMPLETIONS = [kind for kind in Activity.Kind.values if kind not in REVIEWED_KINDS]


def work_copy(*, source: Enrolment, target: Enrolment, now: datetime.datetime) -> int:
    """Copies the learner's own work from `source` into `target` (same learner,
    same programme); returns how many rows it wrote. Rows `target` already has
    are kept, so a second call writes nothing."""
    if (source.user_id, source.programme_id) != (target.user_id, target.programme_id):
        raise ValueError("Work is copied only between one learner's enrolments in one programme.")
    written = 0
    have = set(target.completions.values_list("activity_id", flat=True))
    written += len(
        Completion.objects.bulk_create(
            Completion(enrolment=target, activity_id=c.activity_id, completed_at=c.completed_at)
            for c in source.completions.filter(activity__kind__in=CARRIED_COMPLETIONS)
            if c.activity_id not in have
        )
    )
    if not target.quiz_attempts.exists():
        written += len(
            QuizAttempt.objects.bulk_create(
                QuizAttempt(
                    enrolment=target,
                    activity_id=a.activity_id,
                    paper=a.paper,
                    answers=a.answers,
                    score=a.score,
                    passed=a.passed,
                    created_at=a.created_at,
                )
                for a in source.quiz_attempts.all()
            )
        )
    followed = set(target.follows.values_list("resource_id", flat=True))
    written += len(
        Follow.objects.bulk_create(
            Follow(enrolment=target, resource_id=f.resource_id, created_at=f.created_at)
            for f in source.follows.all()
            if f.resource_id not in followed
        )
    )
    logged = set(target.listening_entries.values_list("activity_id", "day"))
    written += len(
        ListeningEntry.objects.bulk_create(
            ListeningEntry(
                enrolment=target,
                activity_id=e.activity_id,
                day=e.day,
                followed=e.followed,
                learned=e.learned,
                created_at=e.created_at,
                updated_at=e.updated_at,
            )
            for e in source.listening_entries.all()
            if (e.activity_id, e.day) not in logged
        )
    )
    reflected = set(target.reflections.values_list("activity_id", flat=True))
    written += len(
        Reflection.objects.bulk_create(
            Reflection(
                enrolment=target,
                activity_id=r.activity_id,
                text=r.text,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in source.reflections.all()
            if r.activity_id not in reflected
        )
    )
    checked = set(target.checkins.values_list("recorded_on", flat=True))
    written += len(
        FollowingCheckin.objects.bulk_create(
            FollowingCheckin(
                enrolment=target,
                recorded_on=c.recorded_on,
                followers=c.followers,
                account=c.account,
                created_at=c.created_at,
            )
            for c in source.checkins.all()
            if c.recorded_on not in checked
        )
    )
    written += _practice_copy(source, target, now)
    if written:
        params = {"brought_work": True}
        HistoryEvent.objects.create(
            enrolment=target,
            kind=HistoryEvent.Kind.ENROLLED,
            params=params,
            summary=history_summary(
                kind=HistoryEvent.Kind.ENROLLED, params=params, activity=None, programme=None
            ),
            created_at=now,
        )
    return written


def _practice_copy(source: Enrolment, target: Enrolment, now: datetime.datetime) -> int:
    """The newest piece of practice work per activity, waiting for review; the
    learner's self-assessment stays behind with the old trainer's verdicts."""
    waiting = set(target.submissions.values_list("activity_id", flat=True))
    newest: dict[int, Submission] = {}
    for submission in source.submissions.order_by("created_at"):
        newest[submission.activity_id] = submission
    return len(
        Submission.objects.bulk_create(
            Submission(
                enrolment=target,
                activity_id=s.activity_id,
                text=s.text,
                link=s.link,
                status=Submission.Status.SUBMITTED,
                created_at=now,
            )
            for activity_id, s in newest.items()
            if activity_id not in waiting
        )
    )
