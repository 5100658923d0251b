"""What drf-spectacular cannot see: every operation's error answers, as
problem details (RFC 9457)."""

PROBLEM = {
    "type": "object",
    "description": "Problem details (RFC 9457).",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
        "retry_after": {"type": "integer"},
    },
    "required": ["type", "title", "status", "detail", "code"],
}
ERRORS = {
    "400": "The request has errors (validation).",
    "401": "No token, or one that is not valid (unknown or revoked).",
    "403": "The token may not do this (a read-only token writing).",
    "404": "Nothing of this organisation is found here.",
    "405": "This address does not take this method.",
    "409": "The change cannot be made as things stand (e.g. a learner already withdrawn).",
    "406": "The response cannot be given in the media type asked for.",
    "415": "The request's body is not JSON.",
    "429": "Too many requests for this token: wait `retry_after` seconds.",
}


def problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in ("400", "415") and method == "get" and not operation.get("parameters"):
                    continue
                if code == "409" and method == "get":
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result
