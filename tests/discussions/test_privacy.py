"""A person's export holds their posts and peer reviews; a closed account's
posts stay readable under "former participant"."""

import pytest

from discussions import services
from progress.services.privacy import personal_data_export

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_posts(group, reading, paragraph, now):
    author = group.learners[0].user
    thread = services.thread_start(
        user=author,
        cohort=group.cohort,
        activity=reading,
        anchor=paragraph.anchor,
        body="My own words",
        now=now,
    )
    services.post_reply(
        thread=thread, user=group.learners[1].user, body="Not mine", moderator=False, now=now
    )

    exported = personal_data_export(user=author)["discussions"]

    assert [post["text"] for post in exported["posts"]] == ["My own words"]
    assert exported["posts"][0]["place"] == group.cohort.name
    assert exported["peer_reviews_given"] == [] and exported["peer_reviews_received"] == []
