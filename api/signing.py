"""The signature on each webhook request, and how a receiver checks it.

`Ediplomacy-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the HMAC of
`"<t>.<body>"` under the endpoint's secret. The timestamp is signed with the
body, so a receiver that refuses old timestamps cannot be replayed to.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "Ediplomacy-Signature"
# How old a signed request a receiver should still accept.
TOLERANCE_SECONDS = 300


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    *, secret: str, body: bytes, header: str, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does (docs/api.md shows the same in a few lines)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)
