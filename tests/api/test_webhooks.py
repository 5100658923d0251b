"""Webhooks: events captured from progress, stored once per (event, endpoint),
signed, delivered to a real local HTTP server with retries and backoff."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api import delivery
from api.models import EventKind, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.services import webhook_endpoint_create, webhook_endpoint_disable
from api.signing import sign, verify
from progress import services
from progress.models import MilestoneAchievement
from tests.api.receiver import Receiver
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
ALL = EventKind.values
Status = WebhookDelivery.Status


@pytest.fixture(autouse=True)
def local_receivers(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30.0
    settings.WEBHOOK_MAX_ATTEMPTS = 5


def endpoint_for(side, url="https://hr.example/hooks", events=ALL, **extra) -> WebhookEndpoint:
    return webhook_endpoint_create(
        organisation=side.organisation,
        url=url,
        events=list(events),
        by=side.admin,
        now=timezone.now(),
        **extra,
    )


def reach_milestone(enrolment, milestone="acquainted") -> MilestoneAchievement:
    return MilestoneAchievement.objects.create(
        enrolment=enrolment,
        milestone=milestone,
        achieved_at=timezone.now(),
        on_time=True,
        time_share=0.4,
    )


# Signatures


def test_a_signature_verifies_and_nothing_else_does():
    body = b'{"type": "milestone.reached"}'
    header = sign(secret="s3cret", body=body, timestamp=1_800_000_000)

    assert verify(secret="s3cret", body=body, header=header, now=1_800_000_010)
    assert not verify(secret="other", body=body, header=header, now=1_800_000_010)
    assert not verify(secret="s3cret", body=body + b" ", header=header, now=1_800_000_010)
    # Replayed ten minutes later: refused.
    assert not verify(secret="s3cret", body=body, header=header, now=1_800_000_600)
    assert not verify(secret="s3cret", body=body, header="garbage", now=1_800_000_010)


# Events from progress


def test_a_withdrawal_is_an_event_for_each_endpoint_that_wants_it(ours, theirs):
    wants = endpoint_for(ours)
    endpoint_for(ours, url="https://lms.example/in", events=[EventKind.MILESTONE_REACHED])
    endpoint_for(theirs)
    enrolment = ours.enrolments[0]

    services.enrolment_withdraw(enrolment=enrolment, by=ours.admin)

    event = WebhookEvent.objects.get()
    assert event.kind == EventKind.LEARNER_WITHDRAWN
    assert event.organisation_id == ours.organisation.pk
    assert event.payload["enrolment"] == enrolment.pk
    assert event.payload["learner"]["email"] == enrolment.user.email
    assert event.payload["cohort"] == {"id": ours.cohort.pk, "name": ours.cohort.name}
    assert list(event.deliveries.values_list("endpoint", flat=True)) == [wants.pk]


def test_the_last_milestone_also_completes_the_enrolment(ours):
    endpoint_for(ours)
    enrolment = ours.enrolments[0]

    reach_milestone(enrolment, "acquainted")
    reach_milestone(enrolment, "active_e_diplomat")

    kinds = sorted(WebhookEvent.objects.values_list("kind", flat=True))
    assert kinds == [
        EventKind.ENROLMENT_COMPLETED,
        EventKind.MILESTONE_REACHED,
        EventKind.MILESTONE_REACHED,
    ]
    assert WebhookDelivery.objects.count() == 3


def test_an_event_is_stored_once_whatever_repeats_it(ours):
    endpoint_for(ours)
    achievement = reach_milestone(ours.enrolments[0])

    # The same fact heard again (a replayed signal): no second event or delivery.
    achievement.save()
    from api.receivers import milestone_reached

    milestone_reached(MilestoneAchievement, achievement, created=True)

    assert WebhookEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_nobody_listening_costs_one_query_and_stores_nothing(ours, django_assert_num_queries):
    disabled = endpoint_for(ours)
    webhook_endpoint_disable(endpoint=disabled, by=ours.admin, now=timezone.now())
    enrolment = ours.enrolments[0]

    with django_assert_num_queries(2):
        # the achievement's insert, then the organisation's live endpoints
        reach_milestone(enrolment)

    assert not WebhookEvent.objects.exists()


# Delivery to a real HTTP server


def test_a_receiver_that_fails_twice_gets_the_event_once_after_three_attempts(ours):
    with Receiver(failures=2) as receiver:
        endpoint = endpoint_for(ours, url="http://placeholder.invalid/")
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
        receiver.secret = endpoint.secret
        reach_milestone(ours.enrolments[0])
        pending = WebhookDelivery.objects.get()
        now = timezone.now()

        first = delivery.attempt(delivery_id=pending.pk, now=now)
        too_early = delivery.attempt(
            delivery_id=pending.pk, now=now + datetime.timedelta(seconds=5)
        )
        second = delivery.attempt(delivery_id=pending.pk, now=now + datetime.timedelta(seconds=31))
        third = delivery.attempt(delivery_id=pending.pk, now=now + datetime.timedelta(seconds=200))
        after = delivery.attempt(delivery_id=pending.pk, now=now + datetime.timedelta(hours=1))

    # Backoff doubles: 30 s after the first failure, 60 s after the second.
    assert first.retry_in == 30 and second.retry_in == 60
    assert too_early == delivery.Outcome() and after == delivery.Outcome()
    assert third.delivered
    assert [r.status for r in receiver.requests] == [500, 500, 204]
    assert len(receiver.accepted) == 1
    done = WebhookDelivery.objects.get()
    assert (done.status, done.attempts) == (Status.DELIVERED, 3)
    assert list(WebhookAttempt.objects.values_list("status_code", flat=True)) == [500, 500, 204]
    body = receiver.accepted[0].json
    assert body["type"] == "milestone.reached"
    assert body["organisation"] == ours.organisation.slug
    assert body["data"]["milestone"] == "acquainted"
    headers = receiver.accepted[0].headers
    assert headers["ediplomacy-event"] == "milestone.reached"
    assert headers["ediplomacy-delivery"] == str(done.pk)


def test_a_delivery_is_given_up_after_the_last_attempt(ours, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with Receiver(failures=10) as receiver:
        endpoint = endpoint_for(ours, url=receiver.url)
        receiver.secret = endpoint.secret
        reach_milestone(ours.enrolments[0])
        pending = WebhookDelivery.objects.get()
        now = timezone.now()
        delivery.attempt(delivery_id=pending.pk, now=now)
        last = delivery.attempt(delivery_id=pending.pk, now=now + datetime.timedelta(minutes=5))

    assert last == delivery.Outcome()
    assert WebhookDelivery.objects.get().status == Status.FAILED
    assert len(receiver.requests) == 2


def test_an_unreachable_receiver_is_logged_and_retried(ours):
    endpoint_for(ours, url="http://127.0.0.1:9/hooks")  # the discard port: nothing listens
    reach_milestone(ours.enrolments[0])

    outcome = delivery.attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert outcome.retry_in == 30
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error


def test_private_addresses_are_refused_unless_allowed(ours, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with Receiver() as receiver:
        endpoint_for(ours, url=receiver.url)
        reach_milestone(ours.enrolments[0])
        delivery.attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert receiver.requests == []
    assert "not a public address" in WebhookAttempt.objects.get().error


def test_a_claim_left_by_a_dead_worker_is_freed_by_the_sweep(ours):
    endpoint_for(ours)
    reach_milestone(ours.enrolments[0])
    stuck = WebhookDelivery.objects.get()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    WebhookDelivery.objects.filter(pk=stuck.pk).update(status=Status.SENDING, claimed_at=long_ago)

    assert delivery.due(now=timezone.now(), limit=10) == [stuck.pk]
    assert WebhookDelivery.objects.get().status == Status.PENDING


def test_an_lrs_gets_an_xapi_statement_with_basic_auth(ours):
    with Receiver() as receiver:
        endpoint_for(
            ours,
            url=receiver.url.replace("/hooks", "/xapi"),
            format=WebhookEndpoint.Format.XAPI,
            username="lrs-key",
            secret="lrs-secret",
        )
        reach_milestone(ours.enrolments[0])
        services.enrolment_withdraw(enrolment=ours.enrolments[0], by=ours.admin)
        for pending in WebhookDelivery.objects.order_by("pk"):
            delivery.attempt(delivery_id=pending.pk)

    # The withdrawal has no xAPI statement: one request, for the milestone.
    [request] = receiver.requests
    statement = request.json
    assert request.headers["x-experience-api-version"] == "1.0.3"
    assert request.headers["authorization"].startswith("Basic ")
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/progressed"
    assert statement["actor"]["mbox"] == f"mailto:{ours.enrolments[0].user.email}"
    assert statement["object"]["id"].endswith("/programme/milestones/acquainted")
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.DELIVERED}


# The administrator's pages


def test_an_administrator_registers_an_endpoint_and_reads_the_delivery_log(client, ours):
    client.force_login(ours.admin)

    client.post(
        reverse("api:webhooks", args=[ours.organisation.slug]),
        {"url": "https://hr.example/in", "format": "webhook", "events": ALL},
    )
    endpoint = WebhookEndpoint.objects.get()
    reach_milestone(ours.enrolments[0])
    log = client.get(reverse("api:deliveries", args=[ours.organisation.slug]))

    assert endpoint.url == "https://hr.example/in" and endpoint.secret.startswith("whsec_")
    assert endpoint.events == ALL
    assert log.status_code == 200
    page = log.content.decode()
    assert "https://hr.example/in" in page and "Not tried yet" in page


def test_the_delivery_log_runs_a_fixed_number_of_queries(client, ours):
    client.force_login(ours.admin)
    endpoint = endpoint_for(ours)
    url = reverse("api:deliveries", args=[ours.organisation.slug])

    def grow(size: int) -> str:
        now = timezone.now()
        for number in range(size):
            event = WebhookEvent.objects.create(
                organisation=ours.organisation,
                kind=EventKind.MILESTONE_REACHED,
                key=f"grown:{size}:{number}",
                payload={},
                occurred_at=now,
            )
            sent = WebhookDelivery.objects.create(
                event=event, endpoint=endpoint, next_attempt_at=now
            )
            for status_code in (500, 204):
                WebhookAttempt.objects.create(
                    delivery=sent, attempted_at=now, status_code=status_code
                )
        return url

    # The session, the user, their roles, the organisation; then the count,
    # the deliveries (event and endpoint joined) and their attempts.
    measured = assert_queries_do_not_grow(client.get, grow, sizes=(2, 12), warm=True)
    assert measured.result.status_code == 200
