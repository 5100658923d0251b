"""Demo learners at every point of the time model, for `seed_demo`.

Each learner's story is written with past timestamps, then the same
`progress_refresh` the services use derives standings and milestones, so the
demo shows exactly what real use would.
"""

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from curriculum.models import REVIEWED_KINDS, Activity, Programme, RubricLevel
from progress import services
from progress.assessments import snapshots_refresh
from progress.history import history_summary
from progress.models import (
    Cohort,
    Completion,
    CriterionMark,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    Pause,
    QuizAttempt,
    Submission,
)

DAY = datetime.timedelta(days=1)


def _activities(programme: Programme, *stages: str) -> list[Activity]:
    return list(
        Activity.objects.live()
        .filter(module__stage__programme=programme, module__stage__slug__in=stages)
        .select_related("module__stage")
        .order_by("module__stage__order", "module__order", "order")
    )


def _complete(
    enrolment: Enrolment, activities: list[Activity], at: datetime.datetime, trainer=None
):
    """Writes the learner data behind each completion, then derives standings and milestones."""
    for activity in activities:
        if Completion.objects.filter(enrolment=enrolment, activity=activity).exists():
            continue
        if activity.kind == Activity.Kind.QUIZ:
            answers = {
                str(i): [n for n, c in enumerate(q["choices"]) if c["correct"]]
                for i, q in enumerate(activity.questions)
            }
            QuizAttempt.objects.create(
                enrolment=enrolment,
                activity=activity,
                answers=answers,
                score=100,
                passed=True,
                created_at=at,
            )
        elif activity.kind == Activity.Kind.RESOURCES:
            for resource in activity.resources.all()[: activity.required]:
                Follow.objects.get_or_create(
                    enrolment=enrolment, resource=resource, defaults={"created_at": at}
                )
        elif activity.kind == Activity.Kind.LISTENING_LOG:
            for back in range(activity.required_days):
                day = (at - back * DAY).date()
                ListeningEntry.objects.get_or_create(
                    enrolment=enrolment,
                    activity=activity,
                    day=day,
                    defaults={
                        "followed": "The ministry's accounts, two organisations, a policy blog.",
                        "learned": "How each source framed the day's main story.",
                        "created_at": at - back * DAY,
                        "updated_at": at - back * DAY,
                    },
                )
        elif activity.kind in REVIEWED_KINDS:
            submission = Submission.objects.create(
                enrolment=enrolment,
                activity=activity,
                text="My work for this task, following the brief and the rubric.",
                status=Submission.Status.ACCEPTED if trainer else Submission.Status.SELF_ASSESSED,
                self_assessment={}
                if trainer
                else {str(i): True for i in range(len(activity.rubric))},
                feedback="Clear and well sourced: accepted." if trainer else "",
                reviewed_by=trainer,
                reviewed_at=at if trainer else None,
                created_at=at - DAY,
            )
            if trainer:
                # A trainer's review marks each criterion: most work meets
                # it, and the first criterion of every other task goes beyond.
                CriterionMark.objects.bulk_create(
                    CriterionMark(
                        submission=submission,
                        criterion=criterion,
                        level=RubricLevel.EXCEEDS
                        if place == 0 and activity.pk % 2
                        else RubricLevel.MEETS,
                    )
                    for place, criterion in enumerate(activity.criteria.order_by("order"))
                )
        elif activity.kind == Activity.Kind.CHECKIN:
            FollowingCheckin.objects.get_or_create(
                enrolment=enrolment,
                recorded_on=at.date(),
                defaults={"followers": 150, "created_at": at},
            )
        Completion.objects.create(enrolment=enrolment, activity=activity, completed_at=at)
        HistoryEvent.objects.create(
            enrolment=enrolment,
            kind=HistoryEvent.Kind.COMPLETED,
            activity=activity,
            params={},
            summary=history_summary(
                kind=HistoryEvent.Kind.COMPLETED, params={}, activity=activity.title, programme=None
            ),
            created_at=at,
        )
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=at)
    services.progress_refresh(enrolment=enrolment, now=at)


def _curate_share(curate: list[Activity], share: float) -> list[Activity]:
    """The first Curate activities, `share` of them: the month's own work,
    which the schedule spreads over the month after the first day. Each story
    keeps its pace whatever the number of activities the stage holds."""
    return curate[: round(share * len(curate))]


def seed_learners(
    *, programme: Programme, ministry: Organisation, trainer: User, learners: dict[str, User]
) -> list[str]:
    """Creates each demo learner's enrolment once; returns a line per learner."""
    now = timezone.now()
    orientation = _activities(programme, "orientation")
    curate = _activities(programme, "curate")
    later = _activities(programme, "collaborate", "communicate", "create", "critique")

    autumn, _ = Cohort.objects.get_or_create(
        organisation=ministry,
        name="Autumn intake",
        defaults={"programme": programme, "starts_on": (now - 45 * DAY).date()},
    )
    veterans, _ = Cohort.objects.get_or_create(
        organisation=ministry,
        name="Last year's intake",
        defaults={"programme": programme, "starts_on": (now - 400 * DAY).date()},
    )
    for cohort in (autumn, veterans):
        cohort.trainers.add(trainer)

    stories = []

    def enrol(key: str, cohort, days_ago: float) -> Enrolment | None:
        user = learners[key]
        if Enrolment.objects.filter(user=user, programme=programme).exists():
            return None
        return services.enrolment_create(
            user=user,
            programme=programme,
            cohort=cohort,
            started_at=now - days_ago * DAY,
            welcome=days_ago < 1,  # only today's enrolment is news
        )

    if enrol("fresh", autumn, 0.01):
        stories.append("fresh: enrolled today, nothing done yet")

    if enrolment := enrol("on_track", autumn, 12):
        _complete(enrolment, orientation, enrolment.started_at + 0.5 * DAY, trainer)
        _complete(enrolment, _curate_share(curate, 0.45), now - 1 * DAY, trainer)
        stories.append("on track: twelve days in, Acquainted on time, e-Listener on track")

    if enrolment := enrol("ahead", autumn, 10):
        _complete(enrolment, orientation, enrolment.started_at + 0.3 * DAY, trainer)
        waiting = [a for a in curate if a.kind == Activity.Kind.PRACTICE][-1]
        _complete(enrolment, [a for a in curate if a != waiting], now - 2 * DAY, trainer)
        Submission.objects.create(
            enrolment=enrolment,
            activity=waiting,
            text="My digest of this week's listening, with sources and a note on reliability.",
            created_at=now - 1 * DAY,
        )
        stories.append("ahead: ten days in, nearly an e-Listener, practice work waiting for review")

    if enrolment := enrol("behind", autumn, 20):
        _complete(enrolment, orientation, enrolment.started_at + 3 * DAY, trainer)
        _complete(enrolment, _curate_share(curate, 0.25), now - 9 * DAY, trainer)
        stories.append("behind: twenty days in, Acquainted late, at risk for e-Listener")

    if enrolment := enrol("overdue", autumn, 45):
        _complete(enrolment, orientation, enrolment.started_at + 0.8 * DAY, trainer)
        _complete(enrolment, _curate_share(curate, 0.6), now - 20 * DAY, trainer)
        stories.append("overdue: forty-five days in, e-Listener overdue")

    if enrolment := enrol("paused", autumn, 25):
        _complete(enrolment, orientation, enrolment.started_at + 0.5 * DAY, trainer)
        _complete(enrolment, _curate_share(curate, 0.45), now - 11 * DAY, trainer)
        Pause.objects.create(
            enrolment=enrolment,
            started_at=now - 10 * DAY,
            reason="Crisis posting",
            created_by=trainer,
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.PAUSED)
        stories.append("paused: on a crisis posting for the last ten days")

    if enrolment := enrol("achieved", veterans, 400):
        start = enrolment.started_at
        _complete(enrolment, orientation, start + 0.6 * DAY, trainer)
        _complete(enrolment, curate, start + 26 * DAY, trainer)
        for month, followers in enumerate([120, 180, 240, 310, 420], start=6):
            FollowingCheckin.objects.get_or_create(
                enrolment=enrolment,
                recorded_on=(start + month * 30 * DAY).date(),
                defaults={
                    "followers": followers,
                    "account": "@demo_diplomat",
                    "created_at": start + month * 30 * DAY,
                },
            )
        _complete(enrolment, later, start + 330 * DAY, trainer)
        stories.append("achieved: all three milestones reached on time")

    if enrolment := enrol("self_paced", None, 3):
        _complete(enrolment, orientation, enrolment.started_at + 0.9 * DAY)
        stories.append("self-paced: no cohort, orientation done")
    # Each story was written in the past; the reports' snapshot is of today.
    snapshots_refresh(list(Enrolment.objects.filter(user__in=learners.values())), now)
    return stories
