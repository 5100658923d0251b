import datetime

import pytest
from django.utils import timezone

from progress import services

DAY = datetime.timedelta(days=1)


@pytest.fixture
def cohort(organisation, programme, trainer):
    return services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="Spring cohort",
        starts_on=timezone.now().date() - 10 * DAY,
        length_days=365,
        trainers=[trainer],
    )


@pytest.fixture
def enrolment(self_paced, programme):
    """A self-paced learner: no cohort, so no trainer."""
    return services.enrolment_create(user=self_paced, programme=programme)
