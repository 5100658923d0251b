import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.invitations import organisation_invite
from accounts.models import Membership, OrganisationInvitation
from accounts.tasks import organisation_invitation_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def people_url(organisation):
    return reverse("accounts:people", args=[organisation.slug])


def test_org_admin_invites_an_account_who_takes_the_role_only_on_accepting(
    client, org_admin, organisation, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(email="new.trainer@mfa.example")
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            people_url(organisation),
            {"action": "add", "email": "NEW.trainer@mfa.example", "role": "trainer"},
            follow=True,
        )
    assert "An invitation to new.trainer@mfa.example as trainer is on its way" in (
        response.content.decode()
    )
    assert not Membership.objects.filter(user=newcomer, organisation=organisation).exists()
    (mail,) = mailoutbox
    link = urlsplit(re.search(r"https?://\S+/organisation/invitation/\S+/", mail.body).group(0))

    client.force_login(newcomer)
    page = client.get(link.path)
    assert page.status_code == 200
    assert "Accept" in page.content.decode()
    assert not Membership.objects.filter(user=newcomer, organisation=organisation).exists()
    client.post(link.path, {"answer": "accept"})

    assert Membership.objects.get(user=newcomer, organisation=organisation).role == "trainer"
    invitation = OrganisationInvitation.objects.get()
    assert (invitation.status, invitation.answered_by) == ("accepted", newcomer)


def test_invited_person_may_decline_and_nothing_changes(client, org_admin, organisation):
    newcomer = UserFactory(email="new.trainer@mfa.example")
    invitation = organisation_invite(
        organisation=organisation, email=newcomer.email, role="org_admin", by=org_admin
    )
    client.force_login(newcomer)
    client.post(
        reverse("accounts:invitation", args=[organisation_invitation_token(invitation)]),
        {"answer": "decline"},
    )
    assert not Membership.objects.filter(user=newcomer).exists()
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_someone_else_cannot_accept_an_invitation_meant_for_another_address(
    client, org_admin, organisation, outsider
):
    invitation = organisation_invite(
        organisation=organisation, email="new.trainer@mfa.example", role="org_admin", by=org_admin
    )
    client.force_login(outsider)
    path = reverse("accounts:invitation", args=[organisation_invitation_token(invitation)])
    assert client.get(path).status_code == 403
    assert client.post(path, {"answer": "accept"}).status_code == 403
    assert not Membership.objects.filter(user=outsider, organisation=organisation).exists()


@pytest.mark.parametrize("address", ["nobody@mfa.example", "outsider@fs.example"])
def test_the_people_page_answers_alike_whether_or_not_an_address_has_an_account(
    client, org_admin, organisation, outsider, address
):
    client.force_login(org_admin)
    response = client.post(
        people_url(organisation),
        {"action": "add", "email": address, "role": "trainer"},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"An invitation to {address} as trainer is on its way" in html
    assert "No account" not in html
    assert "another organisation" not in html
    assert OrganisationInvitation.objects.filter(email=address, status="pending").exists()


def test_org_admin_changes_a_role_and_removes_a_member(client, org_admin, trainee, organisation):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=trainee, organisation=organisation)
    client.post(
        people_url(organisation), {"action": "role", "member": membership.pk, "role": "trainer"}
    )
    membership.refresh_from_db()
    assert membership.role == "trainer"
    client.post(
        people_url(organisation), {"action": "remove", "member": membership.pk, "confirm": "yes"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_administrator_cannot_demote_or_remove_themselves(client, org_admin, organisation):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin, organisation=organisation)
    response = client.post(
        people_url(organisation),
        {"action": "role", "member": membership.pk, "role": "trainee"},
        follow=True,
    )
    assert "needs at least one administrator" in response.content.decode()
    client.post(
        people_url(organisation), {"action": "remove", "member": membership.pk, "confirm": "yes"}
    )
    membership.refresh_from_db()
    assert membership.role == "org_admin"


@pytest.mark.parametrize("persona", ["trainee", "trainer", "outsider"])
def test_people_page_is_not_found_for_anyone_but_its_admins_and_staff(
    client, request, persona, organisation
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(people_url(organisation)).status_code == 404
    assert client.get(reverse("accounts:organisations")).status_code == 404


def test_staff_see_every_organisation(client, staff, organisation, other_organisation):
    client.force_login(staff)
    html = client.get(reverse("accounts:organisations")).content.decode()
    assert organisation.name in html and other_organisation.name in html
    assert client.get(people_url(other_organisation)).status_code == 200


def test_org_admin_with_one_organisation_goes_straight_to_its_people(
    client, org_admin, organisation
):
    client.force_login(org_admin)
    assert client.get(reverse("accounts:organisations")).url == people_url(organisation)


def test_org_admin_holds_and_resumes_reminders(client, org_admin, organisation):
    import datetime

    client.force_login(org_admin)
    until = datetime.date.today() + datetime.timedelta(days=5)
    response = client.post(
        people_url(organisation), {"action": "pause", "until": until.isoformat()}, follow=True
    )
    assert "Reminders are held until" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.nudges_paused_until.date() == until
    client.post(people_url(organisation), {"action": "resume"})
    organisation.refresh_from_db()
    assert organisation.nudges_paused_until is None


def test_a_pause_in_the_past_is_refused_beside_the_field(client, org_admin, organisation):
    client.force_login(org_admin)
    response = client.post(people_url(organisation), {"action": "pause", "until": "2020-01-01"})
    assert response.status_code == 400
    assert "Choose a day after today." in response.content.decode()


def test_people_page_has_a_plain_title(client, org_admin, organisation):
    client.force_login(org_admin)
    html = client.get(people_url(organisation)).content.decode()
    assert f"<title>People of {organisation.name} · ediplomacy</title>" in html


def test_the_people_and_audit_pages_keep_the_administrators_navigation(
    client, org_admin, organisation
):
    client.force_login(org_admin)
    for url in (people_url(organisation), reverse("accounts:audit", args=[organisation.slug])):
        html = client.get(url).content.decode()
        assert f'href="{reverse("progress:cohorts")}">Cohorts</a>' in html, url
        assert f'href="{reverse("accounts:organisations")}">Organisation</a>' in html, url
