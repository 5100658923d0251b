"""The /healthz probe: the state of each dependency, 503 when one is down."""

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


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_state(), "redis": redis_state()}
    healthy = all(state in {"ok", "disabled"} for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks},
        status=200 if healthy else 503,
    )


class HealthzMiddleware:
    """Answers /healthz before the session, the user or the locale are read:
    with the database down a probe gets its 503 and the states, whatever
    cookies it carries. Placed right after the security headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
