"""The rows the services would have written for one learner's story.

`StoryRows(writer, batch, story).write()` adds them to a `copyload.Batch`:
completions, quiz attempts, follows, listening entries, submissions,
reflections, check-ins, pauses, milestone achievements, standings, history,
nudges, and last the enrolment with its snapshot, computed by the app's time
model from the same facts `assess_enrolments` reads back.
"""

import datetime

from bench.copyload import NULL, Batch, day, flag, opt, ts
from bench.stories import (
    DAY,
    HORIZON_RANK,
    MILESTONE_HORIZON,
    MINUTE,
    ActivityInfo,
    Story,
    StoryWriter,
)
from progress import timemodel
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

    def history(self, kind: str, summary: str, stamp: str, activity=NULL) -> None:
        """One history line; `stamp` is its time, already formatted by `ts`."""
        self.batch.add(
            "progress_historyevent",
            str(self.ids.next("progress_historyevent")),
            kind,
            summary,
            stamp,
            activity,
            self.enrolment,
        )

    def nudge(self, rule, subject, period, at, milestone="", submission=NULL) -> None:
        """A nudge already sent (and, for most older ones, read)."""
        rng = self.rng
        read = rng.random() < 0.6 and at + DAY < self.now
        stamp = ts(at)
        self.batch.add(
            "progress_nudge",
            str(self.ids.next("progress_nudge")),
            rule,
            subject,
            period,
            milestone,
            "sent",
            "sent" if rng.random() < 0.7 else "in_app",
            "",
            stamp,
            stamp,
            stamp,
            stamp,
            ts(at + DAY * rng.random()) if read else NULL,
            "1",
            "",
            self.enrolment,
            str(self.learner.user_pk),
            submission,
            "[]",
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
                "progress_completion", str(ids.next("progress_completion")), stamp, pk, enrolment
            )
            self.history("completed", f"Completed “{activity.title}”", stamp, pk)
            self.moments.append(at)
            if kind == "quiz":
                if rng.random() < 0.25:
                    self._attempt(activity, rng.randint(30, 70), at - MINUTE * rng.randint(10, 90))
                self._attempt(activity, rng.choice((80, 90, 100)), at)
            elif kind == "resources":
                for resource in self.programme.resources.get(activity.pk, []):
                    batch.add(
                        "progress_follow",
                        str(ids.next("progress_follow")),
                        stamp,
                        enrolment,
                        str(resource),
                    )
            elif kind == "practice":
                submitted = at - DAY * rng.uniform(0.1, 2) if reviewed else at
                submission = ids.next("progress_submission")
                reviewer = rng.choice(self.learner.reviewers) if reviewed else None
                batch.add(
                    "progress_submission",
                    str(submission),
                    PRACTICE_TEXT,
                    "",
                    "{}" if reviewed else '{"0": true, "1": true, "2": true}',
                    "accepted" if reviewed else "self_assessed",
                    FEEDBACK if reviewed else "",
                    stamp if reviewed else NULL,
                    ts(submitted),
                    pk,
                    enrolment,
                    opt(reviewer),
                )
                verb = "Submitted" if reviewed else "Self-assessed"
                self.history("submitted", f"{verb} “{activity.title}”", ts(submitted), pk)
                if reviewed:
                    self.history("reviewed", f"“{activity.title}” accepted", stamp, pk)
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
                    str(ids.next("progress_reflection")),
                    REFLECTION_TEXT,
                    stamp,
                    stamp,
                    pk,
                    enrolment,
                )

    def _attempt(self, activity: ActivityInfo, score: int, at: datetime.datetime) -> None:
        stamp = ts(at)
        self.batch.add(
            "progress_quizattempt",
            str(self.ids.next("progress_quizattempt")),
            '{"0": [1], "1": [0, 2]}',
            str(score),
            flag(score >= 80),
            stamp,
            str(activity.pk),
            self.enrolment,
        )
        self.history(
            "quiz_attempt", f"Scored {score}% in “{activity.title}”", stamp, str(activity.pk)
        )

    def _listening(self) -> None:
        index = self.writer.listening_index
        if index is None or not self.story.listening:
            return
        activity = str(self.programme.activities[index].pk)
        for on, at in self.story.listening.items():
            stamp = ts(at)
            self.batch.add(
                "progress_listeningentry",
                str(self.ids.next("progress_listeningentry")),
                day(on),
                LISTENING_FOLLOWED,
                LISTENING_LEARNED,
                stamp,
                stamp,
                activity,
                self.enrolment,
            )
            self.history("logged", f"Logged listening for {on:%d %B %Y}", stamp, activity)
            self.moments.append(at)

    def _checkins(self) -> None:
        index = self.writer.checkin_index
        activity = str(self.programme.activities[index].pk) if index is not None else NULL
        for at, followers in self.story.checkins:
            stamp = ts(at)
            self.batch.add(
                "progress_followingcheckin",
                str(self.ids.next("progress_followingcheckin")),
                day(at.date()),
                str(followers),
                "@diplomat",
                stamp,
                self.enrolment,
            )
            self.history("checked_in", f"Recorded {followers:,} followers", stamp, activity)
            self.moments.append(at)

    def _waiting(self) -> None:
        at = self.story.waiting_at
        if at is None:
            return
        activity = self.programme.activities[len(self.story.completions)]
        stamp = ts(at)
        self.batch.add(
            "progress_submission",
            str(self.ids.next("progress_submission")),
            PRACTICE_TEXT,
            "",
            "{}",
            "submitted",
            "",
            NULL,
            stamp,
            str(activity.pk),
            self.enrolment,
            NULL,
        )
        self.history("submitted", f"Submitted “{activity.title}”", stamp, str(activity.pk))
        self.moments.append(at)

    def _pause(self) -> None:
        story = self.story
        if story.pause is not None:
            begins, ends = story.pause
            self.batch.add(
                "progress_pause",
                str(self.ids.next("progress_pause")),
                ts(begins),
                ts(ends),
                "Crisis posting",
                NULL,
                self.enrolment,
            )
            self.history("paused", "Paused: Crisis posting", ts(begins))
            if ends is not None:
                self.history("resumed", "Resumed", ts(ends))
        if story.withdrawn_at is not None:
            self.history("withdrawn", "Withdrawn by the trainer", ts(story.withdrawn_at))

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
                str(self.ids.next("progress_milestoneachievement")),
                milestone.value,
                stamp,
                flag(at <= due[milestone]),
                self.enrolment,
                repr(share),
            )
            label = {"acquainted": "Acquainted", "e_listener": "e-Listener"}.get(
                milestone.value, "Active e-diplomat"
            )
            self.history("milestone", f"Reached the milestone {label}", stamp)
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
                str(self.ids.next("competences_standing")),
                state,
                repr(share),
                ts(finished[stage_pk]) if state == "demonstrated" else NULL,
                ts(last),
                str(competence_pk),
                str(self.learner.user_pk),
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
        work = {}
        for milestone, horizon in MILESTONE_HORIZON.items():
            rank = HORIZON_RANK[horizon]
            included = [h for h in HORIZON_RANK if HORIZON_RANK[h] <= rank]
            required = sum(programme.required_by_horizon.get(h, 0) for h in included)
            finished = sum(done_by.get(h, 0) for h in included)
            if milestone is timemodel.Milestone.ACTIVE:
                required += 1
                finished += int(stable)
            work[milestone] = timemodel.MilestoneWork(
                done=min(finished, required),
                required=required,
                achieved_at=achieved.get(milestone.value),
            )
        facts = timemodel.EnrolmentFacts(
            learner.started_at, learner.length_days, self._pauses(), work=work
        )
        return timemodel.assess(facts, self.now), work

    def _enrolment(self, achieved: dict[str, datetime.datetime]) -> None:
        story, learner, now = self.story, self.learner, self.now
        assessment, work = self._assess(achieved)
        milestones = {item.milestone: item.status.value for item in assessment.milestones}
        last = max(self.moments) if self.moments else None
        completed_at = achieved.get("active_e_diplomat") if story.status == "completed" else None
        created = min(learner.started_at, now - MINUTE)
        created_stamp = ts(created)
        self.batch.add(
            "progress_enrolment",
            self.enrolment,
            ts(learner.started_at),
            str(learner.length_days),
            story.status,
            created_stamp,
            ts(completed_at),
            ts(last),
            opt(learner.cohort_pk),
            str(self.programme.pk),
            str(learner.user_pk),
            milestones[timemodel.Milestone.ACQUAINTED],
            milestones[timemodel.Milestone.ACTIVE],
            self.writer.now_stamp,
            milestones[timemodel.Milestone.E_LISTENER],
            assessment.pace.value,
        )
        self.history("enrolled", "Started the programme", created_stamp)
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
            rule = {"overdue": "overdue", "at_risk": "behind_pace"}.get(current.status.value)
            if rule is None and is_due_soon(current, work[milestone], horizon, now):
                rule = "due_soon"
            if rule is not None:
                at = max(learner.started_at, now - DAY * rng.uniform(0, 5))
                self.nudge(rule, subject, milestone.value, at, milestone=milestone.value)
        since = last or learner.started_at
        if now - since > inactive_after(learner.length_days) and rng.random() > UNPLANNED_SHARE:
            at = since + inactive_after(learner.length_days) + DAY * rng.random()
            self.nudge("inactive", subject, f"since:{since:%Y-%m-%dT%H:%M}", min(at, now))
