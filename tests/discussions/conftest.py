import datetime

import pytest
from django.utils import timezone

from curriculum.models import Activity
from curriculum.rendering import reading_blocks
from tests.factories import cohort_with_learners


@pytest.fixture
def reading(programme):
    """The first reading of the orientation, open from the first day."""
    return (
        Activity.objects.live()
        .filter(module__stage__slug="orientation", kind=Activity.Kind.READING)
        .select_related("module__stage")
        .order_by("module__order", "order")[0]
    )


@pytest.fixture
def paragraph(reading):
    return next(block for block in reading_blocks(reading.body_html) if block.tag == "p")


@pytest.fixture
def group(organisation, programme, trainer):
    """A cohort of two learners (Learner 001 and 002) and its trainer."""
    return cohort_with_learners(2, organisation=organisation, trainer=trainer, programme=programme)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def minutes(count: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=count)


@pytest.fixture
def tree(tmp_path):
    from tests.curriculum.content_tree import ContentTree

    return ContentTree(tmp_path)
