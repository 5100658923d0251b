"""`Idempotency-Key` on the API's writes: a retried request is answered as the
first one was, and writes nothing more."""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response

from api.models import IdempotentRequest

HEADER = "Idempotency-Key"
PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID) per intended change: a retry with the same key "
        "gets the first answer and changes nothing more (kept for this token)."
    ),
)


def _fingerprint(request) -> str:
    return hashlib.sha256(
        request.method.encode() + request.path.encode() + b"\n" + request.body
    ).hexdigest()


def idempotent(request, write: Callable[[], Response]) -> Response:
    """Runs `write` (which opens no transaction of its own that must commit
    apart) once per key: in one transaction with the record of its answer."""
    key = request.headers.get(HEADER, "")
    if not key:
        return write()
    if len(key) > 100:
        raise exceptions.ValidationError({HEADER: [_("At most 100 characters.")]})
    token, fingerprint = request.auth, _fingerprint(request)
    earlier = IdempotentRequest.objects.filter(token=token, key=key).first()
    if earlier is None:
        try:
            with transaction.atomic():
                response = write()
                if response.status_code >= 400:
                    return response
                IdempotentRequest.objects.create(
                    token=token,
                    key=key,
                    request_hash=fingerprint,
                    status_code=response.status_code,
                    body=response.data,
                    created_at=timezone.now(),
                )
                return response
        except IntegrityError:
            # The same key, in flight at the same moment, committed first: its
            # answer is the answer (this write was rolled back with the record).
            earlier = IdempotentRequest.objects.filter(token=token, key=key).first()
            if earlier is None:
                raise
    if earlier.request_hash != fingerprint:
        raise exceptions.ValidationError(
            {HEADER: [_("This key was used for another request: use a new key.")]}
        )
    replay = Response(earlier.body, status=earlier.status_code)
    replay["Idempotent-Replayed"] = "true"
    return replay
