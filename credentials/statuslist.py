"""Bitstring Status List (W3C): one bit per credential, set when it is revoked.

Index 0 is the most significant bit of the first byte. The list is GZIP
compressed and multibase-encoded (base64url, prefix "u"). It is never shorter
than 131,072 bits (16 KB), the size the specification asks for so that one
credential's bit hides among many.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable

from credentials.jose import b64url, b64url_decode

MIN_LENGTH = 131_072


def length_for(highest_index: int | None) -> int:
    """The smallest whole number of 131,072-bit blocks that holds `highest_index`."""
    if highest_index is None:
        return MIN_LENGTH
    return (highest_index // MIN_LENGTH + 1) * MIN_LENGTH


def encode(revoked: Iterable[int], length: int) -> str:
    bits = bytearray(length // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("The list must be multibase base64url (prefix 'u').")
    return gzip.decompress(b64url_decode(encoded[1:]))


def is_set(bitstring: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bitstring):
        raise IndexError("The index lies outside the status list.")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
