import io

import pytest
from django.core.management import call_command

from credentials.models import Credential
from progress.management.commands.seed_demo import demo_email
from tests.credentials.helpers import outsider_check

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_verifiable_credentials_for_its_learners(client, settings, programme):
    settings.DEBUG = True  # seed_demo refuses to run without it

    call_command("seed_demo", stdout=io.StringIO())

    achieved = Credential.objects.filter(user__email=demo_email("farid"))
    assert set(achieved.exclude(milestone="").values_list("milestone", flat=True)) == {
        "acquainted",
        "e_listener",
        "active_e_diplomat",
    }
    assert achieved.filter(kind="competence").count() == 5
    assert all(outsider_check(client, credential.token) for credential in achieved)

    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles
    assert achieved.count() == 8
