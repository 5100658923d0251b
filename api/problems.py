"""Errors as problem details (RFC 9457, `application/problem+json`), for
every error the API gives: validation, 401, 403, 404, 405, 429, and a URL
under /api/ that names nothing."""

from http import HTTPStatus

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_TYPE = "application/problem+json"


def problem(status_code: int, detail: str, *, code: str = "", **extra) -> dict:
    """The problem's type is `about:blank` (RFC 9457, 4.2.1): the status says
    what went wrong; `code` names the case for programs (docs/api.md lists them)."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "code": code or "error",
        **extra,
    }


def _flatten(errors, prefix: str = "") -> list[dict]:
    """DRF's nested field errors as a flat list of {field, message}."""
    found = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = key if key != "non_field_errors" else ""
            found += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list):
                found += _flatten(value, f"{prefix}[{index}]")
            else:
                found.append({"field": prefix, "message": str(value)})
    else:
        found.append({"field": prefix, "message": str(errors)})
    return found


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nothing of this organisation is found here."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler logs it
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            response.status_code,
            _("The request has errors."),
            code="validation",
            errors=_flatten(response.data),
        )
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = problem(response.status_code, str(detail), code=getattr(exc, "default_code", ""))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait + 0.999)
    request = context.get("request")
    if request is not None:
        body["instance"] = request.get_full_path()
    response.data = body
    response.content_type = PROBLEM_TYPE
    return response


def not_found(request, *args, **kwargs):
    """Any URL under /api/ that names nothing."""
    body = problem(
        status.HTTP_404_NOT_FOUND, _("There is no such address in the API."), code="not_found"
    )
    body["instance"] = request.get_full_path()
    return JsonResponse(body, status=404, content_type=PROBLEM_TYPE)
