"""A learner who studies on their own is invited to a ministry's cohort: they
see what joining means for their earlier work, choose to bring it, and join.
The ministry's trainer saw only the address until then."""

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Activity
from progress import services
from progress.models import Enrolment
from progress.tasks import invitation_token
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_paced_learner_accepts_an_invitation_and_brings_their_own_work(
    page, live_server, programme, organisation, trainer, assert_accessible
):
    learner = UserFactory(email="solo@example.org", display_name="Sam Solo")
    own = services.enrolment_create(user=learner, programme=programme)
    readings = Activity.objects.live().filter(
        module__stage__slug="orientation", kind=Activity.Kind.READING
    )[:2]
    for reading in readings:
        services.reading_mark_read(enrolment=own, activity=reading)
    cohort = services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="Winter cohort",
        starts_on=timezone.now().date(),
        length_days=365,
        trainers=[trainer],
    )
    rows, _ = services.learner_rows_parse(cohort=cohort, text=learner.email)
    (invitation,) = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer).invited

    log_in(page, learner.email)
    page.goto(reverse("progress:invitation", args=[invitation_token(invitation)]))
    page.get_by_role("heading", name="Join Winter cohort").wait_for()
    assert "You have been studying this programme on your own" in page.content()
    assert_accessible(page, name="invitation with earlier work")
    screenshot(page, "invitation-bring-work-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "invitation-bring-work-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Bring my own earlier work to this cohort").check()
    page.get_by_role("button", name="Join Winter cohort").click()
    page.get_by_text("Welcome to Winter cohort.").wait_for()

    joined = Enrolment.objects.get(cohort=cohort)
    assert joined.pk != own.pk
    assert joined.completions.count() == 2
    own.refresh_from_db()
    assert own.status == Enrolment.Status.WITHDRAWN
