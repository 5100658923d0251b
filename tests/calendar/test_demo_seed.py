"""The demo seed works on every day: each learner lands at the point of the
time model the demo promises, whatever the calendar says today."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from progress.models import Enrolment, Nudge
from progress.nudges.rules import calendar_month, iso_week
from progress.timemodel import Pace
from tests.calendar.days import DAY_PARAMS, at

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule


# A plain day: a Wednesday in mid-June, far from every edge.
PLAIN_DAY = at(2026, 6, 17, 12)


def seed(today) -> tuple[dict[str, str], str]:
    """Seeds the demo at `today`; returns each learner's pace and the output."""
    out = io.StringIO()
    with time_machine.travel(today, tick=False):
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=io.StringIO())  # idempotent: no error, nothing new
    paces = {
        enrolment.user.email.split("@")[0]: (enrolment.status, enrolment.pace)
        for enrolment in Enrolment.objects.select_related("user")
    }
    return paces, out.getvalue()


def test_the_demo_tells_its_stories_on_a_plain_day(programme, settings):
    settings.DEBUG = True  # seed_demo refuses to run without it
    paces, out = seed(PLAIN_DAY)

    assert out.count("new demo learner") == 8
    assert paces["dara"] == ("active", Pace.OVERDUE.value)
    assert paces["elena"] == ("paused", Pace.PAUSED.value)
    assert paces["farid"] == ("completed", Pace.ACHIEVED_ON_TIME.value)
    assert paces["gita"] == ("active", Pace.AHEAD.value)


@pytest.mark.parametrize("today", DAY_PARAMS)
def test_the_demo_seed_tells_the_same_stories_on_any_day(programme, settings, today):
    settings.DEBUG = True
    with transaction.atomic():
        plain, _ = seed(PLAIN_DAY)
        transaction.set_rollback(True)

    paces, out = seed(today)

    assert out.count("new demo learner") == 8
    assert paces == plain
    # The planner ran at the same moment: the trainer's digest and the
    # administrator's summary are for today's week and month.
    trainer = User.objects.get(email__startswith="trainer")
    digest = Nudge.objects.get(recipient=trainer, rule=Rule.TRAINER_DIGEST)
    assert digest.period == iso_week(today)
    admin = User.objects.get(email__startswith="orgadmin")
    summary = Nudge.objects.get(recipient=admin, rule=Rule.ORG_SUMMARY)
    assert summary.period == calendar_month(today)
