"""A trainer who leaves one organisation and still trains in another.

They trained "Ministry cohort" for the ministry and "Service cohort" for the
foreign service. The ministry's administrator removes them from the ministry
(on the people page), or a platform administrator deletes the membership on
the admin site, which leaves the ministry cohort's trainer list untouched.
Either way the ministry's cohort is gone for them: 404 on its pages, and
nothing of it in their cohort list, report, CSV, JSON or weekly digest; the
foreign service's cohort is still all theirs.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from progress.models import Nudge
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from tests.factories import MembershipFactory, UserFactory, cohort_with_learners

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(organisation, other_organisation, org_admin):
    trainer = UserFactory(
        email="leaver@mfa.example",
        nudge_preferences={"trainer_digest": "in_app"},  # at once, at any hour
    )
    for place in (organisation, other_organisation):
        MembershipFactory(user=trainer, organisation=place, role=Membership.Role.TRAINER)
    ministry = cohort_with_learners(
        2, organisation=organisation, trainer=trainer, name="Ministry cohort"
    )
    service = cohort_with_learners(
        2, organisation=other_organisation, trainer=trainer, name="Service cohort"
    )
    return trainer, ministry, service


def remove_on_the_people_page(client, organisation, org_admin, trainer):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=trainer, organisation=organisation)
    response = client.post(
        reverse("accounts:people", args=[organisation.slug]),
        {"action": "remove", "member": membership.pk, "confirm": "yes"},
    )
    assert response.status_code == 302


def remove_on_the_admin_site(client, organisation, org_admin, trainer):
    Membership.objects.filter(user=trainer, organisation=organisation).delete()


@pytest.mark.parametrize("removal", [remove_on_the_people_page, remove_on_the_admin_site])
def test_a_trainer_removed_from_an_organisation_sees_nothing_of_its_cohorts(
    client, leaver, organisation, org_admin, removal
):
    trainer, ministry, service = leaver
    removal(client, organisation, org_admin, trainer)
    client.force_login(trainer)

    for name in ["progress:cohort", "progress:cohort_edit", "progress:cohort_invitations"]:
        assert client.get(reverse(name, args=[ministry.cohort.pk])).status_code == 404, name
    learner_page = reverse(
        "progress:cohort_learner", args=[ministry.cohort.pk, ministry.learners[0].pk]
    )
    assert client.get(learner_page).status_code == 404
    assert client.get(reverse("progress:cohort", args=[service.cohort.pk])).status_code == 200

    listed = client.get(reverse("progress:cohorts")).context["cohorts"]
    assert [cohort.name for cohort in listed] == ["Service cohort"]

    report = client.get(reverse("reports:report"))
    assert [row["cohort__name"] for row in report.context["comparison"]] == ["Service cohort"]
    exported = b"".join(client.get(reverse("reports:report_csv")).streaming_content)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert {row["cohort"] for row in rows} == {"Service cohort"}
    assert len(rows) == 2
    assert client.get(reverse("reports:report_json")).json()["enrolled"] == 2
    ministry_only = {"cohort": ministry.cohort.pk}
    assert client.get(reverse("reports:report_csv"), ministry_only).status_code == 400

    now = timezone.now()
    nudges_plan(now=now)
    nudges_deliver(now=now)
    (digest,) = Nudge.objects.filter(recipient=trainer, rule=Nudge.Rule.TRAINER_DIGEST)
    assert digest.status == Nudge.Status.SENT
    assert [line.split(":")[0] for line in digest.digest] == ["Service cohort"]


def test_a_trainer_removed_from_every_organisation_gets_no_digest(client, leaver):
    trainer = leaver[0]
    Membership.objects.filter(user=trainer).delete()
    client.force_login(trainer)

    assert client.get(reverse("progress:cohorts")).status_code == 404
    now = timezone.now()
    nudges_plan(now=now)
    nudges_deliver(now=now)

    assert not Nudge.objects.filter(recipient=trainer, rule=Nudge.Rule.TRAINER_DIGEST).exists()
