"""The bench generator, run as a program on every calendar edge day, loads
without breaking a unique constraint (it rebuilds them after the load, and
PostgreSQL refuses a duplicate), sends digests and summaries exactly as the
planner would on each recipient's own calendar, and leaves every snapshot
as the app computes it that day."""

import datetime

import pytest

from accounts.models import User
from ediplomacy.lib.periods import iso_week_label, local_date, month_label, months_before
from progress.models import Nudge
from progress.nudges.planner import nudges_plan
from progress.nudges.rules import calendar_month, iso_week
from tests.bench.generator import forget_bench_meta, generate, snapshot_mismatches
from tests.calendar.days import DAY_PARAMS, zone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# What the generator says it sends: eight weekly digests, six monthly summaries.
DIGEST_WEEKS = 8
SUMMARY_MONTHS = 6


def sent(rule: str) -> dict[User, list[Nudge]]:
    by_recipient: dict[User, list[Nudge]] = {}
    for nudge in Nudge.objects.filter(rule=rule).select_related("recipient").order_by("-sent_at"):
        by_recipient.setdefault(nudge.recipient, []).append(nudge)
    return by_recipient


@pytest.mark.parametrize("today", DAY_PARAMS)
def test_generated_platform_holds_on_every_calendar_edge(programme, today):
    generate(today)
    try:
        digests, summaries = sent(Nudge.Rule.TRAINER_DIGEST), sent(Nudge.Rule.ORG_SUMMARY)
        assert digests and summaries
        for trainer, nudges in digests.items():
            place = zone(trainer.time_zone)
            local = local_date(today, place)
            assert [nudge.period for nudge in nudges] == [
                iso_week_label(local - datetime.timedelta(weeks=n)) for n in range(DIGEST_WEEKS)
            ]
            for nudge in nudges:
                assert nudge.sent_at <= today and iso_week(nudge.sent_at, place) == nudge.period
        for admin, nudges in summaries.items():
            place = zone(admin.time_zone)
            local = local_date(today, place)
            assert [nudge.period for nudge in nudges] == [
                month_label(months_before(local, n)) for n in range(SUMMARY_MONTHS)
            ]
            for nudge in nudges:
                assert nudge.sent_at <= today
                assert calendar_month(nudge.sent_at, place) == nudge.period
        # This week's and this month's are already there: the planner's next
        # run at the same moment finds none to add.
        planned = nudges_plan(now=today, dry_run=True)
        assert planned[Nudge.Rule.TRAINER_DIGEST] == 0
        assert planned[Nudge.Rule.ORG_SUMMARY] == 0
        assert snapshot_mismatches(today) == []
    finally:
        forget_bench_meta()
