"""The rows the services would have written for one learner's story.

`StoryRows(writer, batch, story).write()` adds them to a `copyload.Batch`:
completions, quiz attempts, follows, listening entries, submissions,
reflections, check-ins, pauses, milestone achievements, standings, history,
nudges, and last the enrolment with its snapshot, computed by the app's time
model (`timemodel.milestone_work`, `timemodel.assess`) and written by the
model's own `Enrolment.snapshot_apply`, from the same facts
`assess_enrolments` reads back.
"""

import datetime

from bench.copyload import NULL, Batch, copy_value, day, flag, opt, ts
from bench.stories import DAY, MINUTE, ActivityInfo, Story, StoryWriter
from curriculum.models import REVIEWED_KINDS
from progress import timemodel
from progress.history import history_summary
from progress.models import Enrolment
from progress.nudges.planner import REMINDERS
from progress.nudges.rules import inactive_after, is_due_soon
from progress.state import following_is_stable

LISTENING_FOLLOWED = "The ministry's accounts, two international organisations and a policy blog."
LISTENING_LEARNED = "How each source framed the day's main story, and which one broke it first."
PRACTICE_TEXT = (
    "My work for this task, following the brief and the rubric: a short digest of the week's "
    "listening with sources, a note on their reliability and a proposed message for the ministry."
)
REFLECTION_TEXT = (
    "Listening every day changed how I read the news: I now see who breaks a story, who frames "
    "it and who amplifies it, and I keep a short list of sources I trust for each region. "
) * 2
FEEDBACK = "Clear and well sourced: accepted."
# A real planner runs every 15 minutes, so most reminders it would plan
# already exist; this share is left for a planning run to find.
UNPLANNED_SHARE = 0.03


class StoryRows:
    """Turns one story into the rows the services would have written."""

    def __init__(self, writer: StoryWriter, batch: Batch, story: Story):
        self.writer = writer
        self.programme = writer.programme
        self.ids = writer.ids
        self.rng = writer.rng
        self.now = writer.now
        self.batch = batch
        self.story = story
        self.learner = story.learner
        self.enrolment = str(story.learner.enrolment_pk)
        self.moments: list[datetime.datetime] = []

    def history(self, kind: str, stamp: str, activity=None, actor=NULL, **params) -> None:
        """One history line; `stamp` is its time, already formatted by `ts`;
        `activity` the activity it concerns, `actor` whoever else acted (a
        trainer) and `params` its facts, as the services record them."""
        self.batch.add(
            "progress_historyevent",
            id=str(self.ids.next("progress_historyevent")),
            kind=kind,
            params=copy_value(params),
            # The titles are already in COPY's text format (`platform.read_programme`).
            summary=history_summary(
                kind=kind,
                params=params,
                activity=activity.title if activity is not None else None,
                programme=self.programme.title if kind == "enrolled" and not params else None,
            ),
            created_at=stamp,
            activity_id=str(activity.pk) if activity is not None else NULL,
            actor_id=actor,
            enrolment_id=self.enrolment,
        )

    def nudge(self, rule, subject, period, at, milestone="", submission=NULL) -> None:
        """A nudge already sent (and, for most older ones, read)."""
        rng = self.rng
        read = rng.random() < 0.6 and at + DAY < self.now
        stamp = ts(at)
        self.batch.add(
            "progress_nudge",
            id=str(self.ids.next("progress_nudge")),
            rule=rule,
            subject=subject,
            period=period,
            milestone=milestone,
            status="sent",
            email="sent" if rng.random() < 0.7 else "in_app",
            skip_reason="",
            not_before=stamp,
            created_at=stamp,
            claimed_at=stamp,
            sent_at=stamp,
            read_at=ts(at + DAY * rng.random()) if read else NULL,
            attempts="1",
            last_error="",
            enrolment_id=self.enrolment,
            recipient_id=str(self.learner.user_pk),
            submission_id=submission,
            digest="[]",
        )

    def write(self) -> None:
        self._completions()
        self._listening()
        self._checkins()
        self._waiting()
        self._pause()
        achieved = self._achievements()
        self._standings()
        self._enrolment(achieved)

    def _completions(self) -> None:
        rng, batch, ids, enrolment = self.rng, self.batch, self.ids, self.enrolment
        reviewed = self.learner.cohort_pk is not None
        for activity, at in zip(self.programme.activities, self.story.completions, strict=False):
            pk = str(activity.pk)
            kind = activity.kind
            stamp = ts(at)
            batch.add(
                "progress_completion",
                id=str(ids.next("progress_completion")),
                completed_at=stamp,
                activity_id=pk,
                enrolment_id=enrolment,
            )
            self.history("completed", stamp, activity)
            self.moments.append(at)
            if kind == "quiz":
                if rng.random() < 0.25:
                    self._attempt(activity, rng.randint(30, 70), at - MINUTE * rng.randint(10, 90))
                self._attempt(activity, rng.choice((80, 90, 100)), at)
            elif kind == "resources":
                for resource in self.programme.resources.get(activity.pk, []):
                    batch.add(
                        "progress_follow",
                        id=str(ids.next("progress_follow")),
                        created_at=stamp,
                        enrolment_id=enrolment,
                        resource_id=str(resource),
                    )
            elif kind in REVIEWED_KINDS:
                submitted = at - DAY * rng.uniform(0.1, 2) if reviewed else at
                submission = ids.next("progress_submission")
                reviewer = rng.choice(self.learner.reviewers) if reviewed else None
                batch.add(
                    "progress_submission",
                    id=str(submission),
                    text=PRACTICE_TEXT,
                    link="",
                    self_assessment="{}" if reviewed else '{"0": true, "1": true, "2": true}',
                    status="accepted" if reviewed else "self_assessed",
                    feedback=FEEDBACK if reviewed else "",
                    reviewed_at=stamp if reviewed else NULL,
                    created_at=ts(submitted),
                    activity_id=pk,
                    enrolment_id=enrolment,
                    reviewed_by_id=opt(reviewer),
                )
                if not reviewed:
                    self.history("submitted", ts(submitted), activity, self_assessed=True)
                else:
                    self.history("submitted", ts(submitted), activity)
                    self.history("reviewed", stamp, activity, accepted=True)
                    self.nudge(
                        "reviewed",
                        f"submission:{submission}",
                        "accepted",
                        at + MINUTE,
                        submission=str(submission),
                    )
            elif kind == "reflection":
                batch.add(
                    "progress_reflection",
                    id=str(ids.next("progress_reflection")),
                    text=REFLECTION_TEXT,
                    created_at=stamp,
                    updated_at=stamp,
                    activity_id=pk,
                    enrolment_id=enrolment,
                )

    def _attempt(self, activity: ActivityInfo, score: int, at: datetime.datetime) -> None:
        stamp = ts(at)
        self.batch.add(
            "progress_quizattempt",
            id=str(self.ids.next("progress_quizattempt")),
            answers='{"0": [1], "1": [0, 2]}',
            score=str(score),
            passed=flag(score >= 80),
            created_at=stamp,
            activity_id=str(activity.pk),
            enrolment_id=self.enrolment,
        )
        self.history("quiz_attempt", stamp, activity, score=score)

    def _listening(self) -> None:
        index = self.writer.listening_index
        if index is None or not self.story.listening:
            return
        activity = self.programme.activities[index]
        for on, at in self.story.listening.items():
            stamp = ts(at)
            self.batch.add(
                "progress_listeningentry",
                id=str(self.ids.next("progress_listeningentry")),
                day=day(on),
                followed=LISTENING_FOLLOWED,
                learned=LISTENING_LEARNED,
                created_at=stamp,
                updated_at=stamp,
                activity_id=str(activity.pk),
                enrolment_id=self.enrolment,
            )
            self.history("logged", stamp, activity, day=on.isoformat())
            self.moments.append(at)

    def _checkins(self) -> None:
        index = self.writer.checkin_index
        activity = self.programme.activities[index] if index is not None else None
        for at, followers in self.story.checkins:
            stamp = ts(at)
            self.batch.add(
                "progress_followingcheckin",
                id=str(self.ids.next("progress_followingcheckin")),
                recorded_on=day(at.date()),
                followers=str(followers),
                account="@diplomat",
                created_at=stamp,
                enrolment_id=self.enrolment,
            )
            self.history("checked_in", stamp, activity, followers=followers)
            self.moments.append(at)

    def _waiting(self) -> None:
        at = self.story.waiting_at
        if at is None:
            return
        activity = self.programme.activities[len(self.story.completions)]
        stamp = ts(at)
        self.batch.add(
            "progress_submission",
            id=str(self.ids.next("progress_submission")),
            text=PRACTICE_TEXT,
            link="",
            self_assessment="{}",
            status="submitted",
            feedback="",
            reviewed_at=NULL,
            created_at=stamp,
            activity_id=str(activity.pk),
            enrolment_id=self.enrolment,
            reviewed_by_id=NULL,
        )
        self.history("submitted", stamp, activity)
        self.moments.append(at)

    def _pause(self) -> None:
        story = self.story
        if story.pause is not None:
            begins, ends = story.pause
            self.batch.add(
                "progress_pause",
                id=str(self.ids.next("progress_pause")),
                started_at=ts(begins),
                ended_at=ts(ends),
                reason="Crisis posting",
                created_by_id=NULL,
                enrolment_id=self.enrolment,
            )
            self.history("paused", ts(begins), reason="Crisis posting")
            if ends is not None:
                self.history("resumed", ts(ends))
        if story.withdrawn_at is not None:
            trainer = str(self.learner.reviewers[0]) if self.learner.reviewers else NULL
            self.history("withdrawn", ts(story.withdrawn_at), actor=trainer)

    def _pauses(self) -> list[timemodel.Pause]:
        if self.story.pause is None:
            return []
        return [timemodel.Pause(*self.story.pause)]

    def _achievements(self) -> dict[str, datetime.datetime]:
        learner, pauses = self.learner, self._pauses()
        achieved = {}
        for milestone, at in self.story.achievements.items():
            due = timemodel.due_dates(learner.started_at, learner.length_days, pauses, at)
            share = timemodel.time_share(
                milestone, learner.started_at, learner.length_days, pauses, at
            )
            stamp = ts(at)
            self.batch.add(
                "progress_milestoneachievement",
                id=str(self.ids.next("progress_milestoneachievement")),
                milestone=milestone.value,
                achieved_at=stamp,
                on_time=flag(at <= due[milestone]),
                enrolment_id=self.enrolment,
                time_share=repr(share),
            )
            self.history("milestone", stamp, milestone=milestone.value)
            self.nudge(
                "milestone_achieved",
                f"enrolment:{self.enrolment}",
                milestone.value,
                at + 2 * MINUTE,
                milestone=milestone.value,
            )
            achieved[milestone.value] = at
        return achieved

    def _standings(self) -> None:
        if not self.story.completions:
            return
        done: dict[int, int] = {}
        finished: dict[int, datetime.datetime] = {}
        for activity, at in zip(self.programme.activities, self.story.completions, strict=False):
            done[activity.stage_pk] = done.get(activity.stage_pk, 0) + 1
            finished[activity.stage_pk] = at
        last = self.story.completions[-1]
        for stage_pk, competence_pk in self.programme.competence_stages:
            count, total = done.get(stage_pk, 0), self.programme.stage_totals[stage_pk]
            share = count / total if total else 1.0
            state = "demonstrated" if count == total else "in_progress" if count else "not_started"
            self.batch.add(
                "competences_standing",
                id=str(self.ids.next("competences_standing")),
                state=state,
                share_done=repr(share),
                demonstrated_at=ts(finished[stage_pk]) if state == "demonstrated" else NULL,
                updated_at=ts(last),
                competence_id=str(competence_pk),
                user_id=str(self.learner.user_pk),
            )

    def _assess(self, achieved) -> tuple[timemodel.EnrolmentAssessment, dict]:
        """The time model on the facts `assess_enrolments` reads back from these rows."""
        learner, programme = self.learner, self.programme
        done_by: dict[str, int] = {}
        for activity in programme.activities[: len(self.story.completions)]:
            done_by[activity.horizon] = done_by.get(activity.horizon, 0) + 1
        stable = following_is_stable(
            [(at.date(), n) for at, n in self.story.checkins], learner.length_days
        )
        work = timemodel.milestone_work(
            programme.required_by_horizon, done_by, stable_following=stable, achieved=achieved
        )
        facts = timemodel.EnrolmentFacts(
            learner.started_at, learner.length_days, self._pauses(), work=work
        )
        return timemodel.assess(facts, self.now), work

    def _enrolment(self, achieved: dict[str, datetime.datetime]) -> None:
        story, learner, now = self.story, self.learner, self.now
        assessment, work = self._assess(achieved)
        last = max(self.moments) if self.moments else None
        completed_at = achieved.get("active_e_diplomat") if story.status == "completed" else None
        created = min(learner.started_at, now - MINUTE)
        # The model itself, unsaved, so its own method writes the snapshot.
        enrolment = Enrolment(
            id=learner.enrolment_pk,
            user_id=learner.user_pk,
            programme_id=self.programme.pk,
            cohort_id=learner.cohort_pk,
            started_at=learner.started_at,
            length_days=learner.length_days,
            status=story.status,
            created_at=created,
            completed_at=completed_at,
            last_activity_at=last,
        )
        enrolment.snapshot_apply(assessment, now)
        self.batch.add(
            "progress_enrolment",
            **{
                column.column: copy_value(getattr(enrolment, column.attname))
                for column in Enrolment._meta.concrete_fields
            },
        )
        self.history("enrolled", ts(created))
        self.nudge("welcome", f"enrolment:{self.enrolment}", "once", created + MINUTE)
        self._reminders(assessment, work, last)

    def _reminders(self, assessment, work, last) -> None:
        """The reminders the planner already planned for this learner (most of them)."""
        story, learner, now, rng = self.story, self.learner, self.now, self.rng
        if story.status != "active" or learner.started_at >= now:
            return
        subject = f"enrolment:{self.enrolment}"
        milestone = assessment.next_milestone
        if milestone is not None and rng.random() > UNPLANNED_SHARE:
            current = assessment.for_milestone(milestone)
            horizon = timemodel.horizons(learner.length_days)[milestone]
            rule = REMINDERS.get(current.status)
            if rule is None and is_due_soon(current, work[milestone], horizon, now):
                rule = "due_soon"
            if rule is not None:
                at = max(learner.started_at, now - DAY * rng.uniform(0, 5))
                self.nudge(rule, subject, milestone.value, at, milestone=milestone.value)
        since = last or learner.started_at
        if now - since > inactive_after(learner.length_days) and rng.random() > UNPLANNED_SHARE:
            at = since + inactive_after(learner.length_days) + DAY * rng.random()
            self.nudge("inactive", subject, f"since:{since:%Y-%m-%dT%H:%M}", min(at, now))
