import io

import pytest
from django.core.management import call_command

from credentials.models import Credential
from progress.services.privacy import account_delete
from tests.credentials.helpers import milestone_credential, outsider_check, reach_acquainted

pytestmark = pytest.mark.django_db


def test_deleting_the_account_revokes_and_erases_its_credentials(client, learner):
    credential = milestone_credential(learner, shared=True)
    kept_copy = credential.token
    assert outsider_check(client, kept_copy)

    account_delete(user=learner.user)

    credential.refresh_from_db()
    assert credential.is_revoked and credential.revoked_reason == "The account was deleted."
    assert credential.token == "" and not credential.shared
    assert client.get(credential.get_absolute_url()).status_code == 404
    # A copy the learner downloaded before no longer verifies.
    assert not outsider_check(client, kept_copy)


def test_a_deleted_account_is_issued_nothing_more(learner):
    account_delete(user=learner.user)
    reach_acquainted(learner)
    call_command("issue_credentials", stdout=io.StringIO())

    assert not Credential.objects.exists()


def test_deactivating_an_account_on_the_admin_site_keeps_its_credentials(learner):
    credential = milestone_credential(learner)

    learner.user.is_active = False
    learner.user.save()

    credential.refresh_from_db()
    assert not credential.is_revoked and credential.token
