"""List pages run as many queries with many rows as with a few: the review
queue, the cohort list, the trainer's page about one learner, an
organisation's people and its audit log.

Each test grows its page's data from 3 rows to 30 and measures the page after
a first, unmeasured visit (which saves the session and fills per-process
caches); `assert_queries_do_not_grow` shows the query that repeats if one does.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, OrganisationInvitation
from accounts.services import audit_record
from curriculum.models import Activity
from progress import services
from progress.models import (
    Completion,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    Pause,
    Submission,
)
from tests.factories import MembershipFactory, UserFactory, cohort_with_learners, enrol
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_the_review_queue_runs_the_same_queries_for_3_and_30_submissions(client, cohort, trainer):
    practice = Activity.objects.live().filter(kind=Activity.Kind.PRACTICE).first()

    def grow(size: int) -> None:
        for number in range(Submission.objects.count(), size):
            enrolment = enrol(cohort, f"writer{number}@mfa.example")
            services.practice_submit(enrolment=enrolment, activity=practice, text="Work", link="")

    client.force_login(trainer)

    measured = assert_queries_do_not_grow(
        lambda _: page(client, reverse("progress:reviews")), grow, warm=True
    )

    assert measured.result.context["page"].paginator.count == 30


def test_the_cohort_list_runs_the_same_queries_for_3_and_30_cohorts(
    client, organisation, programme, trainer
):
    def grow(size: int) -> None:
        for number in range(trainer.trained_cohorts.count(), size):
            cohort_with_learners(
                1,
                organisation=organisation,
                trainer=trainer,
                programme=programme,
                name=f"Intake {number:02}",
                starts_on=datetime.date(2026, 1, 1) + number * DAY,
            )

    client.force_login(trainer)

    measured = assert_queries_do_not_grow(
        lambda _: page(client, reverse("progress:cohorts")), grow, warm=True
    )

    assert measured.result.context["page"].paginator.count == 30


def learner_with_work(organisation, programme, trainer, size: int) -> str:
    """The trainer's page about one learner of a cohort of `size`, who has `size`
    of everything the page lists: completions, attempts at practice work,
    listening days, check-ins, pauses and history."""
    made = cohort_with_learners(
        size,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name=f"Cohort of {size}",
        starts_on=timezone.now().date() - 60 * DAY,
    )
    enrolment = made.learners[0]
    now = timezone.now()
    activities = list(Activity.objects.live().order_by("pk"))
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now)
        for activity in activities[:size]
    )
    practice = next(a for a in activities if a.kind == Activity.Kind.PRACTICE)
    Submission.objects.bulk_create(
        Submission(
            enrolment=enrolment,
            activity=practice,
            text=f"Attempt {number}",
            status=Submission.Status.RETURNED,
            feedback="Again",
            reviewed_by=trainer,
            reviewed_at=now,
            created_at=now - number * DAY,
        )
        for number in range(size)
    )
    log = next(a for a in activities if a.kind == Activity.Kind.LISTENING_LOG)
    ListeningEntry.objects.bulk_create(
        ListeningEntry(
            enrolment=enrolment,
            activity=log,
            day=now.date() - number * DAY,
            followed="Feeds",
            learned="Context",
            created_at=now,
            updated_at=now,
        )
        for number in range(size)
    )
    FollowingCheckin.objects.bulk_create(
        FollowingCheckin(
            enrolment=enrolment,
            recorded_on=now.date() - number * DAY,
            followers=100 + number,
            created_at=now,
        )
        for number in range(size)
    )
    Pause.objects.bulk_create(
        Pause(
            enrolment=enrolment,
            started_at=now - (2 * number + 2) * DAY,
            ended_at=now - (2 * number + 1) * DAY,
            reason="Leave",
            created_by=trainer,
        )
        for number in range(size)
    )
    # Lines that name an activity, a day, a count and the programme: each is
    # said from what the one history query read.
    HistoryEvent.objects.bulk_create(
        HistoryEvent(
            enrolment=enrolment,
            kind=kind,
            activity=activity,
            params=params,
            summary="Logged",
            created_at=now,
            actor=trainer,
        )
        for number in range(size)
        for kind, activity, params in [
            (HistoryEvent.Kind.LOGGED, log, {"day": (now.date() - number * DAY).isoformat()}),
            (HistoryEvent.Kind.COMPLETED, activities[number % len(activities)], {}),
            (HistoryEvent.Kind.CHECKED_IN, None, {"followers": 100 + number}),
            (HistoryEvent.Kind.ENROLLED, None, {}),
        ]
    )
    return reverse("progress:cohort_learner", args=[made.cohort.pk, enrolment.pk])


def test_the_trainers_page_about_a_learner_runs_the_same_queries_for_3_and_30_of_everything(
    client, organisation, programme, trainer
):
    client.force_login(trainer)

    measured = assert_queries_do_not_grow(
        lambda url: page(client, url),
        lambda size: learner_with_work(organisation, programme, trainer, size),
        warm=True,
    )

    assert len(measured.result.context["submissions"]) == 30


def test_the_people_page_runs_the_same_queries_for_3_and_30_members(
    client, organisation, org_admin
):
    roles = [Membership.Role.TRAINEE, Membership.Role.TRAINER, Membership.Role.ORG_ADMIN]

    def grow(size: int) -> None:
        # The administrator is a member too; the rest are people and invitations.
        for number in range(organisation.memberships.count() - 1, size):
            MembershipFactory(
                user=UserFactory(email=f"member{number}@mfa.example"),
                organisation=organisation,
                role=roles[number % 3],
            )
            OrganisationInvitation.objects.create(
                organisation=organisation,
                email=f"invited{number}@mfa.example",
                role=roles[number % 2],
                created_by=org_admin,
                created_at=timezone.now(),
                sent_at=timezone.now(),
            )

    client.force_login(org_admin)

    measured = assert_queries_do_not_grow(
        lambda _: page(client, reverse("accounts:people", args=[organisation.slug])),
        grow,
        warm=True,
    )

    assert len(measured.result.context["members"]) == 31
    assert len(measured.result.context["invitations"]) == 30


def test_the_audit_page_runs_the_same_queries_for_3_and_30_events(
    client, organisation, org_admin, trainer
):
    def grow(size: int) -> None:
        for number in range(organisation.audit.count(), size):
            audit_record(
                actor=[org_admin, trainer, None][number % 3],
                action="membership.role",
                target=f"member{number}@mfa.example",
                organisation=organisation,
                role="trainer",
            )

    client.force_login(org_admin)

    measured = assert_queries_do_not_grow(
        lambda _: page(client, reverse("accounts:audit", args=[organisation.slug])),
        grow,
        warm=True,
    )

    assert measured.result.context["page"].paginator.count == 30
