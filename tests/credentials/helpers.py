"""Helpers of the credential tests: reaching achievements, and an independent verifier.

The verifier shares no code with the platform's: it parses the compact JWS by
hand and checks the Ed25519 signature with libsodium (PyNaCl), so a bug in the
platform's own signing or verifying cannot hide itself.
"""

import base64
import gzip
import json

import nacl.exceptions
import nacl.signing
from django.utils import timezone

from credentials import services
from credentials.models import Credential
from curriculum.models import Activity
from progress import services as progress_services
from progress.models import Completion, Enrolment, MilestoneAchievement
from progress.timemodel import Milestone


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def reach_acquainted(enrolment: Enrolment, *, at=None) -> None:
    """Completes the day's work (the orientation) and lets the services see it."""
    at = at or timezone.now()
    day_work = Activity.objects.live().filter(
        module__stage__programme=enrolment.programme, module__horizon="day"
    )
    Completion.objects.bulk_create(
        [Completion(enrolment=enrolment, activity=work, completed_at=at) for work in day_work],
        ignore_conflicts=True,
    )
    progress_services.progress_refresh(enrolment=enrolment, now=at)


def milestone_credential(enrolment: Enrolment, *, shared: bool = False) -> Credential:
    """The enrolment's Acquainted credential, issued directly (no task)."""
    reached, _ = MilestoneAchievement.objects.get_or_create(
        enrolment=enrolment,
        milestone=Milestone.ACQUAINTED.value,
        defaults={"achieved_at": timezone.now(), "on_time": True},
    )
    services.credential_issue_for_milestone(achievement_id=reached.pk, now=timezone.now())
    credential = Credential.objects.get(enrolment=enrolment, milestone=Milestone.ACQUAINTED)
    if shared:
        services.credential_share(credential=credential, shared=True, share_name=True)
    return credential


class NotVerified(Exception):
    pass


def independent_verify(token: str, jwks: dict) -> dict:
    """The payload of a compact JWS signed with EdDSA by a key of `jwks`; raises otherwise."""
    encoded_header, encoded_payload, encoded_signature = token.split(".")
    header = json.loads(_b64url(encoded_header))
    if header.get("alg") != "EdDSA":
        raise NotVerified(f"unexpected alg {header.get('alg')!r}")
    keys = {key["kid"]: key for key in jwks["keys"]}
    key = keys.get(header.get("kid"))
    if key is None or key["kty"] != "OKP" or key["crv"] != "Ed25519":
        raise NotVerified("no such key")
    verifier = nacl.signing.VerifyKey(_b64url(key["x"]))
    try:
        verifier.verify(f"{encoded_header}.{encoded_payload}".encode(), _b64url(encoded_signature))
    except nacl.exceptions.BadSignatureError as error:
        raise NotVerified("bad signature") from error
    return json.loads(_b64url(encoded_payload))


def independent_status(status_token: str, jwks: dict, index: int) -> bool:
    """Whether bit `index` of a signed Bitstring Status List is set (revoked)."""
    status = independent_verify(status_token, jwks)
    encoded = status["credentialSubject"]["encodedList"]
    assert encoded.startswith("u"), "multibase base64url"
    bits = gzip.decompress(_b64url(encoded[1:]))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def outsider_check(client, token: str) -> bool:
    """What a verifier outside the platform concludes, fetching only the public
    key set and the status list the credential points to."""
    jwks = client.get("/.well-known/jwks.json").json()
    try:
        claims = independent_verify(token, jwks)
    except NotVerified:
        return False
    status = claims["credentialStatus"]
    path = status["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    status_token = client.get("/" + path).content.decode()
    return not independent_status(status_token, jwks, int(status["statusListIndex"]))
