"""Nudges that events in a learner's or a trainer's life plan and deliver: the
welcome on enrolling, and the trainer's digest."""

import pytest

from progress import services
from progress.models import Cohort, Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from tests.nudges.conftest import HOUR, NOW, learner, nudge_for, overdue

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
Status = Nudge.Status
SECOND = HOUR / 3600


# Events that happen to the learner


def test_enrolling_plans_a_welcome_and_queues_its_delivery_after_commit(
    programme, monkeypatch, django_capture_on_commit_callbacks
):
    from progress import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver_nudges, "delay", lambda ids: queued.append(ids))
    ada = learner("ada@mfa.example")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment = services.enrolment_create(user=ada, programme=programme)
        assert queued == []
    for callback in callbacks:
        callback()

    welcome = nudge_for(enrolment, Rule.WELCOME)
    assert (welcome.subject, welcome.period, welcome.status) == (
        f"enrolment:{enrolment.pk}",
        "once",
        Status.PENDING,
    )
    assert queued == [[welcome.pk]]


def test_a_broker_that_is_down_leaves_the_nudge_for_the_sweep(
    programme, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from progress import tasks

    def down(ids):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(tasks.deliver_nudges, "delay", down)

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_create(user=learner("ada@mfa.example"), programme=programme)

    assert nudge_for(enrolment, Rule.WELCOME).status == Status.PENDING
    assert "the periodic sweep will send them" in caplog.text


def test_the_trainer_digest_sums_up_each_cohort(programme, organisation, trainer, mailoutbox):
    cohort = Cohort.objects.create(
        organisation=organisation, programme=programme, name="Winter", starts_on=NOW.date()
    )
    cohort.trainers.add(trainer)
    overdue(learner("ada@mfa.example"), programme, cohort=cohort)
    nudges_plan(now=NOW)

    nudges_deliver(now=NOW)

    (digest,) = [message for message in mailoutbox if message.to == [trainer.email]]
    assert digest.subject == "Your cohorts this week"
    assert (
        "Winter: 1 learners; 0 at risk, 1 overdue, 0 inactive for 14 days; "
        "0 submissions waiting for review." in digest.body
    )


def test_a_digest_for_a_cohort_archived_since_is_skipped(
    programme, organisation, trainer, mailoutbox
):
    cohort = Cohort.objects.create(
        organisation=organisation, programme=programme, name="Winter", starts_on=NOW.date()
    )
    cohort.trainers.add(trainer)
    overdue(learner("ada@mfa.example"), programme, cohort=cohort)
    nudges_plan(now=NOW)
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=NOW - SECOND)

    nudges_deliver(now=NOW)

    digest = Nudge.objects.get(rule=Rule.TRAINER_DIGEST)
    assert digest.status == Status.SKIPPED
    assert mailoutbox == []
