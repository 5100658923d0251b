import pytest

from tests.factories import enrol


@pytest.fixture
def learner(cohort):
    """A trainee of the organisation's cohort, enrolled on the cohort's day."""
    return enrol(cohort, "amina@mfa.example", "Amina Diallo")
