import pytest
from django.urls import reverse

from sso.models import OrganisationDomain
from sso.vault import secret_open, secret_seal
from tests.factories import OrganisationFactory, UserFactory


def test_a_sealed_secret_opens_and_does_not_show(settings):
    sealed = secret_seal("client-secret-1")

    assert sealed.startswith("fernet:")
    assert "client-secret-1" not in sealed
    assert secret_open(sealed) == "client-secret-1"


def test_a_rotated_key_still_opens_what_the_old_one_sealed(settings):
    sealed = secret_seal("client-secret-1")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-the-site"

    assert secret_open(sealed) == "client-secret-1"


def test_a_lost_key_opens_nothing_rather_than_failing(settings):
    sealed = secret_seal("client-secret-1")
    settings.SECRET_KEY = "another-key-entirely"

    assert secret_open(sealed) == ""


@pytest.mark.django_db
def test_staff_verify_waiting_domains_from_the_admin_list(client):
    waiting = OrganisationFactory(slug="mfa").email_domains.create(domain="mfa.test")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(
        reverse("admin:sso_organisationdomain_changelist") + "?verified_at__isempty=1"
    )
    client.post(
        reverse("admin:sso_organisationdomain_changelist"),
        {"action": "verify", "_selected_action": [waiting.pk]},
    )

    assert "mfa.test" in listing.content.decode()
    assert OrganisationDomain.objects.get(pk=waiting.pk).is_verified
