"""The planner: who is due which nudge, one row per (recipient, rule, subject,
period), in a bounded number of queries whatever the number of learners."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, User
from progress.demo import seed_learners
from progress.models import Cohort, Enrolment, MilestoneAchievement, Nudge, Pause
from progress.nudges.planner import nudges_plan
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    cohort_with_learners,
)
from tests.nudges.conftest import DAY, HOUR, NOW, enrol, learner, overdue

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
STORIES = ["fresh", "on_track", "ahead", "behind", "overdue", "paused", "achieved", "self_paced"]


def rules_of(user: User) -> set[str]:
    return set(Nudge.objects.filter(recipient=user).values_list("rule", flat=True))


@pytest.fixture
def cohort(organisation, programme, trainer) -> Cohort:
    return cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Winter intake",
        starts_on=datetime.date(2026, 1, 1),
    ).cohort


# Who is due what


def test_demo_learners_are_each_reminded_as_their_pace_calls_for(programme):
    ministry = OrganisationFactory()
    trainer = MembershipFactory(organisation=ministry, role=Membership.Role.TRAINER).user
    people = {story: UserFactory(email=f"{story}@ministry.example") for story in STORIES}
    seed_learners(programme=programme, ministry=ministry, trainer=trainer, learners=people)
    # Enrolling today already queued a welcome; the planner adds the reminders.
    assert {story: rules_of(user) for story, user in people.items()}["fresh"] == {Rule.WELCOME}

    counts = nudges_plan(now=timezone.now())

    assert {story: rules_of(user) for story, user in people.items()} == {
        "fresh": {Rule.WELCOME, Rule.DUE_SOON},  # a day for the orientation, nothing done
        "on_track": {Rule.DUE_SOON},  # e-Listener due in 18 days at a slow rate
        # Handed in a peer-reviewed task: told when peers' work waits (an
        # event of the hand-in, not of the planner).
        "ahead": {Rule.PEER_REVIEW_WAITING},
        "behind": {Rule.BEHIND},
        "overdue": {Rule.OVERDUE, Rule.INACTIVE},  # last active 20 days ago
        "paused": set(),  # time on a crisis posting does not count
        "achieved": set(),  # the programme is complete
        "self_paced": set(),
    }
    assert rules_of(trainer) == {Rule.TRAINER_DIGEST}
    assert counts == {
        Rule.DUE_SOON: 2,
        Rule.BEHIND: 1,
        Rule.OVERDUE: 1,
        Rule.INACTIVE: 1,
        Rule.TRAINER_DIGEST: 1,
    }


@pytest.mark.parametrize(
    ("started", "rule"),
    [
        (2 * HOUR, Rule.DUE_SOON),  # the day's orientation still fits, but only just
        (12 * HOUR, Rule.BEHIND),  # half the day gone, nothing done
        (2 * DAY, Rule.OVERDUE),  # the day is over
    ],
)
def test_the_next_milestone_gives_one_reminder_by_pace(programme, started, rule):
    enrolment = enrol(learner("ada@mfa.example"), programme, started=started)

    nudges_plan(now=NOW)

    assert list(Nudge.objects.values_list("rule", "milestone", "period")) == [
        (rule, "acquainted", "acquainted")
    ]
    assert Nudge.objects.get().enrolment == enrolment


def test_a_planned_nudge_is_a_pending_row_due_now(programme):
    enrolment = overdue(learner("ada@mfa.example"), programme)

    counts = nudges_plan(now=NOW)

    nudge = Nudge.objects.get()
    assert counts == {Rule.OVERDUE: 1}
    assert (nudge.recipient, nudge.rule, nudge.subject, nudge.period) == (
        enrolment.user,
        Rule.OVERDUE,
        f"enrolment:{enrolment.pk}",
        "acquainted",
    )
    assert (nudge.status, nudge.email, nudge.not_before, nudge.created_at) == (
        Nudge.Status.PENDING,
        Nudge.Email.NONE,
        NOW,
        NOW,
    )
    assert (nudge.attempts, nudge.claimed_at, nudge.sent_at, nudge.read_at) == (0, None, None, None)


def test_planning_twice_adds_nothing(programme):
    for number in range(3):
        overdue(learner(f"learner{number}@mfa.example"), programme)
    nudges_plan(now=NOW)
    planned = list(Nudge.objects.values_list("pk", flat=True))

    again = nudges_plan(now=NOW + HOUR)

    assert again == {}
    assert list(Nudge.objects.values_list("pk", flat=True)) == planned


def test_a_dry_run_counts_what_it_would_plan_and_writes_nothing(programme):
    overdue(learner("ada@mfa.example"), programme)

    counts = nudges_plan(now=NOW, dry_run=True)

    assert counts == {Rule.OVERDUE: 1}
    assert not Nudge.objects.exists()


def test_a_reminder_already_sent_is_not_planned_again(programme):
    overdue(learner("ada@mfa.example"), programme)
    nudges_plan(now=NOW)
    Nudge.objects.update(status=Nudge.Status.SENT, sent_at=NOW)

    assert nudges_plan(now=NOW + DAY) == {}
    assert Nudge.objects.count() == 1


# Inactivity


def test_two_weeks_without_activity_in_a_year_long_programme_is_inactivity(programme):
    idle = enrol(learner("idle@mfa.example"), programme, started=60 * DAY, idle=14 * DAY + HOUR)
    busy = enrol(learner("busy@mfa.example"), programme, started=60 * DAY, idle=13 * DAY)

    nudges_plan(now=NOW)

    assert Rule.INACTIVE in rules_of(idle.user)
    assert Rule.INACTIVE not in rules_of(busy.user)
    spell = Nudge.objects.get(rule=Rule.INACTIVE)
    assert spell.period == f"since:{idle.last_activity_at:%Y-%m-%dT%H:%M}"
    assert spell.milestone == ""


def test_inactivity_is_judged_sooner_in_a_shorter_programme(programme):
    # A 36-day programme: the two weeks scale to under a day, floored at three.
    short = enrol(learner("short@mfa.example"), programme, started=5 * DAY, idle=3 * DAY + HOUR)
    short.length_days = 36
    short.save(update_fields=["length_days"])
    standard = enrol(learner("year@mfa.example"), programme, started=5 * DAY, idle=3 * DAY + HOUR)

    nudges_plan(now=NOW)

    assert Rule.INACTIVE in rules_of(short.user)
    assert Rule.INACTIVE not in rules_of(standard.user)


def test_a_learner_without_any_activity_is_inactive_from_the_start(programme):
    enrolment = enrol(learner("silent@mfa.example"), programme, started=20 * DAY)
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=None)

    nudges_plan(now=NOW)

    spell = Nudge.objects.get(rule=Rule.INACTIVE)
    assert spell.period == f"since:{enrolment.started_at:%Y-%m-%dT%H:%M}"


def test_one_inactive_spell_gets_one_nudge_and_the_next_spell_another(programme):
    enrolment = enrol(learner("idle@mfa.example"), programme, started=60 * DAY, idle=20 * DAY)
    nudges_plan(now=NOW)
    nudges_plan(now=NOW + 3 * DAY)  # still the same spell
    assert Nudge.objects.filter(rule=Rule.INACTIVE).count() == 1

    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=NOW + 4 * DAY)
    nudges_plan(now=NOW + 10 * DAY)  # active again: no spell
    assert Nudge.objects.filter(rule=Rule.INACTIVE).count() == 1
    nudges_plan(now=NOW + 20 * DAY)  # idle again for 16 days: a new spell

    periods = Nudge.objects.filter(rule=Rule.INACTIVE).values_list("period", flat=True)
    assert sorted(periods) == [
        f"since:{NOW - 20 * DAY:%Y-%m-%dT%H:%M}",
        f"since:{NOW + 4 * DAY:%Y-%m-%dT%H:%M}",
    ]


# Who is left alone


def test_paused_withdrawn_and_completed_enrolments_get_no_reminders(programme):
    paused = overdue(learner("paused@mfa.example"), programme, status=Enrolment.Status.PAUSED)
    Pause.objects.create(enrolment=paused, started_at=NOW - DAY)
    overdue(learner("withdrawn@mfa.example"), programme, status=Enrolment.Status.WITHDRAWN)
    overdue(learner("completed@mfa.example"), programme, status=Enrolment.Status.COMPLETED)

    assert nudges_plan(now=NOW) == {}
    assert not Nudge.objects.exists()


def test_an_archived_cohort_gets_no_reminders_and_no_digest(programme, cohort):
    overdue(learner("ada@mfa.example"), programme, cohort=cohort)
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=NOW - DAY)

    assert nudges_plan(now=NOW) == {}


def test_a_reached_milestone_moves_the_reminders_to_the_next_one(programme):
    enrolment = overdue(learner("ada@mfa.example"), programme)
    MilestoneAchievement.objects.create(
        enrolment=enrolment, milestone="acquainted", achieved_at=NOW - HOUR, on_time=False
    )

    nudges_plan(now=NOW)

    assert not Nudge.objects.filter(milestone="acquainted").exists()


# The trainer's weekly digest


def test_a_trainer_gets_one_digest_a_week_for_all_their_cohorts(programme, cohort, trainer):
    second = Cohort.objects.create(
        organisation=cohort.organisation,
        programme=programme,
        name="Spring intake",
        starts_on=datetime.date(2026, 1, 5),
    )
    second.trainers.add(trainer)
    for number, each in enumerate([cohort, second]):
        overdue(learner(f"learner{number}@mfa.example"), programme, cohort=each)

    nudges_plan(now=NOW)
    nudges_plan(now=NOW + DAY)  # the same ISO week

    digest = Nudge.objects.get(rule=Rule.TRAINER_DIGEST)
    assert (digest.recipient, digest.subject, digest.period) == (trainer, "cohorts", "2026-W03")

    nudges_plan(now=NOW + 6 * DAY)  # Tuesday of the next week
    assert sorted(
        Nudge.objects.filter(rule=Rule.TRAINER_DIGEST).values_list("period", flat=True)
    ) == ["2026-W03", "2026-W04"]


def test_the_plan_counts_one_digest_for_a_trainer_of_two_cohorts(programme, cohort, trainer):
    second = Cohort.objects.create(
        organisation=cohort.organisation,
        programme=programme,
        name="Spring intake",
        starts_on=datetime.date(2026, 1, 5),
    )
    second.trainers.add(trainer)
    for number, each in enumerate([cohort, second]):
        enrol(learner(f"learner{number}@mfa.example"), programme, started=HOUR, cohort=each)

    counts = nudges_plan(now=NOW)

    assert Nudge.objects.filter(rule=Rule.TRAINER_DIGEST).count() == 1
    assert counts[Rule.TRAINER_DIGEST] == 1


def test_no_digest_for_a_cohort_without_active_learners(programme, cohort):
    overdue(learner("gone@mfa.example"), programme, cohort=cohort, status="withdrawn")

    nudges_plan(now=NOW)

    assert not Nudge.objects.filter(rule=Rule.TRAINER_DIGEST).exists()


# Query budget


def _learners(programme, prefix: str, count: int) -> None:
    """`count` learners spread over four points of the time model: due soon,
    behind, overdue, and overdue and inactive."""
    shapes = [(2 * HOUR, HOUR), (12 * HOUR, HOUR), (2 * DAY, HOUR), (20 * DAY, 20 * DAY)]
    users = User.objects.bulk_create(
        User(email=f"{prefix}{number}@mfa.example", password="!") for number in range(count)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            programme=programme,
            started_at=NOW - shapes[number % 4][0],
            last_activity_at=NOW - shapes[number % 4][1],
        )
        for number, user in enumerate(users)
    )


def _plan_queries() -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        nudges_plan(now=NOW)
    return [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def ten_then_a_hundred(programme, cohort):
    """The planner's queries with 10 learners, then with 100, each planned afresh."""
    overdue(learner("in.cohort@mfa.example"), programme, cohort=cohort)
    _learners(programme, "small", 10)
    ten = _plan_queries()
    assert Nudge.objects.count() > 10
    Nudge.objects.all().delete()
    _learners(programme, "large", 90)
    hundred = _plan_queries()
    assert Nudge.objects.count() > 100
    return ten, hundred


@pytest.mark.postgres
def test_planning_runs_the_same_queries_for_10_and_100_learners(ten_then_a_hundred):
    # 1 the chunk of active enrolments; 2-7 the assessment (required work per
    # horizon, completions, achievements, pauses, check-ins, approved
    # alternative evidence); 8 the snapshot update; 9 the existing keys; 10
    # the insert; 11 the next, empty chunk; 12 the trainers with active
    # cohorts; 13 their existing digests; 14 the digest insert; 15 the
    # organisation administrators (none here); 16 the enrolments never
    # assessed. PostgreSQL only: SQLite caps a statement at 999 parameters,
    # so Django splits the inserts there.
    ten, hundred = ten_then_a_hundred
    assert len(ten) == len(hundred), "\n".join(hundred)
    assert len(hundred) <= 16, "\n".join(hundred)


def test_planning_reads_the_same_queries_for_10_and_100_learners(ten_then_a_hundred):
    ten, hundred = ten_then_a_hundred

    def reads(queries):
        return [sql for sql in queries if sql.lstrip().upper().startswith("SELECT")]

    assert len(reads(ten)) == len(reads(hundred)), "\n".join(reads(hundred))


# Two planners at once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_planners_at_the_same_moment_plan_each_nudge_once(programme):
    for number in range(20):
        enrol(learner(f"learner{number}@mfa.example"), programme, started=20 * DAY, idle=20 * DAY)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def plan():
        try:
            barrier.wait(timeout=10)
            nudges_plan(now=NOW)
        except BaseException as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    planners = [threading.Thread(target=plan) for _ in range(2)]
    for planner in planners:
        planner.start()
    for planner in planners:
        planner.join(timeout=30)
        assert not planner.is_alive(), "a planner hung"

    assert errors == []
    # Overdue and inactive for each of the 20 learners, once.
    assert Nudge.objects.count() == 40
    assert set(Nudge.objects.values_list("rule", flat=True)) == {Rule.OVERDUE, Rule.INACTIVE}


# The command and the beat task


def test_the_command_dry_run_shows_counts_per_rule_and_writes_nothing(programme):
    now = timezone.now()
    for number in range(2):
        overdue(learner(f"learner{number}@mfa.example"), programme, now=now)
    output = io.StringIO()

    call_command("plan_nudges", "--dry-run", stdout=output)

    assert not Nudge.objects.exists()
    lines = output.getvalue().splitlines()
    assert lines[0] == "Nudges would be planned, per rule:"
    assert lines[1].split() == ["Milestone", "overdue", "2"]
    assert lines[2].split() == ["total", "2"]


def test_the_command_can_plan_without_delivering(programme, mailoutbox):
    overdue(learner("ada@mfa.example"), programme, now=timezone.now())
    output = io.StringIO()

    call_command("plan_nudges", "--no-deliver", stdout=output)

    assert Nudge.objects.get().status == Nudge.Status.PENDING
    assert "Delivered" not in output.getvalue()
    assert mailoutbox == []


def test_the_command_says_when_nothing_is_due(programme):
    output = io.StringIO()

    call_command("plan_nudges", "--dry-run", stdout=output)

    assert output.getvalue().strip() == "No new nudge would be planned."


def test_the_beat_task_plans_then_queues_the_sweep(programme, monkeypatch):
    from progress import tasks

    sweeps = []
    monkeypatch.setattr(tasks.deliver_due_nudges, "delay", lambda: sweeps.append(True))
    overdue(learner("ada@mfa.example"), programme, now=timezone.now())

    counts = tasks.plan_nudges.run()

    assert counts == {Rule.OVERDUE: 1}
    assert sweeps == [True]


def test_resuming_after_a_long_pause_is_not_inactivity(programme):
    from progress import services

    user = learner("back@mfa.example")
    enrolment = services.enrolment_create(user=user, programme=programme)
    services.enrolment_pause(enrolment=enrolment, by=user)
    # The pause began sixty days ago, the last activity just before it.
    long_ago = timezone.now() - 60 * DAY
    Pause.objects.filter(enrolment=enrolment).update(started_at=long_ago)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        started_at=long_ago - HOUR, last_activity_at=long_ago
    )

    services.enrolment_resume(enrolment=enrolment, by=user)
    nudges_plan(now=timezone.now())

    assert Rule.INACTIVE not in rules_of(user)


def test_learners_added_to_a_cohort_that_began_days_ago_are_welcomed(
    programme, organisation, trainer
):
    from progress import services
    from progress.services.cohorts import LearnerRow

    cohort = services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="Started last week",
        starts_on=timezone.now().date() - datetime.timedelta(days=7),
        length_days=180,
        trainers=[trainer],
    )
    newcomer = learner("late@mfa.example")
    MembershipFactory(user=newcomer, organisation=organisation, role=Membership.Role.TRAINEE)

    services.cohort_add_learners(
        cohort=cohort, rows=[LearnerRow(line=1, email=newcomer.email)], by=trainer
    )

    assert Rule.WELCOME in rules_of(newcomer)
    assert Enrolment.objects.get(user=newcomer).length_days == 180
