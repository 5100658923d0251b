"""An invitation from first e-mail to a place in the cohort: the link, signing
up with the invited address (through the link or later), opening it signed
in, refusals, expiry, revoking and sending again."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from progress import services
from progress.models import Enrolment, Invitation
from progress.tasks import INVITATION_SALT, invitation_token, send_invitation
from tests.factories import MembershipFactory, UserFactory, cohort_with_learners

pytestmark = pytest.mark.django_db

INVITEE = "invitee@mfa.example"
PASSWORD = "a-long-and-memorable-passphrase"


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """Every test here sends its e-mail in-process."""


@pytest.fixture
def cohort(organisation, programme, trainer):
    # Starting today, not ten days ago as the cohort tests' does.
    return cohort_with_learners(
        0, organisation=organisation, trainer=trainer, programme=programme
    ).cohort


@pytest.fixture
def invitation(cohort, trainer, django_capture_on_commit_callbacks, mailoutbox) -> Invitation:
    """INVITEE, invited the way the trainer's page does it; the e-mail has gone."""
    rows, problems = services.learner_rows_parse(cohort=cohort, text=INVITEE)
    assert not problems
    with django_capture_on_commit_callbacks(execute=True):
        result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    assert len(mailoutbox) == 1
    return result.invited[0]


def link_path(mail) -> str:
    """The invitation link's path, from the e-mail's text."""
    link = re.search(r"https?://\S+/invitations/[^/\s]+/", mail.body).group(0)
    return urlsplit(link).path


def sign_up(client, mailoutbox, email: str = INVITEE) -> User:
    """Signs up through allauth and confirms the address from the e-mail sent."""
    sent = len(mailoutbox)
    response = client.post(
        reverse("account_signup"),
        {"display_name": "", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mailoutbox) == sent + 1
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    assert client.post(confirm).status_code == 302
    return User.objects.get(email__iexact=email)


def in_cohort(user, cohort) -> bool:
    return (
        Enrolment.objects.filter(user=user, cohort=cohort, status=Enrolment.Status.ACTIVE).exists()
        and Membership.objects.filter(
            user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE
        ).exists()
    )


def expire(invitation: Invitation) -> None:
    past = timezone.now() - datetime.timedelta(days=settings.INVITATION_DAYS, minutes=1)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=past)
    invitation.refresh_from_db()


# The e-mail and its link


def test_email_names_the_cohort_and_carries_a_working_link(invitation, mailoutbox, client):
    mail = mailoutbox[0]
    assert mail.to == [INVITEE]
    assert "Spring cohort" in mail.subject
    path = link_path(mail)
    assert path in mail.alternatives[0][0]

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["invitation"] == invitation


def test_anonymous_visitor_on_the_link_is_asked_to_create_an_account(
    invitation, mailoutbox, client
):
    response = client.get(link_path(mailoutbox[0]))

    html = response.content.decode()
    assert "Join Spring cohort" in html
    assert INVITEE in html
    assert f'href="{reverse("account_signup")}?email=' in html
    assert "Create my account" in html


def test_visitor_whose_address_has_an_account_is_asked_to_log_in(invitation, mailoutbox, client):
    UserFactory(email=INVITEE)

    html = client.get(link_path(mailoutbox[0])).content.decode()

    assert "Log in to accept" in html
    assert "Create my account" not in html


# Joining


def test_signing_up_from_the_link_and_confirming_lands_in_the_cohort(
    invitation, cohort, mailoutbox, client
):
    assert client.get(link_path(mailoutbox[0])).status_code == 200

    user = sign_up(client, mailoutbox)

    assert in_cohort(user, cohort)
    enrolment = Enrolment.objects.get(user=user)
    assert (enrolment.started_at, enrolment.length_days) == (cohort.starts_at, cohort.length_days)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    assert client.get(reverse("progress:dashboard")).status_code == 200


def test_signing_up_later_without_the_link_also_lands_in_the_cohort(
    invitation, cohort, mailoutbox, client
):
    user = sign_up(client, mailoutbox, email="Invitee@MFA.example")

    assert in_cohort(user, cohort)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_signing_up_without_confirming_does_not_join(invitation, cohort, mailoutbox, client):
    client.post(
        reverse("account_signup"),
        {"email": INVITEE, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert not Enrolment.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_signed_in_person_with_the_verified_address_joins_only_on_accepting(
    invitation, cohort, mailoutbox, client
):
    user = UserFactory(email=INVITEE)
    client.force_login(user)
    path = link_path(mailoutbox[0])

    page = client.get(path)

    assert page.status_code == 200
    assert "Join Spring cohort" in page.content.decode()
    assert not in_cohort(user, cohort)

    response = client.post(path)

    assert response.status_code == 302
    assert response.url == reverse("progress:dashboard")
    assert in_cohort(user, cohort)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, user)


def test_opening_an_accepted_invitation_again_says_it_is_accepted(invitation, mailoutbox, client):
    client.force_login(UserFactory(email=INVITEE))
    path = link_path(mailoutbox[0])
    client.post(path)

    response = client.get(path)

    assert response.status_code == 410
    assert "already accepted" in response.content.decode()


@pytest.mark.parametrize("verified", [True, False], ids=["other-address", "unverified"])
def test_someone_else_signed_in_is_refused_and_nothing_changes(
    invitation, cohort, mailoutbox, client, verified
):
    if verified:
        other = UserFactory(email="someone.else@mfa.example")
    else:
        other = UserFactory(email=INVITEE, verified=False)
    client.force_login(other)

    response = client.get(link_path(mailoutbox[0]))

    assert response.status_code == 403
    html = response.content.decode()
    assert f"This invitation is for {INVITEE}" in html
    assert "Log out" in html
    assert not Enrolment.objects.exists()
    assert not Membership.objects.filter(user=other).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_member_of_another_organisation_joins_with_a_new_enrolment_only_on_accepting(
    invitation, cohort, mailoutbox, client, other_organisation
):
    user = MembershipFactory(user=UserFactory(email=INVITEE), organisation=other_organisation).user
    client.force_login(user)
    path = link_path(mailoutbox[0])

    assert client.get(path).status_code == 200
    assert not Enrolment.objects.exists()
    assert not user.memberships.filter(organisation=cohort.organisation).exists()

    client.post(path)

    assert in_cohort(user, cohort)
    assert set(user.memberships.values_list("organisation_id", flat=True)) == {
        other_organisation.pk,
        cohort.organisation_id,
    }


# Expiry, revoking, sending again


def test_expired_link_says_so_and_confirming_the_address_later_does_not_join(
    invitation, cohort, mailoutbox, client
):
    expire(invitation)

    response = client.get(link_path(mailoutbox[0]))

    assert response.status_code == 410
    assert "expired" in response.content.decode()

    user = sign_up(client, mailoutbox)

    assert not Enrolment.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_is_still_valid_just_before_it_expires(invitation, mailoutbox, client):
    almost = timezone.now() - datetime.timedelta(days=settings.INVITATION_DAYS, minutes=-5)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=almost)

    assert client.get(link_path(mailoutbox[0])).status_code == 200


def test_revoked_link_is_gone_and_signing_up_does_not_join(invitation, mailoutbox, client):
    services.invitation_revoke(invitation=invitation)

    response = client.get(link_path(mailoutbox[0]))

    assert response.status_code == 410
    assert "withdrew this invitation" in response.content.decode()
    user = sign_up(client, mailoutbox)
    assert not Enrolment.objects.filter(user=user).exists()


def test_resending_refreshes_the_date_counts_emails_and_revives_an_expired_invitation(
    invitation, mailoutbox, client, django_capture_on_commit_callbacks
):
    expire(invitation)
    expired_at = invitation.sent_at
    assert client.get(link_path(mailoutbox[0])).status_code == 410

    with django_capture_on_commit_callbacks(execute=True):
        resent = services.invitation_resend(invitation=invitation)

    assert resent.sent_at > expired_at
    assert resent.send_count == 2
    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == [INVITEE]
    assert client.get(link_path(mailoutbox[1])).status_code == 200
    assert client.get(link_path(mailoutbox[0])).status_code == 200, "the first link works again"


def test_trainer_resends_and_revokes_from_the_invitations_page(
    invitation, cohort, trainer, mailoutbox, client, django_capture_on_commit_callbacks
):
    client.force_login(trainer)
    url = reverse("progress:cohort_invitations", args=[cohort.pk])
    assert INVITEE in client.get(url).content.decode()

    # A re-send waits a day after the last sending.
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"invitation": invitation.pk, "action": "resend"})
    assert response.status_code == 302
    assert len(mailoutbox) == 2

    client.post(url, {"invitation": invitation.pk, "action": "revoke", "confirm": "yes"})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == (Invitation.Status.REVOKED, 2)

    response = client.post(url, {"invitation": invitation.pk, "action": "resend"}, follow=True)
    assert "Only a pending invitation can be sent again." in response.content.decode()
    assert len(mailoutbox) == 2


def test_malformed_invitation_id_on_the_invitations_page_is_not_found(
    invitation, cohort, trainer, client
):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:cohort_invitations", args=[cohort.pk]),
        {"invitation": "abc", "action": "revoke"},
    )

    assert response.status_code == 404


@pytest.mark.parametrize("finish", ["accepted", "revoked"])
def test_revoking_or_resending_a_closed_invitation_is_refused(
    invitation, cohort, mailoutbox, finish, django_capture_on_commit_callbacks
):
    if finish == "accepted":
        services.invitation_accept(invitation=invitation, user=UserFactory(email=INVITEE))
    else:
        services.invitation_revoke(invitation=invitation)
    invitation.refresh_from_db()

    with pytest.raises(services.CohortError, match="Only a pending invitation can be revoked"):
        services.invitation_revoke(invitation=invitation)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.CohortError, match="Only a pending invitation can be sent again"),
    ):
        services.invitation_resend(invitation=invitation)

    assert len(mailoutbox) == 1
    assert Invitation.objects.get().status == finish


def test_task_sends_nothing_for_an_invitation_closed_meanwhile(invitation, mailoutbox):
    services.invitation_revoke(invitation=invitation)

    assert send_invitation(invitation.pk) is False
    assert len(mailoutbox) == 1


# Broken links


def test_tampered_token_is_not_found(invitation, mailoutbox, client):
    token = link_path(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged = signing.dumps(invitation.pk, salt="another.salt")

    for bad in (tampered, forged, "not-a-token"):
        response = client.get(reverse("progress:invitation", args=[bad]))
        assert response.status_code == 404, bad
        assert "This invitation link does not work" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_token_of_a_deleted_invitation_is_not_found(invitation, client):
    token = invitation_token(invitation)
    invitation.delete()

    assert client.get(reverse("progress:invitation", args=[token])).status_code == 404


def test_token_names_the_invitation_under_its_own_salt(invitation):
    assert signing.loads(invitation_token(invitation), salt=INVITATION_SALT) == invitation.pk
