"""The listening rule: entries on enough distinct days, spread over enough
calendar weeks (ISO weeks in the learner's own time zone)."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from curriculum.models import Activity
from progress import services
from progress.models import Completion, ListeningEntry
from progress.selectors import activity_detail
from progress.timemodel import listening_progress, required_listening_weeks
from tests.progress.study import Kind, completed, live

MONDAY = datetime.date(2026, 3, 2)
DAYS_3 = datetime.timedelta(days=3)


def days(*offsets: int) -> list[datetime.date]:
    return [MONDAY + datetime.timedelta(days=offset) for offset in offsets]


def progress(logged, length_days=365):
    return listening_progress(logged, required_days=12, required_weeks=3, length_days=length_days)


def test_twelve_days_in_two_weeks_are_not_enough():
    habit = progress(days(*range(12)))  # Monday 2 to Friday 13 March
    assert (habit.days, habit.weeks, habit.met) == (12, 2, False)


def test_twelve_days_over_three_weeks_meet_the_rule():
    habit = progress(days(*range(0, 24, 2)))
    assert (habit.days, habit.days_required, habit.weeks, habit.weeks_required) == (12, 12, 4, 3)
    assert habit.met


def test_three_weeks_with_too_few_days_are_not_enough():
    habit = progress(days(0, 7, 14, 15))
    assert (habit.days, habit.weeks, habit.met) == (4, 3, False)


def test_a_sunday_and_the_next_monday_are_two_weeks():
    assert progress(days(6, 7)).weeks == 2
    assert progress(days(0, 6)).weeks == 1


def test_short_programmes_ask_for_weeks_their_month_always_touches():
    # 365 days: a 30-day month touches at least 5 weeks; 73 days: 6 whole days, 1 week.
    assert required_listening_weeks(3, 365) == 3
    assert required_listening_weeks(3, 73) == 1
    assert required_listening_weeks(3, 150) == 2  # 12 whole days touch at least 2 weeks
    assert progress(days(0, 1, 2, 3, 4, 5), length_days=73).met


def test_the_same_day_twice_counts_once():
    assert progress(days(0, 0, 1)).days == 2


@pytest.mark.django_db
def test_a_sunday_night_and_a_monday_morning_entry_are_two_weeks_in_the_learners_zone(
    self_paced, programme
):
    # New York: Sunday 23:30 there is Monday 04:30 in UTC, the same UTC week as
    # Monday 07:00 there; in the learner's own week they are two.
    self_paced.time_zone = "America/New_York"
    self_paced.save()
    zone = zoneinfo.ZoneInfo("America/New_York")
    listening = live("curate", Kind.LISTENING_LOG)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=zone), tick=False):
        enrolment = services.enrolment_create(user=self_paced, programme=programme)
        services.listening_entry_save(
            enrolment=enrolment, activity=listening, followed="Feeds", learned="Sunday"
        )
    with time_machine.travel(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=zone), tick=False):
        services.listening_entry_save(
            enrolment=enrolment, activity=listening, followed="Feeds", learned="Monday"
        )
        habit = activity_detail(enrolment, listening)["habit"]

    assert sorted(ListeningEntry.objects.values_list("day", flat=True)) == days(-1, 0)
    assert (habit.days, habit.weeks) == (2, 2)


@pytest.mark.django_db
def test_the_listening_log_completes_on_the_twelfth_day_in_the_third_week(enrolment):
    listening = live("curate", Kind.LISTENING_LOG)
    assert (listening.required_days, listening.required_weeks) == (12, 3)
    zone = enrolment.user.zone
    start = datetime.datetime.combine(MONDAY, datetime.time(9), tzinfo=zone)

    def log_on(day: int):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            services.listening_entry_save(
                enrolment=enrolment, activity=listening, followed="Feeds", learned=f"Day {day}"
            )

    for day in range(12):  # twelve days, Monday to the next Friday: two weeks
        log_on(day)
    assert not completed(enrolment, listening)

    log_on(14)  # the third week's Monday
    assert completed(enrolment, listening)


@pytest.mark.django_db
def test_the_listening_page_says_how_far_the_learner_is(client, enrolment):
    listening = live("curate", Kind.LISTENING_LOG)
    now = timezone.now()
    opened = Activity.objects.live().filter(
        Q(module__stage__slug="orientation") | Q(module__slug="listening-foundations")
    )
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now) for activity in opened
    )
    today = enrolment.local_today(now)
    monday = today - datetime.timedelta(days=today.weekday())
    ListeningEntry.objects.bulk_create(
        ListeningEntry(
            enrolment=enrolment,
            activity=listening,
            day=day,
            followed="Feeds",
            learned="Context",
            created_at=now,
            updated_at=now,
        )
        # this week's Monday, and two days of the week before
        for day in (
            monday,
            monday - datetime.timedelta(days=1),
            monday - datetime.timedelta(days=3),
        )
    )
    client.force_login(enrolment.user)

    response = client.get(listening.get_absolute_url())

    text = " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())
    assert response.status_code == 200
    assert "3 of 12 days, in 2 of 3 weeks." in text
