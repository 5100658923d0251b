import datetime

import pytest
from django.utils import timezone

from progress import services
from tests.factories import cohort_with_learners

DAY = datetime.timedelta(days=1)


@pytest.fixture
def cohort(organisation, programme, trainer):
    """The cohort tests' cohort: it began ten days ago."""
    return cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        starts_on=timezone.now().date() - 10 * DAY,
    ).cohort


@pytest.fixture
def enrolment(self_paced, programme):
    """A self-paced learner: no cohort, so no trainer."""
    return services.enrolment_create(user=self_paced, programme=programme)
