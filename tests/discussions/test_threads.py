"""Threads in the margins of a reading: starting, replying, mentioning,
editing, removing, reporting, and what each person sees."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from discussions import services
from discussions.models import Post, PostReport, Thread
from progress.services import privacy
from tests.discussions.conftest import minutes
from tests.factories import cohort_with_learners, enrol

pytestmark = pytest.mark.django_db


def _start(group, reading, paragraph, now, body="Why does listening come first?", who=0):
    return services.thread_start(
        user=group.learners[who].user,
        cohort=group.cohort,
        activity=reading,
        anchor=paragraph.anchor,
        body=body,
        now=now,
    )


def test_a_learner_starts_a_thread_beside_a_paragraph_without_javascript(
    client, group, reading, paragraph
):
    client.force_login(group.learners[0].user)

    response = client.post(
        reverse("discussions:start", args=[reading.pk]),
        {"anchor": paragraph.anchor, "body": "Is *listening* really first?"},
    )

    assert response.status_code == 302
    assert response.url == reading.get_absolute_url() + f"#{paragraph.anchor}"
    thread = Thread.objects.get()
    assert (thread.cohort, thread.anchor, thread.post_count) == (group.cohort, paragraph.anchor, 1)
    page = client.get(reading.get_absolute_url()).content.decode()
    assert f'id="{paragraph.anchor}"' in page
    assert "1 thread" in page
    assert "Is *listening* really first?" in page  # the margin shows the opening words


def test_the_keyboard_page_lists_every_paragraph_and_keeps_the_text_on_an_error(
    client, group, reading, paragraph
):
    client.force_login(group.learners[0].user)
    url = reverse("discussions:start", args=[reading.pk])

    page = client.get(url)
    missing_anchor = client.post(url, {"body": "My thoughts, kept."})

    assert page.status_code == 200
    assert paragraph.excerpt in page.content.decode()
    assert missing_anchor.status_code == 400
    body = missing_anchor.content.decode()
    assert "Choose the paragraph or heading you want to discuss." in body
    assert "My thoughts, kept." in body
    assert not Thread.objects.exists()


def test_an_over_long_post_is_refused_with_its_length(client, group, reading, paragraph):
    client.force_login(group.learners[0].user)

    response = client.post(
        reverse("discussions:start", args=[reading.pk]),
        {"anchor": paragraph.anchor, "body": "word " * 1200},
    )

    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert not Thread.objects.exists()


def test_posting_too_fast_is_refused_with_a_clear_message(group, reading, paragraph, now):
    thread = _start(group, reading, paragraph, now)
    for _ in range(4):
        services.post_reply(
            thread=thread, user=group.learners[0].user, body="more", moderator=False, now=now
        )

    with pytest.raises(services.DiscussionError, match="Please wait a little"):
        services.post_reply(
            thread=thread, user=group.learners[0].user, body="again", moderator=False, now=now
        )
    # Someone else may still answer, and the learner may again a minute later.
    services.post_reply(
        thread=thread, user=group.learners[1].user, body="reply", moderator=False, now=now
    )
    services.post_reply(
        thread=thread,
        user=group.learners[0].user,
        body="later",
        moderator=False,
        now=now + minutes(2),
    )


def test_a_reply_mentions_cohort_members_by_name_only(group, reading, paragraph, now, trainer):
    outsider = cohort_with_learners(1, name="Other cohort").learners[0].user
    outsider.display_name = "Learner 002 Elsewhere"
    outsider.save()
    thread = _start(group, reading, paragraph, now)

    post = services.post_reply(
        thread=thread,
        user=group.learners[1].user,
        body=f"@learner 001 and @{trainer.get_full_name()}, see @Nobody Here.",
        moderator=False,
        now=now,
    )

    assert set(post.mentioned.all()) == {group.learners[0].user, trainer}


def test_markdown_in_a_post_is_sanitised(group, reading, paragraph, now):
    thread = _start(
        group,
        reading,
        paragraph,
        now,
        body=(
            "## Big\n\n<script>alert(1)</script> [x](javascript:alert(1)) "
            "<img src=x onerror=alert(1)> **ok**"
        ),
    )

    html = thread.posts.get().body_html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<h2" not in html
    assert "<strong>ok</strong>" in html


def test_edit_within_fifteen_minutes_only(group, reading, paragraph, now):
    thread = _start(group, reading, paragraph, now)
    post = thread.posts.get()
    author = group.learners[0].user

    services.post_edit(post=post, user=author, body="Corrected", now=now + minutes(14))
    with pytest.raises(services.DiscussionError, match="15 minutes"):
        services.post_edit(post=post, user=author, body="Too late", now=now + minutes(16))
    with pytest.raises(services.DiscussionError):
        services.post_edit(
            post=post, user=group.learners[1].user, body="Not mine", now=now + minutes(1)
        )

    post.refresh_from_db()
    assert (post.body, post.edited_at) == ("Corrected", now + minutes(14))


def test_a_removed_post_keeps_its_place_and_loses_its_words(client, group, reading, paragraph, now):
    thread = _start(group, reading, paragraph, now, body="Something I regret")
    post = thread.posts.get()
    client.force_login(group.learners[0].user)

    client.post(reverse("discussions:post_remove", args=[post.pk]))

    post.refresh_from_db()
    assert post.is_removed and post.body == "" and post.body_html == ""
    client.force_login(group.learners[1].user)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Removed by its author." in page
    assert "Something I regret" not in page


def test_report_then_hide_with_reason_is_audited_and_shown_as_hidden(
    client, group, reading, paragraph, now, trainer
):
    thread = _start(group, reading, paragraph, now, body="An insult")
    post = thread.posts.get()
    client.force_login(group.learners[1].user)
    client.post(reverse("discussions:post_report", args=[post.pk]), {"reason": "Rude"})
    client.post(reverse("discussions:post_report", args=[post.pk]), {"reason": "Rude again"})
    assert PostReport.objects.filter(post=post, resolved_at__isnull=True).count() == 1

    client.force_login(trainer)
    queue = client.get(reverse("discussions:moderation")).content.decode()
    assert "An insult" in queue and "Rude" in queue
    client.post(
        reverse("discussions:post_moderate", args=[post.pk]),
        {"action": "hide", "reason": "Keep it civil", "next": "moderation"},
    )

    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Keep it civil"
    assert not PostReport.objects.filter(resolved_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="discussion.post_hidden")
    assert (event.actor, event.organisation) == (trainer, group.cohort.organisation)
    client.force_login(group.learners[1].user)
    assert "An insult" not in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(group.learners[0].user)
    own = client.get(thread.get_absolute_url()).content.decode()
    assert "Keep it civil" in own and "An insult" in own


def test_hiding_needs_a_reason(group, reading, paragraph, now, trainer):
    post = _start(group, reading, paragraph, now).posts.get()

    with pytest.raises(services.DiscussionError, match="reason"):
        services.post_hide(post=post, by=trainer, reason="  ", now=now)


def test_a_locked_thread_takes_replies_from_moderators_only(
    client, group, reading, paragraph, now, trainer
):
    thread = _start(group, reading, paragraph, now)
    client.force_login(trainer)
    client.post(reverse("discussions:thread_moderate", args=[thread.pk]), {"action": "lock"})
    thread.refresh_from_db()
    assert thread.is_locked

    client.force_login(group.learners[1].user)
    refused = client.post(thread.get_absolute_url(), {"body": "One more thing"})
    client.force_login(trainer)
    allowed = client.post(thread.get_absolute_url(), {"body": "Closing words"})

    assert refused.status_code == 400
    assert "locked" in refused.content.decode()
    assert allowed.status_code == 302
    assert list(thread.posts.values_list("body", flat=True)) == [
        "Why does listening come first?",
        "Closing words",
    ]


def test_another_cohort_never_sees_the_threads(client, group, reading, paragraph, now):
    _start(group, reading, paragraph, now, body="Only for our cohort")
    other = cohort_with_learners(1, name="Other cohort", programme=group.cohort.programme)
    client.force_login(other.learners[0].user)

    reading_page = client.get(reading.get_absolute_url()).content.decode()
    place = client.get(reverse("discussions:cohort", args=[group.cohort.pk]))

    assert "Only for our cohort" not in reading_page
    assert place.status_code == 404


def test_self_paced_learners_meet_in_the_commons_unless_their_organisation_closed_it(
    client, programme, reading, paragraph, now, self_paced, organisation, org_admin
):
    from progress import services as progress_services
    from tests.factories import MembershipFactory, UserFactory

    progress_services.enrolment_create(user=self_paced, programme=programme)
    colleague = MembershipFactory(
        user=UserFactory(email="solo@mfa.example"), organisation=organisation
    ).user
    progress_services.enrolment_create(user=colleague, programme=programme)
    services.thread_start(
        user=self_paced,
        cohort=None,
        activity=reading,
        anchor=paragraph.anchor,
        body="Hello commons",
        now=now,
    )

    client.force_login(colleague)
    assert "Hello commons" in client.get(reverse("discussions:commons")).content.decode()
    client.force_login(org_admin)
    client.post(
        reverse("discussions:commons_setting", args=[organisation.slug]), {"commons": "closed"}
    )
    client.force_login(colleague)

    assert client.get(reverse("discussions:commons")).status_code == 404
    assert "Hello commons" not in client.get(reading.get_absolute_url()).content.decode()
    assert AuditEvent.objects.filter(action="discussion.commons_closed").exists()


def test_a_closed_account_is_shown_as_a_former_participant(client, group, reading, paragraph, now):
    thread = _start(group, reading, paragraph, now, body="Still worth reading")
    author = group.learners[0].user
    author_name = author.get_full_name()
    privacy.account_delete(user=author)
    client.force_login(group.learners[1].user)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert "Still worth reading" in page
    assert "former participant" in page
    assert author_name not in page


def test_a_withdrawn_learner_can_no_longer_open_the_threads(client, group, reading, paragraph, now):
    from progress import services as progress_services

    thread = _start(group, reading, paragraph, now)
    leaver = group.learners[1]
    progress_services.enrolment_withdraw(enrolment=leaver, by=group.trainer)
    client.force_login(leaver.user)

    assert client.get(thread.get_absolute_url()).status_code == 404


def test_a_late_joiner_sees_the_threads_already_there(client, group, reading, paragraph, now):
    _start(group, reading, paragraph, now, body="Welcome, late joiners")
    late = enrol(group.cohort, "late@mfa.example", "Late Joiner")
    client.force_login(late.user)

    assert "Welcome, late joiners" in client.get(reading.get_absolute_url()).content.decode()


def test_threads_of_a_reworded_paragraph_are_listed_apart(client, group, reading, paragraph, now):
    thread = _start(group, reading, paragraph, now)
    Thread.objects.filter(pk=thread.pk).update(anchor="p1-000000", excerpt="An older wording")
    client.force_login(group.learners[0].user)

    page = client.get(reading.get_absolute_url()).content.decode()

    assert "Threads on an earlier version of this reading" in page
    assert "An older wording" in page


def test_posts_count_and_last_post_follow_replies(group, reading, paragraph, now):
    thread = _start(group, reading, paragraph, now)
    services.post_reply(
        thread=thread, user=group.learners[1].user, body="x", moderator=False, now=now + minutes(3)
    )

    thread.refresh_from_db()
    assert (thread.post_count, thread.last_posted_at) == (2, now + minutes(3))
    assert Post.objects.filter(thread=thread).count() == 2
