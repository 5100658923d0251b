"""Withdrawing learners from a cohort and restoring them without losing work."""

import pytest
from django.utils import timezone

from progress import services
from progress.models import Completion, Enrolment, HistoryEvent, ListeningEntry, Submission
from tests.factories import enrol
from tests.progress.cohort_world import Kind, live, parse_text, practice

pytestmark = pytest.mark.django_db


# Withdrawing and restoring without losing work


@pytest.fixture
def worker(cohort) -> Enrolment:
    """A cohort member with a completion, a submission, a listening entry and history."""
    enrolment = enrol(cohort, "ada@mfa.example", "Ada")
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[0]
    services.reading_mark_read(enrolment=enrolment, activity=reading)
    services.practice_submit(enrolment=enrolment, activity=practice(), text="My list", link="")
    services.listening_entry_save(
        enrolment=enrolment,
        activity=live(kind=Kind.LISTENING_LOG)[0],
        followed="Feeds",
        learned="Context",
    )
    return enrolment


def work_of(enrolment: Enrolment) -> dict[str, list]:
    return {
        "completions": list(enrolment.completions.values_list("pk", flat=True)),
        "submissions": list(Submission.objects.filter(enrolment=enrolment).values_list("pk")),
        "entries": list(ListeningEntry.objects.filter(enrolment=enrolment).values_list("pk")),
        "history": list(
            enrolment.history.exclude(
                kind__in=[HistoryEvent.Kind.WITHDRAWN, HistoryEvent.Kind.RESTORED]
            ).values_list("pk", flat=True)
        ),
    }


def test_withdrawal_keeps_every_piece_of_work(worker, trainer):
    before = work_of(worker)
    assert all(before.values())

    services.enrolment_withdraw(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.WITHDRAWN
    assert work_of(worker) == before
    assert worker.history.filter(kind=HistoryEvent.Kind.WITHDRAWN).count() == 1


def test_withdrawn_learner_cannot_study(worker, trainer):
    services.enrolment_withdraw(enrolment=worker, by=trainer)
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[1]

    with pytest.raises(services.StudyError, match="withdrawn"):
        services.reading_mark_read(enrolment=worker, activity=reading)
    assert not Completion.objects.filter(enrolment=worker, activity=reading).exists()


def test_withdrawing_twice_is_refused(worker, trainer):
    services.enrolment_withdraw(enrolment=worker, by=trainer)
    with pytest.raises(services.CohortError, match="already withdrawn"):
        services.enrolment_withdraw(enrolment=worker, by=trainer)


def test_adding_a_withdrawn_learner_again_restores_the_same_enrolment_with_all_work(
    worker, cohort, trainer
):
    before = work_of(worker)
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    rows, problems = parse_text(cohort, worker.user.email)
    assert problems == [], "a withdrawn learner is not 'already in this cohort'"
    result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert result.restored == [worker.user]
    restored = Enrolment.objects.get(user=worker.user)
    assert restored.pk == worker.pk
    assert restored.status == Enrolment.Status.ACTIVE
    assert work_of(restored) == before
    assert restored.history.filter(kind=HistoryEvent.Kind.RESTORED).count() == 1
    assert Enrolment.objects.count() == 1


def test_restoring_gives_back_the_same_enrolment_and_study_resumes(worker, trainer):
    before = work_of(worker)
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    services.enrolment_restore(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.ACTIVE
    assert work_of(worker) == before
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[1]
    assert services.reading_mark_read(enrolment=worker, activity=reading)


def test_restoring_a_learner_withdrawn_during_a_pause_leaves_them_paused(worker, trainer):
    services.enrolment_pause(enrolment=worker, by=trainer, reason="Posting")
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    services.enrolment_restore(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.PAUSED


def test_restoring_a_learner_who_is_not_withdrawn_is_refused(worker, trainer):
    with pytest.raises(services.CohortError, match="not withdrawn"):
        services.enrolment_restore(enrolment=worker, by=trainer)


def test_restoring_a_learner_who_had_completed_keeps_them_completed(worker, trainer):
    now = timezone.now()
    Enrolment.objects.filter(pk=worker.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=now
    )
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    services.enrolment_restore(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.COMPLETED
