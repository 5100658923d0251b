import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.cache import has_vary_header, patch_cache_control
from django.utils.translation import gettext as _


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header from settings.

    The site ships no inline script or style, so the policy allows only this
    origin; a page that needs more says so in `response["Content-Security-Policy"]`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class PrivateCacheMiddleware:
    """Keeps pages about a person out of shared caches and off the browser's disk.

    A response is personal when it was made for a signed-in person, depends on
    the cookies (the session or the CSRF token were read: Django then varies it
    on Cookie) or sets one. Such a response gets `Cache-Control: private,
    no-store`, merged into what the view set, so a stricter header stays and a
    `public` one is dropped. Placed after whitenoise and /healthz, which answer
    first: static files and the probe keep their own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _personal(request, response) -> bool:
        if response.cookies or has_vary_header(response, "Cookie"):
            return True
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without a request.

    The last-seen time is written at most once a minute, so an active session
    costs no session write per request.
    """

    KEY = "last_seen"
    RESOLUTION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            elif last_seen is None or now - last_seen >= self.RESOLUTION:
                request.session[self.KEY] = now
        return self.get_response(request)
