"""The platform's Ed25519 signing keys, read from CREDENTIALS_SIGNING_KEYS.

The setting is a list of `kid=base64` entries, each the 32-byte private seed
of one key. The first key signs new credentials and status lists; every key
listed still verifies, so a rotation puts the new key first and keeps the old
ones after it for as long as credentials signed with them should verify.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from credentials.jose import b64url

KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def jwk(self) -> dict:
        """The public half as a JSON Web Key (RFC 8037)."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(self.public_raw),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }


def _decode_seed(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return b""


def parse_keys(entries: list[str] | tuple[str, ...]) -> tuple[SigningKey, ...]:
    """The keys of the setting; refuses, without echoing key material, a bad entry."""
    keys = []
    seen = set()
    for position, entry in enumerate(entries, start=1):
        kid, sep, encoded = entry.partition("=")
        kid = kid.strip()
        if not sep or not KEY_ID.match(kid):
            raise ImproperlyConfigured(
                f"CREDENTIALS_SIGNING_KEYS entry {position} must read kid=base64-key, "
                "the kid made of letters, digits, '.', '_' or '-'."
            )
        seed = _decode_seed(encoded.strip())
        if len(seed) != 32:
            raise ImproperlyConfigured(
                f"CREDENTIALS_SIGNING_KEYS key {kid!r} must be 32 bytes in base64 "
                "(an Ed25519 private key; `manage.py credentials_key` makes one)."
            )
        if kid in seen:
            raise ImproperlyConfigured(f"CREDENTIALS_SIGNING_KEYS names {kid!r} twice.")
        seen.add(kid)
        keys.append(SigningKey(kid, Ed25519PrivateKey.from_private_bytes(seed)))
    return tuple(keys)


@functools.cache
def _parsed(entries: tuple[str, ...]) -> tuple[SigningKey, ...]:
    return parse_keys(entries)


def signing_keys() -> tuple[SigningKey, ...]:
    """Every configured key, the signing one first."""
    return _parsed(tuple(settings.CREDENTIALS_SIGNING_KEYS))


def active_key() -> SigningKey:
    keys = signing_keys()
    if not keys:
        raise ImproperlyConfigured(
            "CREDENTIALS_SIGNING_KEYS must be set when DEBUG is off: credentials cannot be signed."
        )
    return keys[0]


def verification_keys() -> dict[str, SigningKey]:
    return {key.kid: key for key in signing_keys()}


def new_key_entry(kid: str) -> str:
    """A fresh `kid=base64` entry for the setting."""
    if not KEY_ID.match(kid):
        raise ValueError("A key id is letters, digits, '.', '_' or '-'.")
    return f"{kid}={base64.b64encode(secrets.token_bytes(32)).decode()}"
