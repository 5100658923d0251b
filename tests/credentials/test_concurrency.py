import pytest
from django.utils import timezone

from credentials import services
from credentials.models import Credential
from progress.models import MilestoneAchievement
from tests.factories import enrol
from tests.helpers import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_the_same_milestone_issue_it_once(cohort):
    learner = enrol(cohort, "amina@mfa.example", "Amina Diallo")
    reached = MilestoneAchievement.objects.create(
        enrolment=learner, milestone="acquainted", achieved_at=timezone.now(), on_time=True
    )

    def issue():
        return services.credential_issue_for_milestone(
            achievement_id=reached.pk, now=timezone.now()
        )

    outcomes = race(issue, issue, issue)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sum(outcome is not None for outcome in outcomes) == 1
    assert Credential.objects.count() == 1
