import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def people_url(organisation):
    return reverse("accounts:people", args=[organisation.slug])


def test_org_admin_gives_an_existing_account_the_trainer_role(client, org_admin, organisation):
    newcomer = UserFactory(email="new.trainer@mfa.example")
    client.force_login(org_admin)
    response = client.post(
        people_url(organisation),
        {"action": "add", "email": "NEW.trainer@mfa.example", "role": "trainer"},
        follow=True,
    )
    assert "now has the role trainer" in response.content.decode()
    assert Membership.objects.get(user=newcomer, organisation=organisation).role == "trainer"


def test_adding_an_unknown_address_is_refused_beside_the_field(client, org_admin, organisation):
    client.force_login(org_admin)
    response = client.post(
        people_url(organisation),
        {"action": "add", "email": "nobody@mfa.example", "role": "trainer"},
    )
    assert response.status_code == 400
    assert "No account uses this address" in response.content.decode()


def test_org_admin_changes_a_role_and_removes_a_member(client, org_admin, trainee, organisation):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=trainee, organisation=organisation)
    client.post(
        people_url(organisation), {"action": "role", "member": membership.pk, "role": "trainer"}
    )
    membership.refresh_from_db()
    assert membership.role == "trainer"
    client.post(people_url(organisation), {"action": "remove", "member": membership.pk})
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
    client.post(people_url(organisation), {"action": "remove", "member": membership.pk})
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
