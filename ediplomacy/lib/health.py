"""The /healthz probe: 200 when the site can serve, 503 when a dependency is down.

Anyone may ask whether the site is up; which dependency is down is told only
to a probe on the same machine or one that sends the HEALTHZ_TOKEN.
"""

import hmac
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "down"
    return "ok"


def redis_state() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return "down"
    finally:
        client.close()
    return "ok"


def _from_this_machine(request) -> bool:
    """A probe on the loopback interface, not a request a proxy on this
    machine forwarded on someone's behalf."""
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _carries_the_token(request) -> bool:
    token = settings.HEALTHZ_TOKEN
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(sent.encode(), token.encode())


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_state(), "redis": redis_state()}
    healthy = all(state in {"ok", "disabled"} for state in checks.values())
    status = 200 if healthy else 503
    if _from_this_machine(request) or _carries_the_token(request):
        return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=status)
    return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=status)


class HealthzMiddleware:
    """Answers /healthz before the session, the user or the locale are read:
    with the database down a probe gets its 503 (and the states, if it may
    see them), whatever cookies it carries. Placed right after the security
    headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
