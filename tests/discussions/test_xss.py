"""The XSS corpus through posts, replies, mentions, report reasons and peer
feedback: every page and e-mail that shows them stays inert."""

import pytest
from django.urls import reverse

from curriculum.models import Activity
from discussions import services, services_peer
from discussions.models import PeerReview
from progress import services as progress_services
from progress.models import Nudge
from progress.nudges.delivery import nudges_deliver
from tests.discussions.test_notifications import NOON
from tests.security.test_xss import EACH_PAYLOAD, active_markup

pytestmark = pytest.mark.django_db


@EACH_PAYLOAD
def test_posts_mentions_reports_and_peer_feedback_stay_inert(
    client, group, reading, paragraph, trainer, payload, mailoutbox
):
    author, replier = (enrolment.user for enrolment in group.learners)
    author.display_name = f"Ana {payload}"
    author.save()
    Nudge.objects.all().delete()
    thread = services.thread_start(
        user=author,
        cohort=group.cohort,
        activity=reading,
        anchor=paragraph.anchor,
        body=f"{payload} @{replier.get_full_name()}",
        now=NOON,
    )
    reply = services.post_reply(
        thread=thread,
        user=replier,
        body=f"@{author.get_full_name()} {payload} [x]({payload})",
        moderator=False,
        now=NOON,
    )
    services.post_report(post=reply, user=author, reason=payload, now=NOON)
    task = Activity.objects.live().prefetch_related("criteria").get(slug="respond-to-criticism")
    for enrolment in group.learners:
        progress_services.practice_submit(enrolment=enrolment, activity=task, text=payload, link="")
        services_peer.peer_reviews_allocate(enrolment=enrolment, activity=task, now=NOON)
    for review in PeerReview.objects.all():
        services_peer.peer_review_give(
            review=review,
            user=review.reviewer,
            marks={criterion.pk: "meets" for criterion in task.rubric},
            feedback=payload,
            now=NOON,
        )
    nudges_deliver(now=NOON)

    pages = {}
    client.force_login(author)
    for name, url in {
        "reading": reading.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "discussion": reverse("discussions:cohort", args=[group.cohort.pk]),
        "peer review": reverse("discussions:peer_review", args=[task.pk]),
        "notifications": reverse("progress:notifications"),
    }.items():
        pages[name] = client.get(url).content.decode()
    client.force_login(trainer)
    pages["moderation"] = client.get(reverse("discussions:moderation")).content.decode()
    pages["trainer review"] = client.get(
        reverse("progress:review", args=[PeerReview.objects.first().submission_id])
    ).content.decode()
    mails = {f"mail to {m.to[0]}": m.alternatives[0][0] for m in mailoutbox}
    assert mails, "the reply and the mention were e-mailed"

    for where, html in {**pages, **mails}.items():
        assert active_markup(html) == [], where
