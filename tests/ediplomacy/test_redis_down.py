"""With Redis away, every page still works; e-mail and nudges wait and catch up."""

import datetime

import pytest
from django.urls import reverse
from kombu import pools as kombu_pools

from curriculum.models import Activity
from ediplomacy.celery import app
from progress import services
from progress.models import Nudge
from progress.nudges.delivery import nudges_deliver
from tests.factories import PASSWORD, cohort_with_learners

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = NOWHERE
    settings.CACHES = {
        "default": {
            "BACKEND": "ediplomacy.lib.cache.ResilientRedisCache",
            "LOCATION": NOWHERE,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    _forget_broker_connections()
    app.conf.broker_url = NOWHERE
    app.conf.task_always_eager = False
    yield
    _forget_broker_connections()
    app.conf.broker_url, app.conf.task_always_eager = previous


def _forget_broker_connections():
    # Celery keeps pooled connections (and a producer pool on top of them) to
    # the broker it first saw; both must go for a new broker URL to apply.
    # They live in kombu's process-wide registry, keyed by broker URL: closing
    # them without clearing it left a closed pool behind for the original URL,
    # and every later `delay()` in the same process failed to acquire it.
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def test_log_in_and_study_pages_work_and_healthz_says_redis_is_down(
    client, trainee, programme, redis_down
):
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    assert response.status_code == 302, "log-in works though its rate limit cannot count"
    client.post(reverse("progress:enrol"))
    assert client.get(reverse("progress:dashboard")).status_code == 200
    assert client.get(reverse("progress:programme")).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["redis"] == "down"


def test_a_nudge_that_cannot_be_queued_waits_and_is_sent_once_redis_returns(
    trainee, programme, redis_down, django_capture_on_commit_callbacks, mailoutbox, settings
):
    trainee.time_zone = "UTC"
    trainee.save()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_create(user=trainee, programme=programme)
    welcome = Nudge.objects.get(recipient=trainee, rule=Nudge.Rule.WELCOME)
    assert welcome.status == Nudge.Status.PENDING, "queuing failed quietly; the row waits"
    assert not mailoutbox

    # Redis is back: the periodic sweep delivers it, once.
    import datetime

    from django.utils import timezone

    noon = timezone.now().replace(hour=12, minute=0)
    if noon < welcome.not_before:
        noon += datetime.timedelta(days=1)
    nudges_deliver(now=noon)
    nudges_deliver(now=noon)
    welcome.refresh_from_db()
    assert welcome.status == Nudge.Status.SENT
    assert len(mailoutbox) == 1
    assert enrolment.pk


def test_an_invitation_that_cannot_be_queued_is_sent_by_the_sweep(
    trainer, organisation, programme, redis_down, django_capture_on_commit_callbacks, mailoutbox
):
    cohort = cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Spring",
        starts_on=datetime.date(2026, 11, 1),
    ).cohort
    rows, _ = services.learner_rows_parse(cohort=cohort, text="new.person@mfa.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    invitation = cohort.invitations.get()
    assert invitation.emailed_at is None and not mailoutbox

    from progress.tasks import send_invitation

    send_invitation(invitation.pk)  # what the sweep queues once Redis is back
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None
    assert len(mailoutbox) == 1
    assert Activity.objects.exists()
