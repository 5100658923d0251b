"""Compact JSON Web Signatures with EdDSA (RFC 7515, RFC 8037), as VC-JOSE uses them.

A signed credential is `base64url(header).base64url(payload).base64url(signature)`,
the signature made with Ed25519 over the first two parts joined by a dot.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Signer(Protocol):
    kid: str

    def sign(self, data: bytes) -> bytes: ...

    @property
    def public_raw(self) -> bytes: ...


class InvalidToken(Exception):
    """A token that is malformed, signed by an unknown key, or whose signature fails."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidToken("Not base64url.") from error


def _json(value: Mapping) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(payload: Mapping, signer: Signer, *, typ: str) -> str:
    header = {"alg": "EdDSA", "kid": signer.kid, "typ": typ}
    signing_input = f"{b64url(_json(header))}.{b64url(_json(payload))}"
    signature = signer.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


def parts(token: str) -> tuple[dict, dict, bytes, bytes]:
    """(header, payload, signing input, signature), without checking the signature."""
    pieces = token.strip().split(".")
    if len(pieces) != 3:
        raise InvalidToken("A compact JWS has three parts.")
    try:
        header = json.loads(b64url_decode(pieces[0]))
        payload = json.loads(b64url_decode(pieces[1]))
    except ValueError as error:
        raise InvalidToken("The header or payload is not JSON.") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InvalidToken("The header and payload must be JSON objects.")
    return header, payload, f"{pieces[0]}.{pieces[1]}".encode("ascii"), b64url_decode(pieces[2])


def verify(token: str, public_keys: Mapping[str, bytes]) -> tuple[dict, dict]:
    """(header, payload) of a token signed by one of `public_keys` (kid -> raw key)."""
    header, payload, signing_input, signature = parts(token)
    if header.get("alg") != "EdDSA":
        raise InvalidToken("Only EdDSA signatures are accepted.")
    raw = public_keys.get(str(header.get("kid")))
    if raw is None:
        raise InvalidToken("Signed with a key this platform does not publish.")
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, signing_input)
    except InvalidSignature as error:
        raise InvalidToken("The signature does not match.") from error
    return header, payload
