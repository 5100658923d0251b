import dataclasses
import datetime
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from curriculum.grading import retakes
from curriculum.models import REVIEWED_KINDS, Activity, Programme
from curriculum.selectors import DEFAULT_PROGRAMME_SLUG, programme_outline
from progress import charts, timemodel
from progress.models import (
    AlternativeEvidence,
    CriterionMark,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    Nudge,
    Pause,
    QuizAttempt,
    QuizGrant,
    Reflection,
    Submission,
)
from progress.nudges.content import nudge_content
from progress.state import LearnerState, following_is_stable, learner_state
from progress.wording import pace_message


def learner_default_enrolment(user) -> Enrolment | None:
    """The learner's enrolment in the default programme (as `programme_default`
    chooses it), with its cohort, programme and user: one query, where finding
    the programme first and then the enrolment took two on every page.

    A learner may hold withdrawn enrolments beside the open one (each stays
    with its cohort's organisation): the open one wins, then the newest."""
    default = Programme.objects.filter(slug=DEFAULT_PROGRAMME_SLUG).order_by().values("pk")[:1]
    first = Programme.objects.order_by("pk").values("pk")[:1]
    return (
        Enrolment.objects.filter(
            user=user, programme_id=Coalesce(Subquery(default), Subquery(first))
        )
        .select_related("cohort", "programme", "user")
        .order_by(
            Case(
                When(status=Enrolment.Status.WITHDRAWN, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-created_at",
            "-pk",
        )
        .first()
    )


def learner_progress(enrolment: Enrolment) -> LearnerState:
    # One query, this learner's completions, once the outline is built.
    outline = programme_outline(enrolment.programme)
    completed = set(enrolment.completions.values_list("activity_id", flat=True))
    return learner_state(outline, completed)


def activity_detail(
    enrolment: Enrolment, activity: Activity, now: datetime.datetime | None = None
) -> dict:
    """What one activity page shows about this learner's work on it.

    At most two queries, whatever the learner's history.
    """
    kind = activity.kind
    if kind == Activity.Kind.QUIZ:
        # Attempts are few (the retake policy caps them): read their times
        # and scores, not their papers, and judge the next one from them.
        attempts = list(
            QuizAttempt.objects.filter(enrolment=enrolment, activity=activity).only(
                "pk", "created_at", "score", "passed"
            )
        )
        granted = list(
            QuizGrant.objects.filter(enrolment=enrolment, activity=activity).values_list(
                "created_at", flat=True
            )
        )
        return {
            "best_score": max((a.score for a in attempts), default=None),
            "recent_attempts": attempts[:5],
            "retakes": retakes(
                activity.retake_policy,
                attempted_at=[a.created_at for a in attempts],
                granted_at=granted,
                has_trainer=enrolment.has_trainer,
                now=now or timezone.now(),
            ),
        }
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
        habit = timemodel.listening_progress(
            (entry.day for entry in entries),
            required_days=activity.required_days,
            required_weeks=activity.required_weeks,
            length_days=enrolment.length_days,
        )
        return {
            "entries": entries,
            "habit": habit,
            "days_logged": habit.days,
            "days_required": habit.days_required,
        }
    if kind in REVIEWED_KINDS:
        submissions = list(
            Submission.objects.filter(enrolment=enrolment, activity=activity).select_related(
                "reviewed_by"
            )
        )
        # One query whether or not there is work yet (a prefetch skips it when there is none).
        marks: dict[int, list[CriterionMark]] = {}
        for mark in CriterionMark.objects.filter(
            submission__enrolment=enrolment, submission__activity=activity
        ).select_related("criterion"):
            marks.setdefault(mark.submission_id, []).append(mark)
        for submission in submissions:
            submission.review_marks = marks.get(submission.pk, [])
        waiting = next((s for s in submissions if s.status == Submission.Status.SUBMITTED), None)
        return {"submissions": submissions, "waiting": waiting}
    if kind == Activity.Kind.REFLECTION:
        return {
            "reflection": Reflection.objects.filter(enrolment=enrolment, activity=activity).first()
        }
    if kind == Activity.Kind.CHECKIN:
        checkins = list(FollowingCheckin.objects.filter(enrolment=enrolment))
        series = [(c.recorded_on, c.followers) for c in checkins]
        evidence = list(
            AlternativeEvidence.objects.filter(enrolment=enrolment).select_related("reviewed_by")
        )
        approved = any(item.status == AlternativeEvidence.Status.APPROVED for item in evidence)
        return {
            "checkins": checkins,
            "stable": following_is_stable(
                series, enrolment.length_days, alternative_approved=approved
            ),
            "evidence": evidence,
            "evidence_approved": approved,
            "evidence_waiting": any(
                item.status == AlternativeEvidence.Status.SUBMITTED for item in evidence
            ),
        }
    return {}


@dataclass(frozen=True)
class Dashboard:
    enrolment: Enrolment
    state: LearnerState
    assessment: timemodel.EnrolmentAssessment
    pace_message: str
    timeline: charts.Timeline
    calendar: charts.ListeningCalendar
    checkins: charts.CheckinChart | None
    stable_following: bool
    recent: list[HistoryEvent]
    open_pause: Pause | None
    notifications: list = field(default_factory=list)

    @property
    def milestones(self):
        return [
            {
                "assessment": item,
                "label": timemodel.MILESTONE_LABELS[item.milestone],
                "status": timemodel.PACE_LABELS[item.status],
                "tone": charts.PACE_TONES[item.status],
                "work_percent": round(100 * item.work_share),
                "expected_percent": round(100 * item.expected_share),
            }
            for item in self.assessment.milestones
        ]

    @property
    def pace_tone(self) -> str:
        return charts.PACE_TONES[self.assessment.pace]

    @property
    def competence_stages(self):
        return [stage for stage in self.state.stages if stage.stage.competence_id]


def _listening_days_to_go(
    state: LearnerState,
    entries: list,
    required_days: dict[int, int],
    enrolment: Enrolment,
    today: datetime.date,
) -> dict[str, int]:
    """Per curriculum horizon, the most days after today on which an
    unfinished listening log still needs an entry: a projection of the
    milestone cannot come sooner."""
    to_go: dict[str, int] = {}
    for stage in state.stages:
        for module in stage.modules:
            for item in module.activities:
                activity = item.activity
                if item.completed or activity.kind != Activity.Kind.LISTENING_LOG:
                    continue
                days = {day for activity_id, day in entries if activity_id == activity.pk}
                needed = timemodel.listening_days_after_today(
                    timemodel.required_listening_days(
                        required_days.get(activity.pk, 1), enrolment.length_days
                    ),
                    len(days),
                    today in days,
                )
                horizon = module.module.horizon
                to_go[horizon] = max(to_go.get(horizon, 0), needed)
    return to_go


def learner_dashboard(
    enrolment: Enrolment, now: datetime.datetime, *, for_trainer: bool = False
) -> Dashboard:
    """Everything the learner's dashboard shows (`for_trainer`: its sentences
    about the learner, for their trainer's page), in ten queries whatever the
    history: completions (learner_progress; the outline is built once per
    process), achievements, pauses, check-ins, approved alternative evidence,
    listening days, the listening logs' required days, recent history, recent
    notifications and their enrolments' pauses."""
    state = learner_progress(enrolment)
    achieved = {a.milestone: a.achieved_at for a in enrolment.achievements.all()}
    pauses = list(enrolment.pauses.all())
    checkins = list(enrolment.checkins.values_list("recorded_on", "followers"))
    alternative_approved = enrolment.alternative_evidence.filter(
        status=AlternativeEvidence.Status.APPROVED
    ).exists()
    entries = list(
        ListeningEntry.objects.filter(enrolment=enrolment).values_list("activity_id", "day")
    )
    logged = {day for _, day in entries}
    # The outline leaves activity settings out; the listening logs' own are read here.
    listening_days = {
        pk: Activity(config=config).required_days
        for pk, config in Activity.objects.filter(
            kind=Activity.Kind.LISTENING_LOG, module__stage__programme_id=enrolment.programme_id
        ).values_list("pk", "config")
    }
    recent = list(enrolment.history.for_lines()[:8])
    notifications = list(
        Nudge.objects.filter(recipient_id=enrolment.user_id, status=Nudge.Status.SENT)
        # What nudge_content reads: no query per notification.
        .select_related("recipient", "enrolment", "submission__activity__module__stage")
        .prefetch_related("enrolment__pauses")
        .order_by("-sent_at")[:3]
    )

    stable = following_is_stable(
        checkins, enrolment.length_days, alternative_approved=alternative_approved
    )
    days_to_go = _listening_days_to_go(
        state, entries, listening_days, enrolment, enrolment.local_today(now)
    )
    work = {
        milestone: dataclasses.replace(
            facts,
            achieved_at=achieved.get(milestone.value),
            days_to_go=max(
                (days_to_go.get(h, 0) for h in timemodel.horizons_needed(milestone)), default=0
            ),
        )
        for milestone, facts in state.milestone_work(stable_following=stable).items()
    }
    facts = timemodel.EnrolmentFacts(
        enrolment.started_at,
        enrolment.length_days,
        [timemodel.Pause(p.started_at, p.ended_at) for p in pauses],
        work=work,
    )
    assessment = timemodel.assess(facts, now)
    zone = enrolment.user.zone
    remaining = 0
    if assessment.next_milestone is not None:
        next_work = work[assessment.next_milestone]
        remaining = next_work.required - next_work.done
    return Dashboard(
        enrolment=enrolment,
        state=state,
        assessment=assessment,
        pace_message=pace_message(
            assessment,
            zone,
            now,
            remaining,
            about=enrolment.user.get_short_name() if for_trainer else None,
        ),
        timeline=charts.timeline(
            enrolment.started_at,
            enrolment.length_days,
            assessment.milestones,
            now,
            rtl=translation.get_language_bidi(),
        ),
        calendar=charts.listening_calendar(logged, enrolment.local_today(now)),
        checkins=charts.checkin_chart(checkins),
        stable_following=stable,
        recent=recent,
        open_pause=next((p for p in pauses if p.ended_at is None), None),
        notifications=[
            {"nudge": n, "subject": nudge_content(n, digest={"lines": n.digest})["subject"]}
            for n in notifications
        ],
    )
