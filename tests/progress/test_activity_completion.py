"""Each activity kind's completion rule, and what completing activities leads to:
milestones, competence standings and history. Services against the database.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import datetime

import pytest
from django.utils import timezone

from competences.models import Standing
from curriculum.models import Activity
from progress import services
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    MilestoneAchievement,
    QuizAttempt,
    Reflection,
    Submission,
)
from progress.selectors import activity_detail
from progress.timemodel import required_listening_days

pytestmark = pytest.mark.django_db

Kind = Activity.Kind


def live(stage: str, kind: str, *, module: str | None = None) -> Activity:
    """The first live activity of this kind in the stage (or module), in programme order."""
    activities = Activity.objects.live().filter(module__stage__slug=stage, kind=kind)
    if module is not None:
        activities = activities.filter(module__slug=module)
    found = activities.select_related("module__stage").first()
    assert found is not None, f"the shipped programme has no {kind} in {stage}"
    return found


def quiz_answers(quiz: Activity, correct: int) -> dict[str, list[str]]:
    """Raw answers, as a form posts them, with the first `correct` questions right."""
    raw = {}
    for index, question in enumerate(quiz.questions):
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


def log_earlier_days(enrolment: Enrolment, activity: Activity, days: int) -> None:
    """Listening entries on the `days` local days before today, written directly."""
    today = local_today(enrolment)
    now = timezone.now()
    ListeningEntry.objects.bulk_create(
        ListeningEntry(
            enrolment=enrolment,
            activity=activity,
            day=today - datetime.timedelta(days=back),
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
        answers = quiz_answers(activity, correct=len(activity.questions))
        services.quiz_submit(enrolment=enrolment, activity=activity, raw_answers=answers)
    elif activity.kind == Kind.RESOURCES:
        for resource in activity.resources.filter(retired_at__isnull=True)[: activity.required]:
            services.resource_follow(enrolment=enrolment, resource=resource)
    elif activity.kind == Kind.LISTENING_LOG:
        needed = required_listening_days(activity.required_days, enrolment.length_days)
        log_earlier_days(enrolment, activity, needed - 1)
        services.listening_entry_save(
            enrolment=enrolment, activity=activity, followed="Feeds", learned="Context"
        )
    elif activity.kind == Kind.PRACTICE:
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


@pytest.fixture
def enrolment(self_paced, programme):
    """A self-paced learner: no cohort, so no trainer."""
    return services.enrolment_create(user=self_paced, programme=programme)


@pytest.fixture
def cohort(organisation, programme, trainer):
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name="Spring cohort",
        starts_on=datetime.date.today(),
    )
    cohort.trainers.add(trainer)
    return cohort


@pytest.fixture
def coached(trainee, programme, cohort):
    """A trainee in a cohort: practice work waits for the trainer's review."""
    return services.enrolment_create(user=trainee, programme=programme, cohort=cohort)


# Enrolment


def test_enrolling_twice_is_refused(trainee, programme):
    services.enrolment_create(user=trainee, programme=programme)

    with pytest.raises(services.AlreadyEnrolled):
        services.enrolment_create(user=trainee, programme=programme)

    assert Enrolment.objects.filter(user=trainee).count() == 1


STUDY_ACTIONS = {
    Kind.READING: lambda enrolment: services.reading_mark_read(
        enrolment=enrolment, activity=live("orientation", Kind.READING)
    ),
    Kind.QUIZ: lambda enrolment: services.quiz_submit(
        enrolment=enrolment,
        activity=live("orientation", Kind.QUIZ),
        raw_answers=quiz_answers(live("orientation", Kind.QUIZ), correct=8),
    ),
    Kind.RESOURCES: lambda enrolment: services.resource_follow(
        enrolment=enrolment, resource=live("curate", Kind.RESOURCES).resources.first()
    ),
    Kind.LISTENING_LOG: lambda enrolment: services.listening_entry_save(
        enrolment=enrolment, activity=live("curate", Kind.LISTENING_LOG), followed="a", learned="b"
    ),
    Kind.PRACTICE: lambda enrolment: services.practice_submit(
        enrolment=enrolment, activity=live("curate", Kind.PRACTICE), text="Work", link=""
    ),
    Kind.REFLECTION: lambda enrolment: services.reflection_save(
        enrolment=enrolment, activity=live("orientation", Kind.REFLECTION), text=words(200)
    ),
    Kind.CHECKIN: lambda enrolment: services.checkin_record(
        enrolment=enrolment, activity=live("communicate", Kind.CHECKIN), followers=5, account=""
    ),
}


@pytest.mark.parametrize("kind", list(STUDY_ACTIONS))
def test_withdrawn_enrolment_refuses_study(enrolment, kind):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)

    with pytest.raises(services.StudyError, match="withdrawn"):
        STUDY_ACTIONS[kind](enrolment)

    assert not enrolment.completions.exists()
    assert not enrolment.quiz_attempts.exists()
    assert not enrolment.follows.exists()
    assert not enrolment.listening_entries.exists()
    assert not enrolment.submissions.exists()
    assert not enrolment.reflections.exists()
    assert not enrolment.checkins.exists()


def test_every_activity_kind_has_a_study_action():
    assert set(STUDY_ACTIONS) == set(Kind.values)


# Reading


def test_reading_completes_once_and_a_second_mark_records_nothing(enrolment):
    reading = live("orientation", Kind.READING)

    assert services.reading_mark_read(enrolment=enrolment, activity=reading) is True
    assert services.reading_mark_read(enrolment=enrolment, activity=reading) is False

    assert Completion.objects.filter(enrolment=enrolment, activity=reading).count() == 1
    assert (
        HistoryEvent.objects.filter(
            enrolment=enrolment, kind=HistoryEvent.Kind.COMPLETED, activity=reading
        ).count()
        == 1
    )


# Quiz


@pytest.fixture
def quiz():
    quiz = live("orientation", Kind.QUIZ)
    # The arithmetic below assumes the shipped orientation quiz: 8 questions, pass at 75%.
    assert (len(quiz.questions), quiz.pass_mark) == (8, 75)
    return quiz


def test_failing_quiz_attempt_is_recorded_without_completing(enrolment, quiz):
    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, correct=5)
    )

    assert result.passed is False and result.score < quiz.pass_mark
    assert (attempt.score, attempt.passed) == (result.score, False)
    assert QuizAttempt.objects.filter(enrolment=enrolment, activity=quiz).count() == 1
    assert not completed(enrolment, quiz)


def test_passing_quiz_attempt_completes_the_quiz(enrolment, quiz):
    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, correct=6)
    )

    assert (attempt.score, result.passed) == (quiz.pass_mark, True)  # exactly at the mark
    assert completed(enrolment, quiz)


def test_quiz_can_be_retried_without_limit_and_the_best_score_is_kept(enrolment, quiz):
    scores = {}
    for correct in (1, 4, 2, 5, 3, 0, 5, 4, 7, 2):
        attempt, _ = services.quiz_submit(
            enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, correct)
        )
        scores[correct] = attempt.score

    detail = activity_detail(enrolment, quiz)

    assert QuizAttempt.objects.filter(enrolment=enrolment, activity=quiz).count() == 10
    assert detail["best_score"] == max(scores.values()) == scores[7]
    assert scores[7] > scores[5] > scores[0] == 0
    assert len(detail["recent_attempts"]) == 5
    assert Completion.objects.filter(enrolment=enrolment, activity=quiz).count() == 1


def test_best_score_is_empty_before_any_attempt(enrolment, quiz):
    assert activity_detail(enrolment, quiz)["best_score"] is None


def test_later_failing_attempt_never_removes_the_completion(enrolment, quiz):
    services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, 8))

    attempt, result = services.quiz_submit(
        enrolment=enrolment, activity=quiz, raw_answers=quiz_answers(quiz, 0)
    )

    assert (attempt.score, result.passed) == (0, False)
    assert completed(enrolment, quiz)
    assert activity_detail(enrolment, quiz)["best_score"] == 100


def test_quiz_ignores_garbage_in_raw_answers(enrolment, quiz):
    raw = quiz_answers(quiz, correct=8)
    garbage = ["", "abc", "1.5", "-1", "99", None, "0x1"]
    raw = {key: [*garbage, *picked] for key, picked in raw.items()}
    raw["42"] = ["0"]  # no such question
    raw["not-a-number"] = ["1"]

    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=raw)

    assert set(attempt.answers) == {str(i) for i in range(8)}
    for index, picked in attempt.answers.items():
        question = quiz.questions[int(index)]
        assert all(isinstance(choice, int) for choice in picked)
        assert all(0 <= choice < len(question["choices"]) for choice in picked)
    assert (result.score, result.passed) == (100, True)


def test_quiz_with_nothing_answered_scores_zero(enrolment, quiz):
    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers={})

    assert attempt.answers == {str(i): [] for i in range(8)}
    assert (result.score, result.passed) == (0, False)
    assert not completed(enrolment, quiz)


def test_single_choice_question_answered_twice_counts_as_unanswered(enrolment, quiz):
    single = next(i for i, q in enumerate(quiz.questions) if not q.get("multiple"))
    raw = quiz_answers(quiz, correct=8)
    raw[str(single)] = [str(n) for n in range(len(quiz.questions[single]["choices"]))]

    attempt, result = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers=raw)

    assert attempt.answers[str(single)] == []
    assert not result.questions[single].correct
    assert result.correct_count == len(quiz.questions) - 1


# Core resources


@pytest.fixture
def resources_activity():
    activity = live("curate", Kind.RESOURCES)
    assert activity.resources.filter(retired_at__isnull=True).count() > activity.required
    return activity


def test_resources_complete_once_the_required_number_is_followed(enrolment, resources_activity):
    required = resources_activity.required
    resources = list(resources_activity.resources.filter(retired_at__isnull=True))

    for count, resource in enumerate(resources[: required - 1], start=1):
        assert services.resource_follow(enrolment=enrolment, resource=resource) == count
        assert not completed(enrolment, resources_activity)

    following = services.resource_follow(enrolment=enrolment, resource=resources[required - 1])

    assert following == required
    assert completed(enrolment, resources_activity)


def test_unfollowing_after_completion_keeps_the_completion(enrolment, resources_activity):
    resources = list(resources_activity.resources.filter(retired_at__isnull=True))
    for resource in resources[: resources_activity.required]:
        services.resource_follow(enrolment=enrolment, resource=resource)

    following = services.resource_follow(enrolment=enrolment, resource=resources[0], follow=False)

    assert following == resources_activity.required - 1
    assert not Follow.objects.filter(enrolment=enrolment, resource=resources[0]).exists()
    assert completed(enrolment, resources_activity)


def test_following_a_resource_twice_keeps_one_row(enrolment, resources_activity):
    resource = resources_activity.resources.first()

    services.resource_follow(enrolment=enrolment, resource=resource)
    following = services.resource_follow(enrolment=enrolment, resource=resource)

    assert following == 1
    assert Follow.objects.filter(enrolment=enrolment, resource=resource).count() == 1


# Listening log


@pytest.fixture
def listening():
    activity = live("curate", Kind.LISTENING_LOG)
    assert activity.required_days > 2
    return activity


def test_second_listening_save_on_the_same_day_edits_that_day(enrolment, listening):
    first = services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="  Feeds  ", learned="One thing"
    )
    second = services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="More feeds", learned="Two things"
    )

    assert second.pk == first.pk
    assert second.day == local_today(enrolment)
    entry = ListeningEntry.objects.get(enrolment=enrolment, activity=listening)
    assert (entry.followed, entry.learned) == ("More feeds", "Two things")
    assert (
        HistoryEvent.objects.filter(enrolment=enrolment, kind=HistoryEvent.Kind.LOGGED).count() == 1
    )


def test_listening_entry_day_is_the_learners_local_day(self_paced, programme, listening):
    self_paced.time_zone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of UTC
    self_paced.save()
    enrolment = services.enrolment_create(user=self_paced, programme=programme)

    entry = services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="Feeds", learned="Context"
    )

    assert entry.day == timezone.now().astimezone(self_paced.zone).date()


def test_listening_log_completes_on_the_required_number_of_distinct_days(enrolment, listening):
    needed = required_listening_days(listening.required_days, enrolment.length_days)
    log_earlier_days(enrolment, listening, needed - 2)

    services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="a", learned="b"
    )
    services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="c", learned="d"
    )
    assert not completed(enrolment, listening), "editing today's entry is not another day"

    now = timezone.now()
    ListeningEntry.objects.create(
        enrolment=enrolment,
        activity=listening,
        day=local_today(enrolment) - datetime.timedelta(days=needed - 1),
        followed="An older day",
        learned="Still counts",
        created_at=now,
        updated_at=now,
    )
    # `needed` distinct days now have an entry; the next save checks the count again.
    services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="e", learned="f"
    )

    assert ListeningEntry.objects.filter(enrolment=enrolment).count() == needed
    assert completed(enrolment, listening)


def test_shorter_programme_needs_fewer_listening_days(self_paced, programme, listening):
    # A 36-day programme has a month of 36 * 30 / 365 < 3 whole days: it asks for 2.
    # (A 73-day programme's month has 6 whole days, so it still asks for the full 5.)
    enrolment = services.enrolment_create(user=self_paced, programme=programme, length_days=36)
    assert required_listening_days(listening.required_days, 36) == 2
    assert required_listening_days(listening.required_days, 73) == listening.required_days
    log_earlier_days(enrolment, listening, 1)

    services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="a", learned="b"
    )

    assert completed(enrolment, listening)


def test_standard_programme_is_not_complete_after_two_listening_days(enrolment, listening):
    log_earlier_days(enrolment, listening, 1)

    services.listening_entry_save(
        enrolment=enrolment, activity=listening, followed="a", learned="b"
    )

    assert not completed(enrolment, listening)


# Practice with a trainer


@pytest.fixture
def practice():
    activity = live("curate", Kind.PRACTICE)
    assert len(activity.rubric) >= 2
    return activity


def submit(enrolment, practice, text="My listening list", link="", **kwargs) -> Submission:
    return services.practice_submit(
        enrolment=enrolment, activity=practice, text=text, link=link, **kwargs
    )


def test_practice_submitted_to_a_trainer_waits_without_completing(coached, practice):
    submission = submit(coached, practice)

    assert submission.status == Submission.Status.SUBMITTED
    assert activity_detail(coached, practice)["waiting"] == submission
    assert not completed(coached, practice)


def test_second_submit_while_waiting_is_refused(coached, practice):
    submit(coached, practice)

    with pytest.raises(services.StudyError, match="already waiting"):
        submit(coached, practice, text="A second version")

    assert Submission.objects.filter(enrolment=coached).count() == 1


def test_practice_needs_text_or_a_link(coached, practice):
    with pytest.raises(services.StudyError, match="text, a link, or both"):
        submit(coached, practice, text="   ", link="")

    assert not Submission.objects.filter(enrolment=coached).exists()


def test_returning_work_without_feedback_is_refused(coached, practice, trainer):
    submission = submit(coached, practice)

    with pytest.raises(services.StudyError, match="what to improve"):
        services.submission_review(
            submission=submission, reviewer=trainer, accept=False, feedback=" "
        )

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_returned_work_can_be_resubmitted(coached, practice, trainer):
    first = submit(coached, practice)
    services.submission_review(
        submission=first, reviewer=trainer, accept=False, feedback="Add your sources."
    )

    second = submit(coached, practice, text="With sources")

    first.refresh_from_db()
    assert (first.status, first.feedback, first.reviewed_by) == (
        Submission.Status.RETURNED,
        "Add your sources.",
        trainer,
    )
    assert second.status == Submission.Status.SUBMITTED
    assert not completed(coached, practice)


def test_accepted_work_completes_the_task(coached, practice, trainer):
    submission = submit(coached, practice)

    reviewed = services.submission_review(
        submission=submission, reviewer=trainer, accept=True, feedback=""
    )

    assert reviewed.status == Submission.Status.ACCEPTED
    assert reviewed.reviewed_at is not None
    assert completed(coached, practice)
    with pytest.raises(services.StudyError, match="already complete"):
        submit(coached, practice, text="One more")


@pytest.mark.parametrize("first_accept", [True, False])
@pytest.mark.parametrize("second_accept", [True, False])
def test_work_already_reviewed_cannot_be_reviewed_again(
    coached, practice, trainer, first_accept, second_accept
):
    submission = submit(coached, practice)
    services.submission_review(
        submission=submission, reviewer=trainer, accept=first_accept, feedback="Noted."
    )

    with pytest.raises(services.StudyError, match="already been reviewed"):
        services.submission_review(
            submission=submission, reviewer=trainer, accept=second_accept, feedback="Again."
        )

    submission.refresh_from_db()
    assert submission.status == (
        Submission.Status.ACCEPTED if first_accept else Submission.Status.RETURNED
    )
    assert Completion.objects.filter(enrolment=coached, activity=practice).count() == int(
        first_accept
    )
    assert (
        HistoryEvent.objects.filter(enrolment=coached, kind=HistoryEvent.Kind.REVIEWED).count() == 1
    )


# Practice, self-paced


def test_self_assessed_work_meeting_every_criterion_completes(enrolment, practice):
    assessment = {str(i): True for i in range(len(practice.rubric))}

    submission = submit(enrolment, practice, self_assessment=assessment)

    assert submission.status == Submission.Status.SELF_ASSESSED
    assert submission.self_assessment == assessment
    assert completed(enrolment, practice)


@pytest.mark.parametrize("unmet", [0, -1])
def test_self_assessed_work_with_an_unmet_criterion_does_not_complete(enrolment, practice, unmet):
    count = len(practice.rubric)
    assessment = {str(i): True for i in range(count)}
    assessment[str(unmet % count)] = False

    submission = submit(enrolment, practice, self_assessment=assessment)

    assert submission.status == Submission.Status.SELF_ASSESSED
    assert not completed(enrolment, practice)


def test_self_assessment_missing_a_criterion_counts_it_as_unmet(enrolment, practice):
    assessment = {str(i): True for i in range(len(practice.rubric) - 1)}

    submission = submit(enrolment, practice, self_assessment=assessment)

    assert submission.self_assessment[str(len(practice.rubric) - 1)] is False
    assert not completed(enrolment, practice)


# Reflection


@pytest.fixture
def reflection():
    return live("orientation", Kind.REFLECTION)


def test_reflection_shorter_than_the_minimum_is_refused_with_the_word_counts(enrolment, reflection):
    with pytest.raises(services.StudyError) as refused:
        services.reflection_save(enrolment=enrolment, activity=reflection, text="Too short, sorry")

    assert str(refused.value) == f"Write at least {reflection.min_words} words; you have 3."
    assert not Reflection.objects.filter(enrolment=enrolment).exists()
    assert not completed(enrolment, reflection)


def test_reflection_of_enough_words_completes(enrolment, reflection):
    saved = services.reflection_save(
        enrolment=enrolment, activity=reflection, text=words(reflection.min_words)
    )

    assert saved.text == words(reflection.min_words)
    assert completed(enrolment, reflection)


def test_saving_a_reflection_again_edits_it(enrolment, reflection):
    first = services.reflection_save(
        enrolment=enrolment, activity=reflection, text=words(reflection.min_words)
    )
    second = services.reflection_save(
        enrolment=enrolment, activity=reflection, text="Revised " + words(reflection.min_words)
    )

    assert second.pk == first.pk
    assert Reflection.objects.get(enrolment=enrolment).text.startswith("Revised ")
    assert Completion.objects.filter(enrolment=enrolment, activity=reflection).count() == 1


# Following check-in


@pytest.fixture
def checkin():
    return live("communicate", Kind.CHECKIN)


def test_first_checkin_completes_the_activity(enrolment, checkin):
    recorded = services.checkin_record(
        enrolment=enrolment, activity=checkin, followers=120, account="@envoy"
    )

    assert (recorded.followers, recorded.account) == (120, "@envoy")
    assert recorded.recorded_on == local_today(enrolment)
    assert completed(enrolment, checkin)


def test_second_checkin_the_same_day_replaces_the_first(enrolment, checkin):
    services.checkin_record(enrolment=enrolment, activity=checkin, followers=120, account="@a")
    services.checkin_record(enrolment=enrolment, activity=checkin, followers=150, account="@b")

    row = FollowingCheckin.objects.get(enrolment=enrolment)
    assert (row.followers, row.account) == (150, "@b")
    assert Completion.objects.filter(enrolment=enrolment, activity=checkin).count() == 1


def test_negative_follower_count_is_refused(enrolment, checkin):
    with pytest.raises(services.StudyError, match="cannot be negative"):
        services.checkin_record(enrolment=enrolment, activity=checkin, followers=-1, account="")

    assert not FollowingCheckin.objects.filter(enrolment=enrolment).exists()
    assert not completed(enrolment, checkin)


# Milestones, standings and history


def stage_activities(stage: str) -> list[Activity]:
    return list(
        Activity.objects.live()
        .filter(module__stage__slug=stage)
        .select_related("module__stage")
        .prefetch_related("resources")
    )


def test_completing_the_orientation_reaches_acquainted_once_and_on_time(enrolment):
    orientation = stage_activities("orientation")
    for activity in orientation[:-1]:
        finish(enrolment, activity)
    assert not enrolment.achievements.exists()

    finish(enrolment, orientation[-1])
    services.reading_mark_read(enrolment=enrolment, activity=orientation[0])

    achievement = MilestoneAchievement.objects.get(enrolment=enrolment)
    assert (achievement.milestone, achievement.on_time) == (
        MilestoneAchievement.Milestone.ACQUAINTED,
        True,
    )
    history = HistoryEvent.objects.filter(enrolment=enrolment)
    assert history.filter(kind=HistoryEvent.Kind.COMPLETED).count() == len(orientation)
    assert list(
        history.filter(kind=HistoryEvent.Kind.MILESTONE).values_list("summary", flat=True)
    ) == ["Reached the milestone Acquainted"]


def test_curate_standing_moves_from_not_started_to_demonstrated(enrolment):
    for activity in stage_activities("orientation"):
        finish(enrolment, activity)
    standing = Standing.objects.get(user=enrolment.user, competence__slug="curate")
    assert (standing.state, standing.share_done, standing.demonstrated_at) == (
        Standing.State.NOT_STARTED,
        0,
        None,
    )

    curate = stage_activities("curate")
    finish(enrolment, curate[0])
    standing.refresh_from_db()
    assert standing.state == Standing.State.IN_PROGRESS
    assert standing.share_done == pytest.approx(1 / len(curate))
    assert standing.demonstrated_at is None

    for activity in curate[1:]:
        finish(enrolment, activity)
    standing.refresh_from_db()
    assert standing.state == Standing.State.DEMONSTRATED
    assert standing.share_done == 1
    assert standing.demonstrated_at is not None
    # Curate is the month's work: with the orientation, the e-Listener milestone is reached.
    assert set(enrolment.achievements.values_list("milestone", "on_time")) == {
        (MilestoneAchievement.Milestone.ACQUAINTED, True),
        (MilestoneAchievement.Milestone.E_LISTENER, True),
    }
    assert not Standing.objects.filter(
        user=enrolment.user, competence__slug="collaborate", state=Standing.State.IN_PROGRESS
    ).exists()
