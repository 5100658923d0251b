"""From an invitation to an account and back: "Create my account" opens the
sign-up form with the invited address filled in, and once the address is
confirmed the person lands on the invitation again."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.invitations import organisation_invite
from accounts.models import Membership
from accounts.tasks import organisation_invitation_token
from progress import services
from progress.tasks import invitation_token

pytestmark = pytest.mark.django_db

INVITEE = "new+person@mfa.example"
PASSWORD = "a-long-and-memorable-passphrase"


def create_account_link(page) -> str:
    match = re.search(r'href="([^"]+)"[^>]*>Create my account<', page.content.decode())
    assert match, "no Create my account link"
    return html.unescape(match.group(1))


def sign_up_and_confirm(client, mailoutbox, link: str):
    """Fills the sign-up form the link opens, as it comes, and confirms the address."""
    form = client.get(link)
    page = form.content.decode()
    assert f'value="{INVITEE}"' in page, "the invited address is filled in"
    query = parse_qs(urlsplit(link).query)
    next_field = re.search(r'name="next" value="([^"]+)"', page)
    assert next_field and html.unescape(next_field.group(1)) == query["next"][0]
    response = client.post(
        urlsplit(link).path,
        {
            "email": INVITEE,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": query["next"][0],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    return client.post(confirm, follow=True)


def test_cohort_invitation_signs_up_with_the_address_and_comes_back(
    client, cohort, trainer, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    rows, _ = services.learner_rows_parse(cohort=cohort, text=INVITEE)
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer).invited
    path = reverse("progress:invitation", args=[invitation_token(invitation)])

    link = create_account_link(client.get(path))
    assert urlsplit(link).path == reverse("account_signup")
    assert parse_qs(urlsplit(link).query) == {"email": [INVITEE], "next": [path]}

    response = sign_up_and_confirm(client, mailoutbox, link)

    assert response.redirect_chain[-1][0] == path
    page = response.content.decode()
    assert "You are in Spring cohort" in page
    assert "Go to my dashboard" in page
    invitation.refresh_from_db()
    assert invitation.accepted_by.email == INVITEE


def test_organisation_invitation_signs_up_with_the_address_and_comes_back_to_answer(
    client, organisation, org_admin, mailoutbox
):
    invitation = organisation_invite(
        organisation=organisation, email=INVITEE, role="trainer", by=org_admin
    )
    path = reverse("accounts:invitation", args=[organisation_invitation_token(invitation)])

    link = create_account_link(client.get(path))
    assert parse_qs(urlsplit(link).query) == {"email": [INVITEE], "next": [path]}

    response = sign_up_and_confirm(client, mailoutbox, link)

    assert response.redirect_chain[-1][0] == path
    assert "Join Ministry of Foreign Affairs" in response.content.decode()
    client.post(path, {"answer": "accept"})
    assert Membership.objects.get(user__email=INVITEE, organisation=organisation).role == "trainer"


def test_a_malformed_address_in_the_link_leaves_the_field_empty(client):
    page = client.get(reverse("account_signup") + "?email=not-an-address").content.decode()

    assert "not-an-address" not in page
