"""The identity providers' client secrets, encrypted at rest.

allauth keeps a `SocialApp.secret` in clear; we store it as Fernet ciphertext
under a key derived from `SECRET_KEY`, and decrypt it only in memory, when
allauth asks for the app (`sso.adapters.SocialAccountAdapter.list_apps`).
A rotated `SECRET_KEY` keeps working while the old one is in
`SECRET_KEY_FALLBACKS`; the next save re-encrypts under the new key.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "fernet:"


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"sso-secret:{key}".encode()).digest()))
            for key in keys
        ]
    )


def secret_seal(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + _fernet().encrypt(plain.encode()).decode()


def secret_open(stored: str) -> str:
    """The clear secret; an unsealed value (set in the admin) passes through."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        # The key that sealed it is gone: the provider will refuse us, and the
        # organisation's administrator enters the secret again.
        return ""
