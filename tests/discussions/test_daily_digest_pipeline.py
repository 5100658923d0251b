"""The daily digest through the real pipeline: PostgreSQL, Redis, a Celery
worker in a thread of this process and an SMTP server on localhost, as in
tests/nudges/test_pipeline.py, whose fixtures these are.

The worker reads the wall clock: the learner lives where it is working hours
now (`daytime_zone`), and the digest's morning is brought forward by setting
its row due now, as the passing night would.
"""

import pytest
from django.utils import timezone

from discussions import services
from progress.models import Nudge
from progress.tasks import deliver_due_nudges
from tests.nudges.conftest import daytime_zone, smtp_server, wait_until  # noqa: F401
from tests.nudges.test_pipeline import celery_live, running_worker  # noqa: F401

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

KINDS = [Nudge.Rule.DISCUSSION_REPLY, Nudge.Rule.DISCUSSION_MENTION, Nudge.Rule.TRAINER_REPLY]


def test_the_days_messages_reach_a_digest_reader_in_one_e_mail_once(
    group,
    reading,
    paragraph,
    trainer,
    celery_live,  # noqa: F811 (the pipeline tests' fixture, imported above)
):
    Nudge.objects.all().delete()  # the cohort's welcomes are another story
    starter, peer = (enrolment.user for enrolment in group.learners)
    starter.time_zone = daytime_zone()
    starter.nudge_preferences = {rule.value: "digest" for rule in KINDS}
    starter.save()

    with running_worker(concurrency=2):
        thread = services.thread_start(
            user=starter,
            cohort=group.cohort,
            activity=reading,
            anchor=paragraph.anchor,
            body="Where do we start?",
            now=timezone.now(),
        )
        # Each post queues its message's delivery once it commits.
        for author, body, moderator in [
            (peer, "With the core resources.", False),
            (trainer, "Start with the listening log.", True),
        ]:
            services.post_reply(
                thread=thread, user=author, body=body, moderator=moderator, now=timezone.now()
            )
        wait_until(
            lambda: Nudge.objects.filter(email=Nudge.Email.DIGEST).count() == 2,
            what="both messages shown and gathered",
        )
        assert celery_live.messages == []

        # The morning comes: two sweeps at once hand the digest to the workers.
        digest = Nudge.objects.get(rule=Nudge.Rule.DAILY_DIGEST)
        Nudge.objects.filter(pk=digest.pk).update(not_before=timezone.now())
        sweeps = [deliver_due_nudges.delay(), deliver_due_nudges.delay()]
        assert sum(sweep.get(timeout=10) for sweep in sweeps) >= 1
        celery_live.wait_for(1)

    (mail,) = celery_live.messages
    assert mail["To"] == starter.email
    assert mail["Message-ID"] == f"<nudge-{digest.pk}@127.0.0.1>"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "With the core resources." in text and "Start with the listening log." in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Nudge.objects.exclude(pk=digest.pk).values_list("status", "email", "read_at")) == {
        (Nudge.Status.SENT, Nudge.Email.SENT, None)
    }
    digest.refresh_from_db()
    assert (digest.status, digest.email, digest.attempts) == (
        Nudge.Status.SENT,
        Nudge.Email.SENT,
        1,
    )
