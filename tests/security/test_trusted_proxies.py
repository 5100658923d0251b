"""Behind the configured number of trusted proxies, per-address limits count
each client's own address (from X-Forwarded-For), not the proxy's."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.ediplomacy.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def log_in_attempt(client_address: str) -> int:
    response = Client().post(
        reverse("account_login"),
        {"login": f"someone-{client_address}@mfa.example", "password": "not-it"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )
    return response.status_code


@pytest.fixture
def two_log_ins_per_minute(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}


def test_behind_a_trusted_proxy_one_client_does_not_use_up_anothers_limit(
    settings, two_log_ins_per_minute
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    first = [log_in_attempt("198.51.100.1") for _ in range(3)]
    other = log_in_attempt("198.51.100.2")

    assert first[-1] == 429, "the busy client is limited"
    assert other != 429, "another client behind the same proxy is not"


def test_a_forged_forwarded_address_does_not_escape_the_limit(settings, two_log_ins_per_minute):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    # The proxy appends the address it saw; whatever the client sent before it is ignored.
    statuses = [log_in_attempt(f"192.0.2.{number}, 198.51.100.1") for number in range(1, 4)]

    assert statuses[-1] == 429


def test_the_trusted_proxy_count_is_read_from_the_environment():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)",
        env={**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "2"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"
