"""Writes of learner data. Each service runs in one transaction, locks the
enrolment row so one learner's writes never interleave, and leaves standings
and milestones up to date before it commits."""

import datetime
import random
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import audit_record
from competences.models import Standing
from curriculum.grading import QuizResult, Retakes, clean_answers, grade, paper_draw, retakes
from curriculum.models import ACCEPTING_LEVELS, Activity, Programme, Resource, RubricLevel
from curriculum.selectors import programme_outline
from ediplomacy.lib.text import word_count
from progress import timemodel
from progress.assessments import snapshots_refresh
from progress.history import history_summary
from progress.models import (
    AlternativeEvidence,
    Completion,
    CriterionMark,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    MilestoneAchievement,
    Nudge,
    Pause,
    QuizAttempt,
    QuizDraw,
    QuizGrant,
    Reflection,
    Submission,
)
from progress.nudges.events import nudge_event
from progress.state import following_is_stable, learner_state


class StudyError(Exception):
    """A learner's action that cannot be done, with a message to show them."""


class AlreadyEnrolled(StudyError):
    pass


class QuizClosed(StudyError):
    """No new attempt may start now; `retakes` says why and until when."""

    def __init__(self, message: str, retakes: Retakes):
        super().__init__(message)
        self.retakes = retakes


class AttemptAlreadyChecked(StudyError):
    """Answers posted for a paper that was graded already (a second click, an old tab)."""


# Draws and shuffles must not be predictable from the outside; tests pass a
# seeded `random.Random` instead.
_UNPREDICTABLE = random.SystemRandom()


def enrolment_create(
    *,
    user: User,
    programme: Programme,
    started_at: datetime.datetime | None = None,
    length_days: int | None = None,
    cohort=None,
    welcome: bool = True,
    snapshot: bool = True,
) -> Enrolment:
    """Enrols the user; `welcome=False` for records written after the fact
    (demo data, imports), which are not news to anyone; `snapshot=False` for
    callers that enrol many and assess them together (`snapshots_refresh`)."""
    started_at = started_at or timezone.now()
    length_days = length_days or (cohort.length_days if cohort is not None else 365)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                user=user,
                programme=programme,
                cohort=cohort,
                started_at=started_at,
                length_days=length_days,
            )
            _history(enrolment, HistoryEvent.Kind.ENROLLED, min(started_at, timezone.now()))
            if welcome:
                nudge_event(
                    recipient_id=user.pk,
                    rule=Nudge.Rule.WELCOME,
                    subject=f"enrolment:{enrolment.pk}",
                    period="once",
                    now=timezone.now(),
                    enrolment=enrolment,
                )
    except IntegrityError:
        raise AlreadyEnrolled("You are already enrolled in this programme.") from None
    if snapshot:
        _snapshot(enrolment, timezone.now())
    return enrolment


def _audit_enrolment(enrolment: Enrolment, by: User, action: str, **detail) -> None:
    # A learner pausing their own self-paced programme concerns no organisation.
    organisation = enrolment.cohort.organisation_id if enrolment.cohort_id else None
    audit_record(
        actor=by, action=action, target=enrolment.user.email, organisation=organisation, **detail
    )


def _snapshot(enrolment: Enrolment, now: datetime.datetime) -> None:
    snapshots_refresh([Enrolment.objects.get(pk=enrolment.pk)], now)


def _is_recent(moment: datetime.datetime) -> bool:
    # Backfilled history (imports, demo data) is not news: no message for it.
    return moment >= timezone.now() - datetime.timedelta(days=1)


def _lock(enrolment: Enrolment) -> Enrolment:
    locked = Enrolment.objects.select_for_update().select_related("user").get(pk=enrolment.pk)
    if locked.status == Enrolment.Status.WITHDRAWN:
        raise StudyError(_("This enrolment has been withdrawn; ask your trainer to restore it."))
    return locked


def _history(enrolment, kind, now, activity=None, *, actor=None, **params) -> None:
    """One line of the learner's history: its facts (`params`), said in the
    reader's language when shown, and in English in `summary`. Neither names
    `actor`: pages add "by <name>" from the account."""
    HistoryEvent.objects.create(
        enrolment=enrolment,
        kind=kind,
        activity=activity,
        params=params,
        summary=history_summary(
            kind=kind,
            params=params,
            activity=activity.title if activity is not None else None,
            # Only a start names the programme (joining names the cohort).
            programme=(
                enrolment.programme.title
                if kind == HistoryEvent.Kind.ENROLLED and not params
                else None
            ),
        ),
        created_at=now,
        actor=actor,
    )


def _touch(enrolment: Enrolment, now: datetime.datetime) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=now)


def _complete(enrolment: Enrolment, activity: Activity, now: datetime.datetime) -> bool:
    """Records a completion once; returns whether this call recorded it."""
    _unused, created = Completion.objects.get_or_create(
        enrolment=enrolment, activity=activity, defaults={"completed_at": now}
    )
    if created:
        _history(enrolment, HistoryEvent.Kind.COMPLETED, now, activity)
        progress_refresh(enrolment=enrolment, now=now)
    return created


def _pauses(enrolment: Enrolment) -> list[timemodel.Pause]:
    return [timemodel.Pause(p.started_at, p.ended_at) for p in enrolment.pauses.all()]


def _stable_following(enrolment: Enrolment) -> bool:
    rows = list(enrolment.checkins.values_list("recorded_on", "followers"))
    approved = enrolment.alternative_evidence.filter(
        status=AlternativeEvidence.Status.APPROVED
    ).exists()
    return following_is_stable(rows, enrolment.length_days, alternative_approved=approved)


def progress_refresh(*, enrolment: Enrolment, now: datetime.datetime) -> None:
    """Brings the learner's competence standings and milestones up to date."""
    outline = programme_outline(enrolment.programme)
    completed = set(enrolment.completions.values_list("activity_id", flat=True))
    state = learner_state(outline, completed)

    standings = {s.competence_id: s for s in Standing.objects.filter(user=enrolment.user_id)}
    for stage in state.stages:
        competence = stage.stage.competence
        if competence is None:
            continue
        share = stage.done / stage.total if stage.total else 1.0
        if stage.complete:
            new_state = Standing.State.DEMONSTRATED
        elif stage.done:
            new_state = Standing.State.IN_PROGRESS
        else:
            new_state = Standing.State.NOT_STARTED
        standing = standings.get(competence.pk)
        if standing is None:
            standing = Standing(user_id=enrolment.user_id, competence=competence)
        elif (standing.state, round(standing.share_done, 4)) == (new_state, round(share, 4)):
            continue
        standing.state = new_state
        standing.share_done = share
        if new_state == Standing.State.DEMONSTRATED:
            standing.demonstrated_at = standing.demonstrated_at or now
        else:
            standing.demonstrated_at = None
        standing.save()

    work = state.milestone_work(stable_following=_stable_following(enrolment))
    pauses = _pauses(enrolment)
    due = timemodel.due_dates(enrolment.started_at, enrolment.length_days, pauses, now)
    achieved = set(enrolment.achievements.values_list("milestone", flat=True))
    for milestone in timemodel.Milestone:
        facts = work[milestone]
        if milestone.value in achieved or facts.done < facts.required:
            continue
        _unused, created = MilestoneAchievement.objects.get_or_create(
            enrolment=enrolment,
            milestone=milestone.value,
            defaults={
                "achieved_at": now,
                "on_time": now <= due[milestone],
                "time_share": timemodel.time_share(
                    milestone, enrolment.started_at, enrolment.length_days, pauses, now
                ),
            },
        )
        if created:
            _history(enrolment, HistoryEvent.Kind.MILESTONE, now, milestone=milestone.value)
            if _is_recent(now):
                nudge_event(
                    recipient_id=enrolment.user_id,
                    rule=Nudge.Rule.MILESTONE_ACHIEVED,
                    subject=f"enrolment:{enrolment.pk}",
                    period=milestone.value,
                    now=now,
                    enrolment=enrolment,
                    milestone=milestone.value,
                )
            if milestone is timemodel.Milestone.ACTIVE:
                # Only a running enrolment completes: a paused or withdrawn one
                # keeps its status (a trainer may accept its last task).
                Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.ACTIVE).update(
                    status=Enrolment.Status.COMPLETED, completed_at=now
                )
    _snapshot(enrolment, now)


@transaction.atomic
def reading_mark_read(*, enrolment: Enrolment, activity: Activity) -> bool:
    enrolment = _lock(enrolment)
    now = timezone.now()
    _touch(enrolment, now)
    return _complete(enrolment, activity, now)


def quiz_retakes(*, enrolment: Enrolment, activity: Activity, now: datetime.datetime) -> Retakes:
    """Whether this learner may start an attempt at the quiz now (two queries)."""
    return retakes(
        activity.retake_policy,
        attempted_at=list(
            QuizAttempt.objects.filter(enrolment=enrolment, activity=activity).values_list(
                "created_at", flat=True
            )
        ),
        granted_at=list(
            QuizGrant.objects.filter(enrolment=enrolment, activity=activity).values_list(
                "created_at", flat=True
            )
        ),
        has_trainer=enrolment.has_trainer,
        now=now,
    )


def _draw_open(
    enrolment: Enrolment, activity: Activity, now: datetime.datetime, rng: random.Random | None
) -> QuizDraw:
    standing = quiz_retakes(enrolment=enrolment, activity=activity, now=now)
    if not standing.can_start:
        if standing.next_at is None:
            message = (
                f"You have used your {standing.used} attempts at this quiz; "
                "your trainer can grant you another."
            )
        else:
            message = "You cannot start another attempt at this quiz yet."
        raise QuizClosed(message, standing)
    paper = paper_draw(activity.questions, draw=activity.draw, rng=rng or _UNPREDICTABLE)
    return QuizDraw.objects.create(
        enrolment=enrolment, activity=activity, paper=paper, created_at=now
    )


@transaction.atomic
def quiz_attempt_open(
    *, enrolment: Enrolment, activity: Activity, rng: random.Random | None = None
) -> QuizDraw:
    """The learner's open paper for this quiz, drawn now if none is open.

    Raises `QuizClosed` when the retake policy allows no new attempt yet. The
    same paper comes back until it is submitted, so reloading neither
    reshuffles it nor draws other questions.
    """
    enrolment = _lock(enrolment)
    draw = QuizDraw.objects.filter(enrolment=enrolment, activity=activity).first()
    return draw or _draw_open(enrolment, activity, timezone.now(), rng)


@transaction.atomic
def quiz_submit(
    *,
    enrolment: Enrolment,
    activity: Activity,
    raw_answers: Mapping[str, Sequence],
    draw_id: int | None = None,
    rng: random.Random | None = None,
) -> tuple[QuizAttempt, QuizResult]:
    """Grades the learner's open paper against the content copied onto it.

    `raw_answers` maps a question's position on the paper to the positions
    of the choices ticked, as the form posts them; they are turned into the
    options shown there, so nothing the form says decides what is correct.
    With `draw_id` (the page's paper), answers for any other paper are
    refused. Without it, the open paper is graded, drawn now if none is open
    (callers that answer without a page).

    Which score counts: the first passing attempt completes the quiz, and no
    later attempt undoes it; pages show the best score.
    """
    enrolment = _lock(enrolment)
    now = timezone.now()
    draw = QuizDraw.objects.filter(enrolment=enrolment, activity=activity).first()
    if draw_id is not None and (draw is None or draw.pk != draw_id):
        raise AttemptAlreadyChecked(
            "Those answers were for an attempt that has already been checked."
        )
    if draw is None:
        draw = _draw_open(enrolment, activity, now, rng)
    answers = clean_answers(draw.paper, raw_answers)
    result = grade(draw.paper, answers, activity.pass_mark)
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment,
        activity=activity,
        paper=draw.paper,
        answers=answers,
        score=result.score,
        passed=result.passed,
        created_at=now,
    )
    draw.delete()
    _history(enrolment, HistoryEvent.Kind.QUIZ_ATTEMPT, now, activity, score=result.score)
    _touch(enrolment, now)
    if result.passed:
        _complete(enrolment, activity, now)
    return attempt, result


@transaction.atomic
def quiz_attempt_grant(*, enrolment: Enrolment, activity: Activity, by: User) -> QuizGrant:
    """A trainer grants one more attempt at a quiz, beyond its cap and its cooldown."""
    enrolment = _lock(enrolment)
    if activity.kind != Activity.Kind.QUIZ:
        raise StudyError(_("Only a quiz has attempts to grant."))
    now = timezone.now()
    grant = QuizGrant.objects.create(
        enrolment=enrolment, activity=activity, granted_by=by, created_at=now
    )
    _history(enrolment, HistoryEvent.Kind.ATTEMPT_GRANTED, now, activity, actor=by)
    _audit_enrolment(enrolment, by, "quiz.grant_attempt", quiz=activity.title)
    return grant


@transaction.atomic
def resource_follow(*, enrolment: Enrolment, resource: Resource, follow: bool = True) -> int:
    """Follows (or unfollows) a core resource; returns how many the learner follows."""
    enrolment = _lock(enrolment)
    now = timezone.now()
    activity = resource.activity
    if follow:
        Follow.objects.get_or_create(
            enrolment=enrolment, resource=resource, defaults={"created_at": now}
        )
    else:
        # A completion already earned stays: it records what happened.
        Follow.objects.filter(enrolment=enrolment, resource=resource).delete()
    following = Follow.objects.filter(
        enrolment=enrolment, resource__activity=activity, resource__retired_at__isnull=True
    ).count()
    _touch(enrolment, now)
    if following >= activity.required:
        _complete(enrolment, activity, now)
    return following


@transaction.atomic
def listening_entry_save(
    *, enrolment: Enrolment, activity: Activity, followed: str, learned: str
) -> ListeningEntry:
    """Saves today's entry (the learner's local day); a second save edits it."""
    enrolment = _lock(enrolment)
    now = timezone.now()
    day = enrolment.local_today(now)
    entry, created = ListeningEntry.objects.update_or_create(
        enrolment=enrolment,
        activity=activity,
        day=day,
        defaults={"followed": followed.strip(), "learned": learned.strip(), "updated_at": now},
        create_defaults={
            "followed": followed.strip(),
            "learned": learned.strip(),
            "created_at": now,
            "updated_at": now,
        },
    )
    if created:
        _history(enrolment, HistoryEvent.Kind.LOGGED, now, activity, day=day.isoformat())
    days = ListeningEntry.objects.filter(enrolment=enrolment, activity=activity).values_list(
        "day", flat=True
    )
    _touch(enrolment, now)
    habit = timemodel.listening_progress(
        days,
        required_days=activity.required_days,
        required_weeks=activity.required_weeks,
        length_days=enrolment.length_days,
    )
    if habit.met:
        _complete(enrolment, activity, now)
    return entry


@transaction.atomic
def practice_submit(
    *,
    enrolment: Enrolment,
    activity: Activity,
    text: str,
    link: str,
    self_assessment: Mapping[str, bool] | None = None,
) -> Submission:
    """Hands in practice work. With a trainer it waits for review; a self-paced
    learner assesses it against the rubric, and it counts when every criterion is met."""
    enrolment = _lock(enrolment)
    now = timezone.now()
    text, link = text.strip(), link.strip()
    if not text and not link:
        raise StudyError(_("Add your work as text, a link, or both."))
    if Completion.objects.filter(enrolment=enrolment, activity=activity).exists():
        raise StudyError(_("This practice task is already complete."))
    if enrolment.has_trainer:
        if Submission.objects.filter(
            enrolment=enrolment, activity=activity, status=Submission.Status.SUBMITTED
        ).exists():
            raise StudyError(_("Your work is already waiting for review."))
        submission = Submission.objects.create(
            enrolment=enrolment, activity=activity, text=text, link=link, created_at=now
        )
        _history(enrolment, HistoryEvent.Kind.SUBMITTED, now, activity)
    else:
        assessment = {
            str(i): bool((self_assessment or {}).get(str(i))) for i in range(len(activity.rubric))
        }
        submission = Submission.objects.create(
            enrolment=enrolment,
            activity=activity,
            text=text,
            link=link,
            self_assessment=assessment,
            status=Submission.Status.SELF_ASSESSED,
            created_at=now,
        )
        _history(enrolment, HistoryEvent.Kind.SUBMITTED, now, activity, self_assessed=True)
        if all(assessment.values()):
            _complete(enrolment, activity, now)
    _touch(enrolment, now)
    return submission


class MarksError(StudyError):
    """Marks that do not fit the rubric or the decision, by criterion id."""

    def __init__(self, message: str, by_criterion: dict[int, str]):
        super().__init__(message)
        self.by_criterion = by_criterion


def _check_marks(activity: Activity, marks: Mapping[int, str], accept: bool) -> None:
    """Every live criterion needs a level, and accepting needs each to meet or exceed."""
    problems = {}
    for criterion in activity.rubric:
        level = marks.get(criterion.pk)
        if level not in RubricLevel.values:
            problems[criterion.pk] = "Choose a level for this criterion."
        elif accept and level not in ACCEPTING_LEVELS:
            problems[criterion.pk] = (
                "Work is accepted only when every criterion meets or exceeds; "
                "return it, or change this level."
            )
    unknown = set(marks) - {criterion.pk for criterion in activity.rubric}
    if unknown:
        raise StudyError(_("These marks are for criteria this task does not have."))
    if problems:
        raise MarksError(_("Some criteria need a level that fits the decision."), problems)


@transaction.atomic
def submission_review(
    *,
    submission: Submission,
    reviewer: User,
    accept: bool,
    feedback: str,
    marks: Mapping[int, str] | None = None,
) -> Submission:
    """Accepts practice work (completing the task) or returns it with feedback,
    with a level for each criterion of its rubric (`marks`: criterion id to a
    `RubricLevel`). Work is accepted only when every criterion meets or exceeds.

    Only a waiting submission changes: a second click, or two reviewers at
    once, finds it already reviewed, and neither writes marks twice.
    """
    feedback = feedback.strip()
    marks = dict(marks or {})
    if not accept and not feedback:
        raise StudyError(_("Say what to improve when you return work."))
    _check_marks(submission.activity, marks, accept)
    now = timezone.now()
    status = Submission.Status.ACCEPTED if accept else Submission.Status.RETURNED
    changed = Submission.objects.filter(
        pk=submission.pk, status=Submission.Status.SUBMITTED
    ).update(status=status, feedback=feedback, reviewed_by=reviewer, reviewed_at=now)
    if changed != 1:
        raise StudyError(_("This work has already been reviewed."))
    CriterionMark.objects.bulk_create(
        CriterionMark(submission=submission, criterion_id=criterion_id, level=level)
        for criterion_id, level in marks.items()
    )
    submission.refresh_from_db()
    enrolment = Enrolment.objects.select_for_update().get(pk=submission.enrolment_id)
    _history(
        enrolment,
        HistoryEvent.Kind.REVIEWED,
        now,
        submission.activity,
        actor=reviewer,
        accepted=accept,
    )
    nudge_event(
        recipient_id=enrolment.user_id,
        rule=Nudge.Rule.REVIEWED,
        subject=f"submission:{submission.pk}",
        period=status,
        now=now,
        enrolment=enrolment,
        submission=submission,
    )
    audit_record(
        actor=reviewer,
        action="submission.accept" if accept else "submission.return",
        target=f"{enrolment.user.email}: {submission.activity.title}",
        organisation=enrolment.cohort.organisation_id if enrolment.cohort_id else None,
    )
    if accept:
        _complete(enrolment, submission.activity, now)
    return submission


@transaction.atomic
def contribution_record(
    *, enrolment: Enrolment, activity: Activity, now: datetime.datetime
) -> bool:
    """Completes an activity that another app judged done (a discussion
    activity, by a contribution long enough); returns whether it recorded it."""
    enrolment = _lock(enrolment)
    _touch(enrolment, now)
    return _complete(enrolment, activity, now)


@transaction.atomic
def reflection_save(*, enrolment: Enrolment, activity: Activity, text: str) -> Reflection:
    enrolment = _lock(enrolment)
    now = timezone.now()
    text = text.strip()
    words = word_count(text)
    if words < activity.min_words:
        raise StudyError(
            ngettext(
                "Write at least %(count)s word; you have %(words)s.",
                "Write at least %(count)s words; you have %(words)s.",
                activity.min_words,
            )
            % {"count": activity.min_words, "words": words}
        )
    reflection, _unused = Reflection.objects.update_or_create(
        enrolment=enrolment,
        activity=activity,
        defaults={"text": text, "updated_at": now},
        create_defaults={"text": text, "created_at": now, "updated_at": now},
    )
    _touch(enrolment, now)
    _complete(enrolment, activity, now)
    return reflection


@transaction.atomic
def checkin_record(
    *, enrolment: Enrolment, activity: Activity, followers: int, account: str, recorded_on=None
) -> FollowingCheckin:
    """Records today's follower count (a second record the same day replaces it)."""
    enrolment = _lock(enrolment)
    now = timezone.now()
    if followers < 0:
        raise StudyError(_("A follower count cannot be negative."))
    day = recorded_on or enrolment.local_today(now)
    checkin, _unused = FollowingCheckin.objects.update_or_create(
        enrolment=enrolment,
        recorded_on=day,
        defaults={"followers": followers, "account": account.strip()},
        create_defaults={"followers": followers, "account": account.strip(), "created_at": now},
    )
    _history(enrolment, HistoryEvent.Kind.CHECKED_IN, now, activity, followers=followers)
    _touch(enrolment, now)
    if not _complete(enrolment, activity, now):
        # The year milestone also depends on the following holding over time.
        progress_refresh(enrolment=enrolment, now=now)
    return checkin


@transaction.atomic
def enrolment_pause(*, enrolment: Enrolment, by: User, reason: str = "") -> Pause:
    enrolment = _lock(enrolment)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise StudyError(_("Only an active enrolment can be paused."))
    now = timezone.now()
    reason = reason.strip()
    pause = Pause.objects.create(enrolment=enrolment, started_at=now, reason=reason, created_by=by)
    _audit_enrolment(enrolment, by, "enrolment.pause", reason=reason)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.PAUSED)
    if reason:
        _history(enrolment, HistoryEvent.Kind.PAUSED, now, actor=by, reason=reason)
    else:
        _history(enrolment, HistoryEvent.Kind.PAUSED, now, actor=by)
    _snapshot(enrolment, now)
    return pause


@transaction.atomic
def enrolment_resume(*, enrolment: Enrolment, by: User) -> None:
    enrolment = _lock(enrolment)
    now = timezone.now()
    updated = Pause.objects.filter(enrolment=enrolment, ended_at__isnull=True).update(ended_at=now)
    if not updated:
        raise StudyError(_("This enrolment is not paused."))
    # Resuming is activity: the time away does not count as inactivity.
    Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.PAUSED).update(
        status=Enrolment.Status.ACTIVE, last_activity_at=now
    )
    _history(enrolment, HistoryEvent.Kind.RESUMED, now, actor=by)
    _audit_enrolment(enrolment, by, "enrolment.resume")
    _snapshot(enrolment, now)


@transaction.atomic
def alternative_evidence_submit(
    *, enrolment: Enrolment, activity: Activity, source: str, description: str
) -> AlternativeEvidence:
    """Offers alternative evidence in place of a professional account's follower
    check-ins, for the learner's trainer to approve. Self-paced learners have
    no trainer to approve it."""
    enrolment = _lock(enrolment)
    now = timezone.now()
    description = description.strip()
    if not enrolment.has_trainer:
        raise StudyError(
            _(
                "Alternative evidence needs a trainer's approval, and you are studying "
                "without a trainer: record the follower counts of a professional account instead."
            )
        )
    if source not in AlternativeEvidence.Source.values:
        raise StudyError(_("Choose where your evidence comes from."))
    if not description:
        raise StudyError(_("Describe your evidence, so your trainer can judge it."))
    evidence = AlternativeEvidence.objects.filter(enrolment=enrolment).exclude(
        status=AlternativeEvidence.Status.RETURNED
    )
    if any(item.status == AlternativeEvidence.Status.APPROVED for item in evidence):
        raise StudyError(_("Your alternative evidence is already approved."))
    if evidence:
        raise StudyError(_("Your alternative evidence is already waiting for your trainer."))
    created = AlternativeEvidence.objects.create(
        enrolment=enrolment,
        activity=activity,
        source=source,
        description=description,
        created_at=now,
    )
    _history(enrolment, HistoryEvent.Kind.EVIDENCE, now, activity)
    _touch(enrolment, now)
    return created


@transaction.atomic
def alternative_evidence_review(
    *, evidence: AlternativeEvidence, reviewer: User, approve: bool, feedback: str
) -> AlternativeEvidence:
    """Approves alternative evidence (it then counts as a stable following, and
    completes the check-in activity) or returns it with feedback. Only waiting
    evidence changes: a second reviewer finds it already decided."""
    feedback = feedback.strip()
    if not approve and not feedback:
        raise StudyError(_("Say what is missing when you return alternative evidence."))
    now = timezone.now()
    status = AlternativeEvidence.Status.APPROVED if approve else AlternativeEvidence.Status.RETURNED
    changed = AlternativeEvidence.objects.filter(
        pk=evidence.pk, status=AlternativeEvidence.Status.SUBMITTED
    ).update(status=status, feedback=feedback, reviewed_by=reviewer, reviewed_at=now)
    if changed != 1:
        raise StudyError(_("This evidence has already been reviewed."))
    evidence.refresh_from_db()
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "cohort")
        .get(pk=evidence.enrolment_id)
    )
    _history(
        enrolment,
        HistoryEvent.Kind.EVIDENCE,
        now,
        evidence.activity,
        actor=reviewer,
        approved=approve,
    )
    audit_record(
        actor=reviewer,
        action="alternative_evidence.approve" if approve else "alternative_evidence.return",
        target=f"{enrolment.user.email}: {evidence.get_source_display()}",
        organisation=enrolment.cohort.organisation_id if enrolment.cohort_id else None,
    )
    if approve and not _complete(enrolment, evidence.activity, now):
        progress_refresh(enrolment=enrolment, now=now)
    return evidence
