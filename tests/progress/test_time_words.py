"""How long ago, in words: "just now" under a minute, never "0 minutes ago"."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from progress.models import Enrolment
from progress.templatetags.progress_tags import ago
from tests.factories import enrol

NOW = datetime.datetime(2026, 6, 17, 10, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("before", "words"),
    [
        (datetime.timedelta(seconds=0), "just now"),
        (datetime.timedelta(seconds=59), "just now"),
        (datetime.timedelta(seconds=-30), "just now"),  # a clock a little ahead
        (datetime.timedelta(seconds=61), "1\xa0minute ago"),
        (datetime.timedelta(hours=3), "3\xa0hours ago"),
        (datetime.timedelta(days=9), "1\xa0week, 2\xa0days ago"),
    ],
)
def test_ago_says_just_now_under_a_minute(before, words):
    with time_machine.travel(NOW, tick=False):
        assert ago(NOW - before) == words


def test_ago_of_nothing_is_empty():
    assert ago(None) == ""


@pytest.mark.django_db
def test_cohort_page_says_a_learner_was_active_just_now(client, trainer, cohort):
    learner = enrol(cohort, "busy@mfa.example", "Bea Busy")
    with time_machine.travel(NOW, tick=False):
        Enrolment.objects.filter(pk=learner.pk).update(
            last_activity_at=NOW - datetime.timedelta(seconds=20)
        )
        client.force_login(trainer)

        html = client.get(reverse("progress:cohort", args=[cohort.pk])).content.decode()

    assert "just now" in html
    assert "0\xa0minutes" not in html
