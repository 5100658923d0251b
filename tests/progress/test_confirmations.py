"""Destructive actions ask first, with no script needed: the first POST shows
what will happen and how to undo it, and changes nothing; only the second,
carrying confirm=yes, acts."""

import pytest
from django.urls import reverse

from accounts.invitations import organisation_invite
from accounts.models import Membership, OrganisationInvitation
from progress import services
from progress.models import Cohort, Enrolment, Invitation
from tests.factories import PASSWORD, MembershipFactory, UserFactory, enrol

pytestmark = pytest.mark.django_db


def confirmation(response) -> str:
    """The confirmation page's text, checked to be one."""
    assert response.status_code == 200
    assert response.templates[0].name == "confirm.html"
    html = response.content.decode()
    assert 'name="confirm" value="yes"' in html
    return html


# The trainer's pages


@pytest.fixture
def learner(cohort):
    return enrol(cohort, "withdrawn.soon@mfa.example", "Wanda Withdrawn")


def test_withdrawing_a_learner_asks_first_and_says_how_to_restore(client, trainer, cohort, learner):
    url = reverse("progress:cohort_learner", args=[cohort.pk, learner.pk])
    client.force_login(trainer)

    html = confirmation(client.post(url, {"action": "withdraw"}))

    assert "Withdraw Wanda Withdrawn from “Spring cohort”?" in html
    assert "restore them" in html
    assert 'name="action" value="withdraw"' in html
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.ACTIVE

    response = client.post(url, {"action": "withdraw", "confirm": "yes"})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.WITHDRAWN


def test_restoring_a_withdrawn_learner_needs_no_confirmation(client, trainer, cohort, learner):
    services.enrolment_withdraw(enrolment=learner, by=trainer)
    client.force_login(trainer)

    client.post(
        reverse("progress:cohort_learner", args=[cohort.pk, learner.pk]), {"action": "restore"}
    )

    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.ACTIVE


def test_a_confirmation_value_other_than_yes_does_not_act(client, trainer, cohort, learner):
    url = reverse("progress:cohort_learner", args=[cohort.pk, learner.pk])
    client.force_login(trainer)

    confirmation(client.post(url, {"action": "withdraw", "confirm": "on"}))

    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.ACTIVE


def test_archiving_a_cohort_asks_first_and_restoring_does_not(client, trainer, cohort):
    url = reverse("progress:cohort_archive", args=[cohort.pk])
    client.force_login(trainer)

    html = confirmation(client.post(url))

    assert "Archive “Spring cohort”?" in html
    assert "restore the cohort at any time" in html
    assert not Cohort.objects.get(pk=cohort.pk).is_archived

    client.post(url, {"action": "archive", "confirm": "yes"})
    assert Cohort.objects.get(pk=cohort.pk).is_archived

    client.post(url, {"action": "restore"})
    assert not Cohort.objects.get(pk=cohort.pk).is_archived


def test_revoking_a_cohort_invitation_asks_first(
    client, trainer, cohort, eager_celery, django_capture_on_commit_callbacks
):
    rows, _ = services.learner_rows_parse(cohort=cohort, text="maybe@mfa.example")
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer).invited
    url = reverse("progress:cohort_invitations", args=[cohort.pk])
    client.force_login(trainer)

    html = confirmation(client.post(url, {"invitation": invitation.pk, "action": "revoke"}))

    assert "Revoke the invitation to maybe@mfa.example?" in html
    assert "add it to the cohort again" in html
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING

    client.post(url, {"invitation": invitation.pk, "action": "revoke", "confirm": "yes"})

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_sending_an_invitation_again_needs_no_confirmation(
    client, trainer, cohort, eager_celery, django_capture_on_commit_callbacks
):
    rows, _ = services.learner_rows_parse(cohort=cohort, text="maybe@mfa.example")
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer).invited
    client.force_login(trainer)

    response = client.post(
        reverse("progress:cohort_invitations", args=[cohort.pk]),
        {"invitation": invitation.pk, "action": "resend"},
    )

    assert response.status_code == 302


def test_the_confirmation_of_another_cohorts_invitation_is_not_found(
    client, trainer, cohort, outsider, eager_celery
):
    rows, _ = services.learner_rows_parse(cohort=cohort, text="maybe@mfa.example")
    (invitation,) = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer).invited
    client.force_login(outsider)

    response = client.post(
        reverse("progress:cohort_invitations", args=[cohort.pk]),
        {"invitation": invitation.pk, "action": "revoke"},
    )

    assert response.status_code == 404


# The organisation's people page


def people_url(organisation):
    return reverse("accounts:people", args=[organisation.slug])


def test_removing_a_member_asks_first_and_says_how_to_give_a_role_back(
    client, org_admin, trainee, organisation
):
    membership = Membership.objects.get(user=trainee, organisation=organisation)
    client.force_login(org_admin)

    html = confirmation(
        client.post(people_url(organisation), {"action": "remove", "member": membership.pk})
    )

    assert f"Remove {trainee} from Ministry of Foreign Affairs?" in html
    assert "invite their address" in html
    assert Membership.objects.filter(pk=membership.pk).exists()

    client.post(
        people_url(organisation), {"action": "remove", "member": membership.pk, "confirm": "yes"}
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removing_someone_of_another_organisation_is_not_found_even_to_confirm(
    client, org_admin, organisation, other_organisation
):
    stranger = MembershipFactory(organisation=other_organisation)
    client.force_login(org_admin)

    response = client.post(people_url(organisation), {"action": "remove", "member": stranger.pk})

    assert response.status_code == 404


def test_revoking_an_organisation_invitation_asks_first(client, org_admin, organisation):
    invitation = organisation_invite(
        organisation=organisation, email="later@mfa.example", role="trainer", by=org_admin
    )
    client.force_login(org_admin)

    html = confirmation(
        client.post(people_url(organisation), {"action": "revoke", "invitation": invitation.pk})
    )

    assert "Revoke the invitation to later@mfa.example?" in html
    invitation.refresh_from_db()
    assert invitation.status == OrganisationInvitation.Status.PENDING

    client.post(
        people_url(organisation),
        {"action": "revoke", "invitation": invitation.pk, "confirm": "yes"},
    )

    invitation.refresh_from_db()
    assert invitation.status == OrganisationInvitation.Status.REVOKED


# Deleting one's own account


def test_deleting_an_account_needs_the_box_ticked_as_well_as_the_password(client):
    user = UserFactory(email="leaving@example.org")
    client.force_login(user)

    response = client.post(reverse("progress:delete_account"), {"password": PASSWORD})

    assert response.status_code == 400
    assert type(user).objects.filter(pk=user.pk).exists()
