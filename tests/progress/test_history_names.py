"""A learner's history says who acted from the account, never from a stored
name, so a deleted trainer's name leaves every learner's history."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import Enrolment, HistoryEvent
from progress.services.privacy import account_delete
from tests.factories import cohort_with_learners, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(trainee, trainer, programme, organisation):
    trainer.display_name = "Tom Trainer"
    trainer.save()
    cohort = cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Spring",
        starts_on=datetime.date(2026, 11, 1),
    ).cohort
    enrolment = enrol(cohort, trainee, started_at=timezone.now())
    services.enrolment_withdraw(enrolment=enrolment, by=trainer)
    services.enrolment_restore(enrolment=enrolment, by=trainer)
    return enrolment


def learner_page(enrolment):
    return reverse("progress:cohort_learner", args=[enrolment.cohort_id, enrolment.pk])


def test_withdrawal_and_restoration_are_stored_without_the_trainers_name(enrolment, trainer):
    events = enrolment.history.filter(kind__in=["withdrawn", "restored"]).order_by("created_at")
    assert [(e.summary, e.actor) for e in events] == [
        ("Withdrawn from the cohort", trainer),
        ("Restored to the cohort", trainer),
    ]


def test_pauses_and_resumptions_record_who_acted(enrolment, trainer):
    services.enrolment_pause(enrolment=enrolment, by=trainer, reason="Crisis posting")
    services.enrolment_resume(enrolment=enrolment, by=trainer)
    assert set(
        enrolment.history.filter(kind__in=["paused", "resumed"]).values_list("actor", flat=True)
    ) == {trainer.pk}


def test_the_learner_and_their_trainer_see_who_acted(client, enrolment, trainee, trainer):
    client.force_login(trainee)
    dashboard = client.get(reverse("progress:dashboard")).content.decode()
    assert "Withdrawn from the cohort" in dashboard
    assert "by Tom Trainer" in dashboard
    client.force_login(trainer)
    page = client.get(learner_page(enrolment)).content.decode()
    assert "Restored to the cohort" in page and "by Tom Trainer" in page


def test_a_deleted_trainers_name_leaves_the_learners_history(
    client, enrolment, trainee, trainer, org_admin
):
    account_delete(user=trainer)
    assert "Tom" not in str(HistoryEvent.objects.values("summary"))

    client.force_login(trainee)
    dashboard = client.get(reverse("progress:dashboard")).content.decode()
    assert "Tom Trainer" not in dashboard
    assert "Withdrawn from the cohort · by a former trainer" in dashboard
    client.force_login(org_admin)
    page = client.get(learner_page(enrolment)).content.decode()
    assert "Tom Trainer" not in page and "by a former trainer" in page


def test_what_the_learner_did_themselves_carries_no_by(client, enrolment, trainee):
    services.enrolment_pause(enrolment=Enrolment.objects.get(pk=enrolment.pk), by=trainee)
    client.force_login(trainee)
    dashboard = client.get(reverse("progress:dashboard")).content.decode()
    assert "Paused" in dashboard and "Paused ·" not in dashboard


def test_stored_summaries_with_a_name_are_rewritten(enrolment):
    now = timezone.now()
    old = [
        HistoryEvent.objects.create(enrolment=enrolment, kind=kind, summary=summary, created_at=now)
        for kind, summary in [
            ("withdrawn", "Withdrawn by Tom Trainer"),
            ("restored", "Restored by Tom Trainer"),
            ("restored", "Restored to Spring"),
        ]
    ]
    migration = importlib.import_module("progress.migrations.0010_history_summaries_without_names")
    migration.summaries_without_names(apps, None)
    assert [HistoryEvent.objects.get(pk=e.pk).summary for e in old] == [
        "Withdrawn from the cohort",
        "Restored to the cohort",
        "Restored to Spring",
    ]
