"""The bench generator's rows keep every unique constraint whatever day it
runs on (PostgreSQL rebuilds them after the load and refuses a duplicate),
and its digests and summaries are the ones the planner would have sent."""

import datetime

import pytest

from bench.copyload import Batch
from bench.platform import COLUMNS, TIME_ZONES, read_programme, sent_digests
from bench.rows import StoryRows
from bench.stories import Learner, StoryWriter
from ediplomacy.lib.periods import iso_week_label, local_date, month_label, months_before
from progress.nudges.rules import calendar_month, iso_week
from tests.calendar.days import DAY_PARAMS, zone

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# The unique constraints of the tables the stories write (progress/models.py).
UNIQUE = {
    "progress_nudge": ("recipient_id", "rule", "subject", "period"),
    "progress_listeningentry": ("enrolment_id", "activity_id", "day"),
    "progress_followingcheckin": ("enrolment_id", "recorded_on"),
    "progress_completion": ("enrolment_id", "activity_id"),
    "progress_follow": ("enrolment_id", "resource_id"),
    "progress_reflection": ("enrolment_id", "activity_id"),
    "progress_milestoneachievement": ("enrolment_id", "milestone"),
}


def keys(batch: Batch, table: str) -> list[tuple[str, ...]]:
    columns = COLUMNS[table]
    positions = [columns.index(name) for name in UNIQUE[table]]
    return [
        tuple(values[i] for i in positions)
        for values in (line.split("\t") for line in batch.rows.get(table, []))
    ]


@pytest.mark.parametrize("today", DAY_PARAMS)
def test_generated_rows_keep_every_unique_constraint(programme, today):
    writer = StoryWriter(read_programme(), today, seed=7)
    batch = Batch()
    # Learners who started every few days over the last 14 months, in
    # programmes of each length, with and without a cohort and trainer.
    for number, days_ago in enumerate(range(0, 430, 3), start=1):
        length = (365, 180, 730)[number % 3]
        cohort = 1 if number % 4 else None
        learner = Learner(
            user_pk=number,
            enrolment_pk=number,
            cohort_pk=cohort,
            reviewers=[10_000] if cohort else [],
            started_at=today - DAY * (days_ago + 0.37),
            length_days=length,
            waiting_share=0.5,
        )
        StoryRows(writer, batch, writer.story(learner)).write()
    trainers = {20_000 + n: name for n, name in enumerate(TIME_ZONES)}
    admins = {30_000 + n: name for n, name in enumerate(TIME_ZONES)}
    digests = [
        (str(recipient), rule, subject, period)
        for recipient, rule, subject, period, _ in sent_digests(today, trainers, admins, org=1)
    ]

    assert batch.rows["progress_listeningentry"], "the stories log some listening"
    assert len(digests) == len(set(digests)), "duplicate digests or summaries"
    for table in UNIQUE:
        found = keys(batch, table)
        assert len(found) == len(set(found)), f"duplicate keys in {table}"


@pytest.mark.parametrize("today", DAY_PARAMS)
@pytest.mark.parametrize("name", TIME_ZONES)
def test_sent_digests_are_one_a_week_and_summaries_one_a_month_up_to_today(today, name):
    rows = sent_digests(today, {1: name}, {2: name}, org=9)
    place = zone(name)
    local = local_date(today, place)
    digests = [(period, at) for _, rule, _, period, at in rows if rule == "trainer_digest"]
    summaries = [(period, at) for _, rule, _, period, at in rows if rule == "org_summary"]

    assert [period for period, _ in digests] == [
        iso_week_label(local - datetime.timedelta(weeks=n)) for n in range(8)
    ]
    assert [period for period, _ in summaries] == [
        month_label(months_before(local, n)) for n in range(6)
    ]
    for period, at in digests:
        assert at <= today and iso_week(at, place) == period
    for period, at in summaries:
        assert at <= today and calendar_month(at, place) == period
    # This week's and this month's are already there: the planner's next run
    # at the same moment finds nothing to add.
    assert digests[0][0] == iso_week(today, place)
    assert summaries[0][0] == calendar_month(today, place)
