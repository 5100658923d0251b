"""Invitation sending is rate limited per person and hour."""

import datetime

import pytest
from django.utils import timezone

from progress import services
from progress.models import Invitation
from tests.factories import cohort_with_learners

DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organisation, programme, trainer):
    return cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Spring",
        starts_on=datetime.date(2026, 11, 1),
    ).cohort


def addresses(start, count):
    return "\n".join(f"person{n}@mfa.example" for n in range(start, start + count))


def test_a_list_over_the_hourly_limit_is_refused_whole(cohort, trainer, settings):
    settings.INVITATIONS_PER_HOUR = 5
    rows, _ = services.learner_rows_parse(cohort=cohort, text=addresses(0, 6))
    with pytest.raises(services.CohortError, match="would send 6 invitations"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    assert not Invitation.objects.exists()


def test_invitations_and_resends_share_the_hourly_budget(cohort, trainer, settings):
    settings.INVITATIONS_PER_HOUR = 5
    rows, _ = services.learner_rows_parse(cohort=cohort, text=addresses(0, 4))
    services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    invitation = Invitation.objects.first()
    # A re-send waits a day after the last sending.
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - 2 * DAY)
    services.invitation_resend(invitation=invitation, by=trainer)
    with pytest.raises(services.CohortError, match="as many invitations as allowed"):
        services.invitation_resend(invitation=invitation, by=trainer)
    rows, _ = services.learner_rows_parse(cohort=cohort, text=addresses(10, 1))
    with pytest.raises(services.CohortError, match="can send 0 more"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)


def test_another_trainer_has_a_budget_of_their_own(cohort, trainer, org_admin, settings):
    settings.INVITATIONS_PER_HOUR = 3
    rows, _ = services.learner_rows_parse(cohort=cohort, text=addresses(0, 3))
    services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    rows, _ = services.learner_rows_parse(cohort=cohort, text=addresses(10, 3))
    services.cohort_add_learners(cohort=cohort, rows=rows, by=org_admin)
    assert Invitation.objects.count() == 6
