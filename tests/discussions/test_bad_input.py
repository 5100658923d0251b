"""Odd input to the discussion and peer-review forms gets a clear answer
(a form error, or a 404 for an object that is not there), never a 500, and
writes nothing."""

import pytest
from django.urls import reverse

from curriculum.models import Activity
from discussions import services_peer
from discussions.models import PeerMark, Post, PostReport, Thread
from progress import services as progress_services

pytestmark = pytest.mark.django_db

ODD = ["", " ", "\x00", "a\x00b", "x" * 6000, "<script>", "{{7*7}}", "\ud7ff", "%00"]


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_odd_posts_and_anchors_are_refused_cleanly(client, group, reading, paragraph, now, value):
    from discussions import services

    thread = services.thread_start(
        user=group.learners[0].user,
        cohort=group.cohort,
        activity=reading,
        anchor=paragraph.anchor,
        body="A first question",
        now=now,
    )
    post = thread.posts.get()
    client.force_login(group.learners[1].user)
    before = (Thread.objects.count(), Post.objects.count(), PostReport.objects.count())

    start = client.post(
        reverse("discussions:start", args=[reading.pk]), {"anchor": value, "body": value}
    )
    reply = client.post(thread.get_absolute_url(), {"body": value})
    report = client.post(reverse("discussions:post_report", args=[post.pk]), {"reason": value})

    for response in (start, reply, report):
        assert response.status_code in {302, 400}, response.status_code
    written = (Thread.objects.count(), Post.objects.count(), PostReport.objects.count())
    if value.strip() and "\x00" not in value and len(value) <= 300:
        return  # a fair report or reply may be written
    assert written == before


def test_unknown_ids_answer_404(client, group):
    client.force_login(group.learners[0].user)

    for url in [
        "/discussions/threads/999999/",
        "/discussions/posts/999999/report/",
        "/discussions/readings/999999/start/",
        "/peer-review/tasks/999999/",
        "/peer-review/reviews/999999/",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_peer_review_with_odd_levels_is_refused_and_writes_nothing(
    client, organisation, programme, trainer, now
):
    from tests.factories import cohort_with_learners

    task = Activity.objects.live().prefetch_related("criteria").get(slug="respond-to-criticism")
    group = cohort_with_learners(2, organisation=organisation, trainer=trainer, programme=programme)
    for enrolment in group.learners:
        progress_services.practice_submit(enrolment=enrolment, activity=task, text="x", link="")
    (review,) = services_peer.peer_reviews_allocate(
        enrolment=group.learners[0], activity=task, now=now
    )
    client.force_login(group.learners[0].user)

    response = client.post(
        reverse("discussions:peer_review_give", args=[review.pk]),
        {
            **{f"criterion_{criterion.pk}": "brilliant" for criterion in task.rubric},
            "feedback": "\x00",
        },
    )

    assert response.status_code == 400
    assert not PeerMark.objects.exists()
