"""The reading page and the discussion pages run a fixed number of queries,
with a handful of threads or with hundreds."""

import pytest
from django.urls import reverse

from curriculum.rendering import reading_blocks
from discussions.models import Post, Thread
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


def _fill(group, reading, now, count):
    """`count` threads with a reply each, spread over the reading's paragraphs."""
    blocks = [block for block in reading_blocks(reading.body_html) if block.tag != "hr"]
    threads = Thread.objects.bulk_create(
        Thread(
            programme=group.cohort.programme,
            cohort=group.cohort,
            activity=reading,
            anchor=blocks[number % len(blocks)].anchor,
            excerpt=blocks[number % len(blocks)].excerpt,
            started_by=group.learners[0].user,
            created_at=now,
            last_posted_at=now,
            post_count=2,
        )
        for number in range(count)
    )
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=group.learners[number % 2].user,
            body=f"post {number}",
            body_html=f"<p>post {number}</p>",
            words=2,
            created_at=now,
        )
        for thread in threads
        for number in range(2)
    )


@pytest.mark.parametrize(
    "url",
    [
        lambda group, reading: reading.get_absolute_url(),
        lambda group, reading: reverse("discussions:cohort", args=[group.cohort.pk]),
    ],
    ids=["reading", "discussion"],
)
def test_page_queries_do_not_grow_with_threads(client, group, reading, now, url):
    client.force_login(group.learners[1].user)
    address = url(group, reading)

    def grow(size):
        _fill(group, reading, now, size - Thread.objects.count())

    def request(_):
        response = client.get(address)
        assert response.status_code == 200

    assert_queries_do_not_grow(request, grow, sizes=(5, 250), warm=True)


def test_thread_and_moderation_queue_do_not_grow(client, group, reading, now, trainer):
    _fill(group, reading, now, 1)
    thread = Thread.objects.get()
    client.force_login(trainer)

    def grow(size):
        for number in range(size - thread.posts.count()):
            Post.objects.create(
                thread=thread,
                author=group.learners[number % 2].user,
                body="x",
                body_html="<p>x</p>",
                words=1,
                created_at=now,
            )

    def request(_):
        assert client.get(thread.get_absolute_url()).status_code == 200
        assert client.get(reverse("discussions:moderation")).status_code == 200

    assert_queries_do_not_grow(request, grow, sizes=(5, 120), warm=True)
