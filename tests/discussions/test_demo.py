import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from discussions.models import PeerReview, Post, Thread
from progress.management.commands.seed_demo import demo_email
from progress.models import Submission

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_lively_discussion_and_a_finished_peer_review_round(
    client, settings, programme
):
    settings.DEBUG = True  # seed_demo refuses to run without it

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles

    threads = Thread.objects.filter(cohort__name="Autumn intake")
    assert threads.count() == 3 and threads.filter(is_pinned=True).count() == 1
    assert Post.objects.filter(thread__in=threads).count() == 7
    reviews = PeerReview.objects.filter(cohort__name="Autumn intake")
    assert reviews.count() == 8
    assert set(reviews.values_list("status", flat=True)) == {PeerReview.Status.GIVEN}
    decided = Submission.objects.get(
        enrolment__user__email=demo_email("bruno"), activity=reviews[0].activity
    )
    assert decided.status == Submission.Status.ACCEPTED

    from accounts.models import User

    client.force_login(User.objects.get(email=demo_email("chen")))
    page = client.get(reverse("discussions:cohort", args=[threads[0].cohort_id]))
    assert page.status_code == 200
    assert "Welcome to the margins" in page.content.decode()
