"""A `discussion` activity is completed by a contribution long enough, on its
reading, in the learner's own place."""

import pytest

from curriculum.models import Activity
from curriculum.rendering import reading_blocks
from discussions import services
from progress.models import Completion
from tests.curriculum.content_tree import FIRST_STEPS

pytestmark = pytest.mark.django_db


@pytest.fixture
def asking(programme):
    return Activity.objects.live().select_related("module__stage").get(slug="ask-your-cohort")


def _reading_of(activity):
    return Activity.objects.live().get(module=activity.module, slug=activity.discussed_reading)


def test_a_long_enough_post_on_the_reading_completes_the_activity(group, asking, now):
    reading = _reading_of(asking)
    anchor = reading_blocks(reading.body_html)[1].anchor
    learner, other = group.learners
    thread = services.thread_start(
        user=learner.user,
        cohort=group.cohort,
        activity=reading,
        anchor=anchor,
        body="Too short to count.",
        now=now,
    )
    assert not Completion.objects.filter(activity=asking).exists()

    services.post_reply(
        thread=thread,
        user=other.user,
        body=" ".join(["word"] * asking.min_words),
        moderator=False,
        now=now,
    )

    assert list(Completion.objects.filter(activity=asking).values_list("enrolment", flat=True)) == [
        other.pk
    ]


def test_a_trainers_post_completes_nothing(group, asking, now, trainer):
    reading = _reading_of(asking)
    thread = services.thread_start(
        user=group.learners[0].user,
        cohort=group.cohort,
        activity=reading,
        anchor=reading_blocks(reading.body_html)[1].anchor,
        body="A question",
        now=now,
    )

    services.post_reply(thread=thread, user=trainer, body="word " * 100, moderator=True, now=now)

    assert not Completion.objects.filter(activity=asking).exists()


def test_the_shipped_programme_asks_to_share_in_collaborate_and_critique(programme):
    discussions = Activity.objects.live().filter(kind=Activity.Kind.DISCUSSION)

    assert {activity.module.stage.slug for activity in discussions} == {"collaborate", "critique"}
    for activity in discussions:
        assert _reading_of(activity).kind == Activity.Kind.READING


def test_the_loader_refuses_a_discussion_of_no_reading(tree):
    from curriculum.loader import ContentError

    tree.activities(FIRST_STEPS)[-1]["reading"] = "first-quiz"

    with pytest.raises(ContentError, match="must name a reading of this module"):
        tree.load()
