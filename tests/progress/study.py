"""Helpers of the completion tests: activities of the shipped programme found by
stage and kind, quiz answers, and finishing an activity of any kind."""

import datetime

from django.utils import timezone

from curriculum.models import REVIEWED_KINDS, Activity
from progress import services
from progress.models import Completion, Enrolment, ListeningEntry
from progress.timemodel import required_listening_days

Kind = Activity.Kind


def live(stage: str, kind: str, *, module: str | None = None) -> Activity:
    """The first live activity of this kind in the stage (or module), in programme order."""
    activities = Activity.objects.live().filter(module__stage__slug=stage, kind=kind)
    if module is not None:
        activities = activities.filter(module__slug=module)
    found = activities.select_related("module__stage").first()
    assert found is not None, f"the shipped programme has no {kind} in {stage}"
    return found


def open_paper(enrolment: Enrolment, quiz: Activity) -> list[dict]:
    """The questions of the learner's open attempt, in the order shown."""
    return services.quiz_attempt_open(enrolment=enrolment, activity=quiz).paper


def quiz_answers(paper: list[dict], correct: int) -> dict[str, list[str]]:
    """Raw answers to a paper, as its form posts them (positions of the
    choices shown), with the first `correct` questions right."""
    raw = {}
    for index, question in enumerate(paper):
        right = [str(n) for n, choice in enumerate(question["choices"]) if choice["correct"]]
        wrong = next(
            str(n) for n, choice in enumerate(question["choices"]) if not choice["correct"]
        )
        raw[str(index)] = right if index < correct else [wrong]
    return raw


def words(count: int) -> str:
    return " ".join(f"word{n}" for n in range(count))


def local_today(enrolment: Enrolment) -> datetime.date:
    return enrolment.local_today(timezone.now())


def log_earlier_days(
    enrolment: Enrolment, activity: Activity, days: int, *, every: int = 1
) -> None:
    """Listening entries on `days` local days before today, one every `every`
    days going back, written directly."""
    today = local_today(enrolment)
    now = timezone.now()
    ListeningEntry.objects.bulk_create(
        ListeningEntry(
            enrolment=enrolment,
            activity=activity,
            day=today - datetime.timedelta(days=back * every),
            followed="The ministry's accounts",
            learned="Something worth keeping",
            created_at=now,
            updated_at=now,
        )
        for back in range(1, days + 1)
    )


def finish(enrolment: Enrolment, activity: Activity) -> None:
    """Completes one activity through its own service, as a self-paced learner would."""
    if activity.kind == Kind.READING:
        services.reading_mark_read(enrolment=enrolment, activity=activity)
    elif activity.kind == Kind.QUIZ:
        paper = open_paper(enrolment, activity)
        answers = quiz_answers(paper, correct=len(paper))
        services.quiz_submit(enrolment=enrolment, activity=activity, raw_answers=answers)
    elif activity.kind == Kind.RESOURCES:
        for resource in activity.resources.filter(retired_at__isnull=True)[: activity.required]:
            services.resource_follow(enrolment=enrolment, resource=resource)
    elif activity.kind == Kind.LISTENING_LOG:
        # Every other day: twelve days then span more than three weeks.
        needed = required_listening_days(activity.required_days, enrolment.length_days)
        log_earlier_days(enrolment, activity, needed - 1, every=2)
        services.listening_entry_save(
            enrolment=enrolment, activity=activity, followed="Feeds", learned="Context"
        )
    elif activity.kind in REVIEWED_KINDS:
        services.practice_submit(
            enrolment=enrolment,
            activity=activity,
            text="My work",
            link="",
            self_assessment={str(i): True for i in range(len(activity.rubric))},
        )
    elif activity.kind == Kind.REFLECTION:
        services.reflection_save(
            enrolment=enrolment, activity=activity, text=words(activity.min_words)
        )
    elif activity.kind == Kind.CHECKIN:
        services.checkin_record(enrolment=enrolment, activity=activity, followers=10, account="")
    assert Completion.objects.filter(enrolment=enrolment, activity=activity).exists()


def completed(enrolment: Enrolment, activity: Activity) -> bool:
    return Completion.objects.filter(enrolment=enrolment, activity=activity).exists()
