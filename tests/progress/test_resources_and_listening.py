"""Core resources complete once enough are followed; the listening log on enough
distinct days, the learner's own.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import datetime

import pytest
from django.utils import timezone

from progress import services
from progress.models import Follow, HistoryEvent, ListeningEntry
from progress.timemodel import required_listening_days
from tests.progress.study import Kind, completed, live, local_today, log_earlier_days

pytestmark = pytest.mark.django_db


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
    # Every other day, so the days spread over the weeks the rule asks for.
    log_earlier_days(enrolment, listening, needed - 2, every=2)

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
    # A 36-day programme has a month of 36 * 30 / 365 < 3 whole days: it asks
    # for 2, in one week. (A 73-day programme's month has 6 whole days.)
    enrolment = services.enrolment_create(user=self_paced, programme=programme, length_days=36)
    assert required_listening_days(listening.required_days, 36) == 2
    assert required_listening_days(listening.required_days, 73) == 6
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
