"""Credentials verify with an independent implementation, and stop after revocation."""

import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from jwcrypto import jwk, jws

from credentials import services
from credentials.checks import signing_key_set
from credentials.keys import new_key_entry, parse_keys
from tests.credentials.helpers import (
    NotVerified,
    independent_verify,
    milestone_credential,
    outsider_check,
)
from tests.factories import enrol

pytestmark = pytest.mark.django_db

OLD_KEY = "2025-01=" + base64.b64encode(bytes(range(32))).decode()
NEW_KEY = "2026-11=" + base64.b64encode(bytes(range(32, 64))).decode()


def test_a_credential_verifies_with_libsodium_and_the_published_keys(client, learner):
    credential = milestone_credential(learner)
    jwks = client.get("/.well-known/jwks.json").json()

    claims = independent_verify(credential.token, jwks)

    assert claims["id"] == f"urn:uuid:{credential.public_id}"
    assert outsider_check(client, credential.token)


def test_jwcrypto_reads_the_same_signature_from_the_jwks(client, learner):
    credential = milestone_credential(learner)
    key_set = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content)
    token = jws.JWS()
    token.deserialize(credential.token)

    header = token.jose_header
    token.verify(key_set.get_key(header["kid"]))

    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    assert json.loads(token.payload)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_the_credential_follows_the_open_badges_3_data_model(client, learner, settings):
    credential = milestone_credential(learner)
    jwks = client.get("/.well-known/jwks.json").json()

    claims = independent_verify(credential.token, jwks)

    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["validFrom"].endswith("Z")
    assert claims["issuer"]["type"] == ["Profile"]
    assert claims["issuer"]["name"] == "Ministry of Foreign Affairs, through ediplomacy"
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert {"identityType": "name", "identityHash": "Amina Diallo"}.items() <= (
        subject["identifier"][0].items()
    )
    email = subject["identifier"][1]
    assert email["hashed"] is True and "amina" not in json.dumps(email)
    achievement = subject["achievement"]
    assert achievement["name"].startswith("Acquainted")
    assert "orientation on the e-tools" in achievement["criteria"]["narrative"]
    assert all(a["targetUrl"].startswith(settings.SITE_URL) for a in achievement["alignment"])
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(credential.status_index)


def test_a_changed_credential_does_not_verify(client, learner):
    credential = milestone_credential(learner)
    header, payload, signature = credential.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Active e-diplomat"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    assert not outsider_check(client, f"{header}.{forged}.{signature}")
    with pytest.raises(NotVerified):
        independent_verify(
            f"{header}.{forged}.{signature}", client.get("/.well-known/jwks.json").json()
        )


def test_revoking_makes_the_credential_stop_verifying(client, learner, trainer):
    credential = milestone_credential(learner)
    other = milestone_credential(enrol(learner.cohort, "bruno@mfa.example", "Bruno Keller"))
    assert outsider_check(client, credential.token)

    services.credential_revoke(
        credential=credential, by=trainer, reason="Work was not their own.", now=timezone.now()
    )

    assert not outsider_check(client, credential.token)
    assert outsider_check(client, other.token)  # only its own bit changed


def test_old_credentials_still_verify_after_the_key_is_rotated(client, learner, settings):
    settings.CREDENTIALS_SIGNING_KEYS = [OLD_KEY]
    old = milestone_credential(learner)

    settings.CREDENTIALS_SIGNING_KEYS = [NEW_KEY, OLD_KEY]
    new = milestone_credential(enrol(learner.cohort, "bruno@mfa.example", "Bruno Keller"))

    assert old.key_id == "2025-01" and new.key_id == "2026-11"
    assert outsider_check(client, old.token) and outsider_check(client, new.token)

    # Once the old key is dropped, what it signed no longer verifies.
    settings.CREDENTIALS_SIGNING_KEYS = [NEW_KEY]
    assert not outsider_check(client, old.token)
    assert outsider_check(client, new.token)


@pytest.mark.parametrize(
    "entry",
    ["no-equals-sign", "bad kid!=" + base64.b64encode(bytes(32)).decode(), "short=AAAA"],
)
def test_a_malformed_key_is_refused_without_echoing_it(entry):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_keys([entry])

    secret = entry.partition("=")[2]
    assert not secret or secret not in str(refused.value)


def test_a_new_key_entry_parses():
    (key,) = parse_keys([new_key_entry("2027-01")])

    assert key.kid == "2027-01" and len(key.public_raw) == 32


def test_without_a_key_nothing_is_signed_and_the_deploy_check_fails(learner, settings):
    settings.CREDENTIALS_SIGNING_KEYS = []

    with pytest.raises(ImproperlyConfigured, match="CREDENTIALS_SIGNING_KEYS"):
        milestone_credential(learner)
    assert [error.id for error in signing_key_set(None)] == ["credentials.E002"]
