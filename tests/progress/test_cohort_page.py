"""The trainer's pages: the cohort page, the page about one learner, and the
cohort list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from competences.models import Competence, Standing
from progress import services
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    FollowingCheckin,
    MilestoneAchievement,
    Pause,
)
from progress.timemodel import Pace
from tests.factories import cohort_with_learners, enrol
from tests.helpers import assert_queries_do_not_grow
from tests.progress.cohort_world import DAY, Kind, live

pytestmark = pytest.mark.django_db


# The cohort page


def bulk_learners(cohort, count: int, prefix: str) -> list[Enrolment]:
    """`count` learners with some of everything the page reads: completions,
    pauses, achievements, check-ins, standings and withdrawals."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@mfa.example", display_name=f"{prefix} {n:04}", password="!")
        for n in range(count)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            programme=cohort.programme,
            cohort=cohort,
            started_at=now - (n % 60) * DAY,
            length_days=cohort.length_days,
            last_activity_at=now - (n % 20) * DAY if n % 3 else None,
            status=Enrolment.Status.WITHDRAWN if n % 11 == 0 else Enrolment.Status.ACTIVE,
        )
        for n, user in enumerate(users)
    )
    readings = live(module__stage__slug="orientation", kind=Kind.READING)
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=reading, completed_at=now)
        for n, enrolment in enumerate(enrolments)
        for reading in readings[: n % (len(readings) + 1)]
    )
    Pause.objects.bulk_create(
        Pause(enrolment=enrolment, started_at=now - DAY) for enrolment in enrolments[::7]
    )
    MilestoneAchievement.objects.bulk_create(
        MilestoneAchievement(
            enrolment=enrolment, milestone="acquainted", achieved_at=now, on_time=True
        )
        for enrolment in enrolments[::5]
    )
    FollowingCheckin.objects.bulk_create(
        FollowingCheckin(enrolment=enrolment, recorded_on=now.date(), followers=10, created_at=now)
        for enrolment in enrolments[::4]
    )
    competence = Competence.objects.order_by("order").first()
    Standing.objects.bulk_create(
        Standing(user=user, competence=competence, state="in_progress", share_done=0.5)
        for user in users[::3]
    )
    return enrolments


def test_cohort_page_runs_a_fixed_number_of_queries_for_5_and_500_learners(
    client, organisation, programme, trainer
):
    def make(name):
        return cohort_with_learners(
            0,
            organisation=organisation,
            trainer=trainer,
            programme=programme,
            name=name,
            starts_on=timezone.now().date() - 30 * DAY,
        ).cohort

    def grow(size: int):
        cohort = make(f"Cohort of {size}")
        bulk_learners(cohort, size, f"size{size}-")
        return cohort

    def visit(cohort):
        response = client.get(reverse("progress:cohort", args=[cohort.pk]))
        assert response.status_code == 200
        return response

    client.force_login(trainer)

    # Measured: 24 queries whatever the size. 1 session, 2 user, 3 the user's
    # memberships (roles, which the navigation reuses), 4 the cohort if
    # visible, 5 enrolments never assessed (none), 6 the summary's counts,
    # 7 the count of rows shown, 8 one page of enrolments with their users,
    # 9 competences, 10 live activities per horizon, 11 completions per
    # enrolment and horizon, 12 achievements, 13 pauses, 14 check-ins,
    # 15 approved alternative evidence, 16 standings, 17 pending
    # invitations, the layout's 18 unread notifications; then the discussion
    # panel's 19 threads, 20 the count of its learners and 21 one page of
    # them, 22 the reviews they gave and 23 received, 24 open reports.
    # Warmed first: caches fill, and the first visit assesses the enrolments
    # written in bulk.
    measured = assert_queries_do_not_grow(visit, grow, sizes=(5, 500), warm=True)

    assert not Enrolment.objects.filter(assessed_at__isnull=True).exists()
    assert len(measured.large) <= 24, measured.large
    response = measured.result
    assert response.context["summary"].total == 500 - len(range(0, 500, 11))
    assert len(response.context["page"].object_list) == 50


@pytest.fixture
def varied(cohort, trainer) -> dict[str, Enrolment]:
    """Learners whose pace and activity differ, by name."""
    now = timezone.now()
    learners = {
        "Alice": enrol(cohort, "alice@mfa.example", "Alice", started_at=now - 40 * DAY),
        "Bruno": enrol(cohort, "bruno@mfa.example", "Bruno", started_at=now - DAY / 24),
        "Carla": enrol(cohort, "carla@mfa.example", "Carla", started_at=now - 40 * DAY),
        "Dinah": enrol(cohort, "dinah@mfa.example", "Dinah", started_at=now - 20 * DAY),
        "Emile": enrol(cohort, "emile@mfa.example", "Emile", started_at=now + 5 * DAY),
    }
    Enrolment.objects.filter(pk=learners["Carla"].pk).update(last_activity_at=now - 3 * DAY)
    Enrolment.objects.filter(pk=learners["Bruno"].pk).update(last_activity_at=now)
    services.enrolment_withdraw(enrolment=learners["Dinah"], by=trainer)
    return learners


def shown(client, cohort, **params) -> list[str]:
    response = client.get(reverse("progress:cohort", args=[cohort.pk]), params)
    assert response.status_code == 200
    return [row.user.display_name for row in response.context["page"].object_list]


def test_cohort_page_summary_counts_current_learners_by_pace(client, cohort, varied, trainer):
    client.force_login(trainer)

    response = client.get(reverse("progress:cohort", args=[cohort.pk]))

    summary = response.context["summary"]
    assert (summary.total, summary.withdrawn) == (4, 1)
    assert summary.by_pace[Pace.OVERDUE] == 2
    assert summary.by_pace[Pace.ON_TRACK] == 1
    acquainted = summary.milestones[0]
    assert (acquainted["label"], acquainted["overdue"]) == ("Acquainted", 2)
    assert response.context["shown_count"] == 4


def test_cohort_page_filters_and_sorts(client, cohort, varied, trainer):
    client.force_login(trainer)

    assert shown(client, cohort, sort="name") == ["Alice", "Bruno", "Carla", "Emile"]
    assert shown(client, cohort) == shown(client, cohort, sort="pace")
    assert shown(client, cohort, sort="pace") == ["Alice", "Carla", "Emile", "Bruno"]
    assert shown(client, cohort, sort="activity") == ["Alice", "Carla", "Bruno", "Emile"]
    assert shown(client, cohort, sort="nonsense") == shown(client, cohort, sort="pace")
    assert shown(client, cohort, pace="overdue", sort="name") == ["Alice", "Carla"]
    assert shown(client, cohort, pace="not_started") == ["Emile"]
    assert shown(client, cohort, pace="nonsense") == shown(client, cohort)
    assert shown(client, cohort, status="withdrawn") == ["Dinah"]
    assert shown(client, cohort, inactive="1", sort="name") == ["Alice"]
    assert shown(client, cohort, withdrawn="1", sort="name") == [
        "Alice",
        "Bruno",
        "Carla",
        "Dinah",
        "Emile",
    ]
    assert shown(client, cohort, withdrawn="1", pace="overdue", sort="name") == [
        "Alice",
        "Carla",
    ]


def test_withdrawn_learner_is_labelled_withdrawn_when_shown(client, cohort, varied, trainer):
    client.force_login(trainer)

    response = client.get(reverse("progress:cohort", args=[cohort.pk]), {"withdrawn": "1"})

    rows = {row.user.display_name: row for row in response.context["page"].object_list}
    assert rows["Dinah"].pace_label == "withdrawn"
    assert "Withdrawn" in response.content.decode()


def test_cohort_page_shows_fifty_learners_a_page(client, cohort, trainer):
    bulk_learners(cohort, 121, "many")
    current = 121 - len(range(0, 121, 11))
    client.force_login(trainer)
    url = reverse("progress:cohort", args=[cohort.pk])

    first = client.get(url, {"sort": "name"})
    last = client.get(url, {"sort": "name", "page": 3})

    assert first.context["shown_count"] == current
    assert len(first.context["page"].object_list) == 50
    assert len(last.context["page"].object_list) == current - 100
    assert first.context["page"].paginator.num_pages == 3
    assert "sort=name&amp;page=2" in first.content.decode()
    assert client.get(url, {"page": 99}).context["page"].number == 3


def test_the_trainers_page_about_a_learner_speaks_about_them(client, cohort, trainer):
    enrolment = enrol(cohort, "ada@mfa.example", "Ada")
    client.force_login(trainer)

    html = client.get(
        reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk])
    ).content.decode()

    assert "Ada is " in html or "Ada has " in html
    assert "You are " not in html and "You have " not in html
    assert "Your timeline" not in html
    assert "You record your follower count" not in html


def test_the_cohort_list_comes_fifty_at_a_time(client, staff, organisation, programme):
    Cohort.objects.bulk_create(
        Cohort(
            organisation=organisation,
            programme=programme,
            name=f"Intake {n:02}",
            starts_on=datetime.date(2026, 1, 1),
        )
        for n in range(51)
    )
    client.force_login(staff)

    first = client.get(reverse("progress:cohorts")).content.decode()
    second = client.get(reverse("progress:cohorts"), {"page": "2"}).content.decode()
    nonsense = client.get(reverse("progress:cohorts"), {"page": "x"})

    assert first.count('<th scope="row">') == 50 and "Page 1 of 2" in first
    assert second.count('<th scope="row">') == 1 and "Page 2 of 2" in second
    assert nonsense.status_code == 200
