"""The nudge log on the admin site is a record: staff read it, nobody edits it.

A nudge's unique key is what keeps a second plan or a retry from sending the
same e-mail twice; a row changed or deleted by hand would undo that promise.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.models import Nudge

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(trainee):
    now = timezone.now()
    return Nudge.objects.create(
        recipient=trainee,
        rule=Nudge.Rule.INACTIVE,
        subject="enrolment:1",
        period="2026-W10",
        status=Nudge.Status.SENT,
        not_before=now,
        created_at=now,
        sent_at=now,
    )


def test_staff_read_the_log_and_each_nudge(client, staff, sent):
    client.force_login(staff)
    listing = client.get(reverse("admin:progress_nudge_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:progress_nudge_change", args=[sent.pk]) in listing.content.decode()
    detail = client.get(reverse("admin:progress_nudge_change", args=[sent.pk]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # shown, not offered for saving


def test_nobody_adds_changes_or_deletes_a_nudge(client, staff, sent):
    client.force_login(staff)
    before = Nudge.objects.values().get(pk=sent.pk)
    assert client.get(reverse("admin:progress_nudge_add")).status_code == 403
    change = reverse("admin:progress_nudge_change", args=[sent.pk])
    assert client.post(change, {"status": Nudge.Status.PENDING}).status_code == 403
    delete = reverse("admin:progress_nudge_delete", args=[sent.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Nudge.objects.values().get(pk=sent.pk) == before
