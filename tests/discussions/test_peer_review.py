"""Peer review of practice work: balanced allocation, never one's own, the
rubric's marks, anonymity between learners, and the trainer's view."""

import pytest
from django.urls import reverse

from curriculum.models import Activity
from discussions import services_peer
from discussions.models import PeerReview
from discussions.services import DiscussionError
from progress import services as progress_services
from tests.factories import cohort_with_learners

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(programme):
    return (
        Activity.objects.live()
        .prefetch_related("criteria")
        .select_related("module__stage")
        .get(slug="respond-to-criticism")
    )


@pytest.fixture
def round_(organisation, programme, trainer, task):
    """A cohort of five learners who have all handed in the task."""
    group = cohort_with_learners(5, organisation=organisation, trainer=trainer, programme=programme)
    for number, enrolment in enumerate(group.learners, start=1):
        progress_services.practice_submit(
            enrolment=enrolment, activity=task, text=f"Answers of learner {number}", link=""
        )
    return group


def _marks(task, level="meets"):
    return {criterion.pk: level for criterion in task.rubric}


def test_choose_gives_the_least_reviewed_first_and_never_past_k():
    candidates = [(10, 2, False), (11, 0, False), (12, 1, False), (13, 0, False)]

    assert services_peer.choose(candidates, reviewers=2, wanted=2) == [11, 13]
    assert services_peer.choose(candidates, reviewers=2, wanted=5) == [11, 13, 12]
    assert services_peer.choose([(10, 2, True)], reviewers=2, wanted=1) == []


def test_choose_prefers_the_work_of_those_who_have_not_asked_yet():
    # They will ask last, and cannot be given their own: their work goes first.
    candidates = [(10, 1, False), (11, 1, True), (12, 1, False)]

    assert services_peer.choose(candidates, reviewers=2, wanted=2) == [11, 10]


def test_the_content_asks_for_two_anonymous_reviewers(task):
    assert task.peer_review == {"reviewers": 2, "anonymous": True}


def test_everyone_asking_gives_each_submission_k_reviews_never_ones_own(round_, task, now):
    for enrolment in round_.learners:
        services_peer.peer_reviews_allocate(enrolment=enrolment, activity=task, now=now)

    reviews = list(PeerReview.objects.select_related("submission__enrolment"))
    per_submission = {}
    for review in reviews:
        assert review.submission.enrolment.user_id != review.reviewer_id
        per_submission[review.submission_id] = per_submission.get(review.submission_id, 0) + 1
    assert sorted(per_submission.values()) == [2] * 5
    assert len(reviews) == 10


def test_asking_twice_allocates_once(round_, task, now):
    first = services_peer.peer_reviews_allocate(
        enrolment=round_.learners[0], activity=task, now=now
    )
    again = services_peer.peer_reviews_allocate(
        enrolment=round_.learners[0], activity=task, now=now
    )

    assert [review.pk for review in first] == [review.pk for review in again]
    assert len(first) == 2


def test_a_small_cohort_gets_what_there_is_and_may_ask_again(
    organisation, programme, trainer, task, now
):
    group = cohort_with_learners(3, organisation=organisation, trainer=trainer, programme=programme)
    first, second, late = group.learners
    for enrolment in (first, second):
        progress_services.practice_submit(enrolment=enrolment, activity=task, text="x", link="")

    held = services_peer.peer_reviews_allocate(enrolment=first, activity=task, now=now)
    assert len(held) == 1  # one peer has handed in so far
    progress_services.practice_submit(enrolment=late, activity=task, text="late", link="")
    held = services_peer.peer_reviews_allocate(enrolment=first, activity=task, now=now)

    assert len(held) == 2


def test_review_before_handing_in_is_refused(organisation, programme, trainer, task, now):
    group = cohort_with_learners(2, organisation=organisation, trainer=trainer, programme=programme)

    with pytest.raises(DiscussionError, match="Hand in your own work first"):
        services_peer.peer_reviews_allocate(enrolment=group.learners[0], activity=task, now=now)


def test_a_withdrawn_learners_work_is_not_given(round_, task, now):
    progress_services.enrolment_withdraw(enrolment=round_.learners[4], by=round_.trainer)

    for enrolment in round_.learners[:4]:
        services_peer.peer_reviews_allocate(enrolment=enrolment, activity=task, now=now)

    assert not PeerReview.objects.filter(submission__enrolment=round_.learners[4]).exists()


def test_a_review_needs_every_criterion_and_feedback(round_, task, now):
    (review, _) = services_peer.peer_reviews_allocate(
        enrolment=round_.learners[0], activity=task, now=now
    )
    reviewer = round_.learners[0].user

    with pytest.raises(DiscussionError, match="Mark every criterion"):
        services_peer.peer_review_give(
            review=review, user=reviewer, marks={}, feedback="Good", now=now
        )
    with pytest.raises(DiscussionError, match="feedback"):
        services_peer.peer_review_give(
            review=review, user=reviewer, marks=_marks(task), feedback=" ", now=now
        )
    with pytest.raises(DiscussionError, match="not yours"):
        services_peer.peer_review_give(
            review=review,
            user=round_.learners[1].user,
            marks=_marks(task),
            feedback="x",
            now=now,
        )
    given = services_peer.peer_review_give(
        review=review, user=reviewer, marks=_marks(task), feedback="Clear answers", now=now
    )
    assert given.status == PeerReview.Status.GIVEN
    assert given.marks.count() == len(task.rubric)


def test_anonymity_never_shows_the_author_to_the_reviewer_nor_the_reviewer_to_the_author(
    client, round_, task, now
):
    for enrolment in round_.learners:
        services_peer.peer_reviews_allocate(enrolment=enrolment, activity=task, now=now)
    review = PeerReview.objects.filter(reviewer=round_.learners[0].user).first()
    author = review.submission.enrolment.user
    reviewer = round_.learners[0].user

    client.force_login(reviewer)
    form_page = client.get(reverse("discussions:peer_review_give", args=[review.pk]))
    page = form_page.content.decode()
    assert author.get_full_name() not in page and author.email not in page
    client.post(
        reverse("discussions:peer_review_give", args=[review.pk]),
        {
            **{f"criterion_{pk}": level for pk, level in _marks(task).items()},
            "feedback": "Well argued",
        },
    )

    author_enrolment = review.submission.enrolment
    client.force_login(author)
    # The author gives theirs too, then reads what they received.
    for own in PeerReview.objects.filter(reviewer=author):
        services_peer.peer_review_give(
            review=own, user=author, marks=_marks(task), feedback="Fine", now=now
        )
    received = client.get(reverse("discussions:peer_review", args=[task.pk])).content.decode()
    assert "Well argued" in received
    assert reviewer.get_full_name() not in received and reviewer.email not in received
    assert author_enrolment.pk  # the author's own page, not a trainer's


def test_reviews_received_open_only_after_giving_ones_own(client, round_, task, now):
    for enrolment in round_.learners:
        services_peer.peer_reviews_allocate(enrolment=enrolment, activity=task, now=now)
    author = round_.learners[1].user
    for review in PeerReview.objects.filter(submission__enrolment__user=author):
        services_peer.peer_review_give(
            review=review, user=review.reviewer, marks=_marks(task), feedback="Seen", now=now
        )
    client.force_login(author)

    before = client.get(reverse("discussions:peer_review", args=[task.pk])).content.decode()
    for review in PeerReview.objects.filter(reviewer=author):
        services_peer.peer_review_give(
            review=review, user=author, marks=_marks(task), feedback="Mine", now=now
        )
    after = client.get(reverse("discussions:peer_review", args=[task.pk])).content.decode()

    assert "open once you have given yours" in before and "Seen" not in before
    assert "Seen" in after


def test_the_trainer_sees_peer_marks_with_names_beside_their_own_review(client, round_, task, now):
    first = round_.learners[0]
    services_peer.peer_reviews_allocate(enrolment=first, activity=task, now=now)
    review = PeerReview.objects.filter(reviewer=first.user).first()
    services_peer.peer_review_give(
        review=review, user=first.user, marks=_marks(task), feedback="Peer view", now=now
    )
    client.force_login(round_.trainer)

    page = client.get(reverse("progress:review", args=[review.submission_id])).content.decode()

    assert "What the peers said" in page
    assert "Peer view" in page and first.user.get_full_name() in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_learners_asking_at_once_never_push_a_submission_past_k(
    organisation, programme, trainer, task, now
):
    from tests.helpers import race

    group = cohort_with_learners(4, organisation=organisation, trainer=trainer, programme=programme)
    for enrolment in group.learners:
        progress_services.practice_submit(enrolment=enrolment, activity=task, text="x", link="")
    # Learner 2 takes two works: some submissions have one slot left.
    services_peer.peer_reviews_allocate(enrolment=group.learners[1], activity=task, now=now)
    a, b = group.learners[2], group.learners[3]

    outcomes = race(
        lambda: services_peer.peer_reviews_allocate(enrolment=a, activity=task, now=now),
        lambda: services_peer.peer_reviews_allocate(enrolment=b, activity=task, now=now),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    counts = {}
    for review in PeerReview.objects.all():
        counts[review.submission_id] = counts.get(review.submission_id, 0) + 1
    assert max(counts.values()) <= 2


def test_the_cohort_page_shows_peer_review_participation_per_learner(client, round_, task, now):
    first, second = round_.learners[0], round_.learners[1]
    (review, _) = services_peer.peer_reviews_allocate(enrolment=first, activity=task, now=now)
    services_peer.peer_review_give(
        review=review, user=first.user, marks=_marks(task), feedback="Good", now=now
    )
    client.force_login(round_.trainer)

    response = client.get(reverse("progress:cohort", args=[round_.cohort.pk]))

    (panel,) = response.context["panels"]
    rows = {row["name"]: row for row in panel.context["rows"]}
    assert (rows["Learner 001"]["given"], rows["Learner 001"]["allocated"]) == (1, 2)
    assert rows["Learner 002"]["given"] == 0
    assert sum(row["received"] for row in rows.values()) == 1
    assert "Peer review, per learner" in response.content.decode()
    assert second.user.get_full_name() in response.content.decode()


def test_handing_in_tells_the_learner_that_peers_are_waiting_once(round_, task):
    from django.utils import timezone

    from progress.models import Nudge
    from progress.nudges.delivery import nudges_deliver

    now = timezone.now()

    waiting = Nudge.objects.filter(rule=Nudge.Rule.PEER_REVIEW_WAITING)
    assert waiting.count() == 5  # one per learner who handed in
    Nudge.objects.exclude(rule=Nudge.Rule.PEER_REVIEW_WAITING).delete()
    services_peer.peer_reviews_allocate(enrolment=round_.learners[0], activity=task, now=now)

    nudges_deliver(now=now)

    first = waiting.get(recipient=round_.learners[0].user)
    last = waiting.get(recipient=round_.learners[4].user)
    assert first.status == Nudge.Status.SKIPPED  # they asked already
    assert last.status == Nudge.Status.SENT
    assert last.digest == [f"4 peers are waiting for your review of “{task.title}”."]


def test_work_recorded_already_reviewed_asks_nobody_to_review(round_, task):
    # An accepted record written directly (an import, the demo's history)
    # opens no round: only work handed in for review does.
    from django.utils import timezone

    from progress.models import Nudge, Submission

    newcomer = cohort_with_learners(1, organisation=round_.cohort.organisation).learners[0]
    Submission.objects.create(
        enrolment=newcomer,
        activity=task,
        text="Reviewed elsewhere",
        status=Submission.Status.ACCEPTED,
        created_at=timezone.now(),
    )
    assert not Nudge.objects.filter(
        rule=Nudge.Rule.PEER_REVIEW_WAITING, recipient=newcomer.user
    ).exists()


def test_the_cohort_pages_peer_review_table_shows_fifty_learners_a_page(client, db):
    made = cohort_with_learners(55)
    client.force_login(made.trainer)
    url = reverse("progress:cohort", args=[made.cohort.pk])

    first = client.get(url, {"sort": "name"})
    second = client.get(url, {"sort": "name", "reviews_page": 2})

    (panel,) = first.context["panels"]
    assert [row["name"] for row in panel.context["rows"]][:2] == ["Learner 001", "Learner 002"]
    assert len(panel.context["rows"]) == 50
    (panel,) = second.context["panels"]
    assert [row["name"] for row in panel.context["rows"]] == [
        f"Learner {n:03}" for n in range(51, 56)
    ]
    page = first.content.decode()
    # The table's pager keeps the page's other choices and lands on the table.
    assert 'href="?sort=name&amp;reviews_page=2#together-heading" rel="next"' in page
    assert 'aria-label="Pages of the peer-review table"' in page
