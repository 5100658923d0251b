from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    """`API_RATE_LIMIT` requests per token, counted in the cache (Redis)."""

    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None  # refused anyway, before any work
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
