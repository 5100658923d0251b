"""The bench platform holds what the app would have written: every
enrolment's snapshot (pace and the three milestones) is exactly what the
app's own assessment computes from the generated rows at the generator's
`now`. The generator runs as a program (tests/bench/generator.py)."""

import datetime

import pytest

from progress.models import Enrolment, MilestoneAchievement
from progress.timemodel import Pace
from tests.bench.generator import forget_bench_meta, generate, snapshot_mismatches

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 6, 15, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture
def generated(programme):
    generate(NOW)
    yield
    forget_bench_meta()


def test_every_generated_snapshot_is_what_the_app_computes(generated):
    assert Enrolment.objects.count() == 120
    assert snapshot_mismatches(NOW) == []


def test_the_generated_platform_shows_the_whole_time_model(generated):
    # A check that passes on a platform of fresh learners would prove little.
    paces = set(Enrolment.objects.values_list("pace", flat=True))
    assert {Pace.AHEAD, Pace.ON_TRACK, Pace.AT_RISK, Pace.OVERDUE, Pace.PAUSED} <= paces
    # Most learners keep to the schedule: a platform where most were "ahead"
    # would mean the pace had lost its meaning.
    on_track = Enrolment.objects.filter(pace=Pace.ON_TRACK).count()
    assert on_track > 2 * Enrolment.objects.filter(pace=Pace.AHEAD).count()
    assert MilestoneAchievement.objects.filter(on_time=False).exists()
    assert Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).exists()
