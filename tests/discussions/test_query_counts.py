"""The reading page and the discussion pages run a fixed number of queries,
with a handful of threads or with hundreds, with 10 posts in a cohort or
2,000, and show a page of them at a time."""

import datetime

import pytest
from django.urls import reverse

from curriculum.rendering import reading_blocks
from discussions.models import Post, PostReport, Thread
from discussions.selectors import MARGIN_THREADS_PER_BLOCK, POSTS_PER_PAGE, THREADS_PER_PAGE
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


# A cohort with 2,000 posts ---------------------------------------------------


def _posts_until(group, reading, now, total: int) -> Thread:
    """Adds to the cohort until it holds `total` posts: half in one long thread,
    the rest in threads of two spread over the reading's paragraphs; every
    fifth new post reported. Returns the long thread."""
    blocks = [block for block in reading_blocks(reading.body_html) if block.tag == "p"]
    long_thread, _ = Thread.objects.get_or_create(
        cohort=group.cohort,
        activity=reading,
        anchor=blocks[0].anchor,
        excerpt="The long thread",
        defaults={
            "programme": group.cohort.programme,
            "started_by": group.learners[0].user,
            "created_at": now,
            "last_posted_at": now,
        },
    )
    wanted = total - Post.objects.count()
    threads = Thread.objects.bulk_create(
        Thread(
            programme=group.cohort.programme,
            cohort=group.cohort,
            activity=reading,
            anchor=blocks[number % len(blocks)].anchor,
            excerpt=blocks[number % len(blocks)].excerpt,
            started_by=group.learners[number % 2].user,
            created_at=now,
            last_posted_at=now + datetime.timedelta(seconds=number),
            post_count=2,
        )
        for number in range(wanted // 4)
    )
    in_long = wanted - 2 * len(threads)
    posts = Post.objects.bulk_create(
        [
            Post(
                thread=thread,
                author=group.learners[number % 2].user,
                body=f"Reply {number} on the margin",
                body_html=f"<p>Reply {number} on the margin</p>",
                words=5,
                created_at=now,
            )
            for thread in threads
            for number in range(2)
        ]
        + [
            Post(
                thread=long_thread,
                author=group.learners[number % 2].user,
                body=f"Post {number} of the long thread",
                body_html=f"<p>Post {number} of the long thread</p>",
                words=6,
                created_at=now + datetime.timedelta(seconds=number),
            )
            for number in range(in_long)
        ]
    )
    PostReport.objects.bulk_create(
        PostReport(
            post=post,
            reporter=group.learners[(number + 1) % 2].user,
            reason="Off topic",
            created_at=now + datetime.timedelta(seconds=number),
        )
        for number, post in enumerate(posts[::5])
    )
    long_thread.post_count = long_thread.posts.count()
    long_thread.save(update_fields=["post_count"])
    assert Post.objects.count() == total
    return long_thread


PAGES = {
    # who reads, and where
    "reading": (lambda group: group.learners[1].user, lambda group, reading, long: reading),
    "discussion": (
        lambda group: group.learners[1].user,
        lambda group, reading, long: reverse("discussions:cohort", args=[group.cohort.pk]),
    ),
    "thread": (lambda group: group.trainer, lambda group, reading, long: long),
    "moderation": (
        lambda group: group.trainer,
        lambda group, reading, long: reverse("discussions:moderation"),
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_pages_run_as_many_queries_with_10_or_2000_posts(client, group, reading, now, name):
    reader, where = PAGES[name]
    client.force_login(reader(group))

    def grow(size):
        long = _posts_until(group, reading, now, size)
        target = where(group, reading, long)
        return target if isinstance(target, str) else target.get_absolute_url()

    def request(address):
        response = client.get(address)
        assert response.status_code == 200
        return response

    measured = assert_queries_do_not_grow(request, grow, sizes=(10, 2000), warm=True)
    assert Post.objects.count() == 2000
    assert len(measured.small) <= 20, "\n".join(measured.small)


def test_with_2000_posts_the_reading_shows_a_few_threads_per_paragraph(client, group, reading, now):
    _posts_until(group, reading, now, 2000)
    client.force_login(group.learners[1].user)

    response = client.get(reading.get_absolute_url())

    margin = response.context["margin"]
    on_reading = Thread.objects.filter(activity=reading).count()
    assert sum(entries.total for entries in margin.by_anchor.values()) == on_reading
    assert all(
        len(entries.shown) <= MARGIN_THREADS_PER_BLOCK for entries in margin.by_anchor.values()
    )
    # The liveliest first, and a link to the rest of the paragraph's threads.
    anchor, entries = next(
        (anchor, entries) for anchor, entries in margin.by_anchor.items() if entries.more
    )
    times = [thread.last_posted_at for thread in entries.shown]
    assert times == sorted(times, reverse=True)
    block = next(block for block, _ in response.context["margin_rows"] if block.anchor == anchor)
    more = f"?reading={reading.pk}&amp;block={block.digest}"
    html = response.content.decode()
    assert more in html
    assert f"{entries.more} more threads on this paragraph" in html

    listed = client.get(
        reverse("discussions:cohort", args=[group.cohort.pk]),
        {"reading": reading.pk, "block": block.digest},
    )

    assert listed.context["page"].paginator.count == entries.total
    assert {thread.anchor for thread in listed.context["page"]} == {anchor}
    assert "Threads on one paragraph of" in listed.content.decode()


@pytest.mark.parametrize(
    ("name", "per_page"),
    [
        ("discussion", THREADS_PER_PAGE),
        ("thread", POSTS_PER_PAGE),
        ("moderation", THREADS_PER_PAGE),
    ],
)
def test_with_2000_posts_the_pages_paginate(client, group, reading, now, name, per_page):
    long = _posts_until(group, reading, now, 2000)
    reader, where = PAGES[name]
    client.force_login(reader(group))
    target = where(group, reading, long)
    address = target if isinstance(target, str) else target.get_absolute_url()

    first = client.get(address)
    last_number = first.context["page"].paginator.num_pages
    last = client.get(address, {"page": last_number})

    assert len(first.context["page"].object_list) == per_page
    assert last_number > 1
    assert 'rel="next"' in first.content.decode()
    assert 'rel="prev"' in last.content.decode()
    assert 0 < len(last.context["page"].object_list) <= per_page


def test_a_malformed_reading_or_paragraph_filter_lists_every_thread(client, group, reading, now):
    _posts_until(group, reading, now, 10)
    client.force_login(group.learners[1].user)
    address = reverse("discussions:cohort", args=[group.cohort.pk])
    every = client.get(address).context["page"].paginator.count

    for query in (
        {"reading": "x"},
        {"reading": "²"},
        {"block": "zzzzzz"},
        {"reading": reading.pk, "block": "'; drop"},
    ):
        response = client.get(address, query)
        assert response.status_code == 200
        # Every thread of the cohort is on this reading.
        assert response.context["page"].paginator.count == every
