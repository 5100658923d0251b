import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


class UserTimeZoneMiddleware:
    """Shows dates and times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def accepted_languages(header: str) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def supported(language: str | None) -> str | None:
    """The language switched on that serves `language` (fr-CA: fr; zh-CN: zh-hans), or None."""
    if not language:
        return None
    try:
        return translation.get_supported_language_variant(language)
    except LookupError:
        return None


def request_language(request) -> str:
    """The language a page speaks to this request.

    The signed-in person's own choice wins; then a choice made with the
    switcher (a cookie, kept across log-in); then the browser's
    Accept-Language; then the default of the person's organisation; then
    English.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if signed_in and (language := supported(user.language)):
        return language
    if language := supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        return language
    for tag in accepted_languages(request.headers.get("Accept-Language", "")):
        if language := supported(tag):
            return language
    if signed_in and (language := supported(organisation_language(user))):
        return language
    return settings.LANGUAGE_CODE


# How long a person's organisation language is remembered between requests (a
# change of the default forgets it at once for the organisation's members; a
# new membership counts within this time).
ORGANISATION_LANGUAGE_SECONDS = 300


def organisation_language_key(user_id: int) -> str:
    return f"organisation-language:{user_id}"


def organisation_language(user) -> str:
    """The user's organisation's default language, from the cache when it can."""
    return cache.get_or_set(
        organisation_language_key(user.pk),
        lambda: user.organisation_language() or "",
        ORGANISATION_LANGUAGE_SECONDS,
    )


class UserLanguageMiddleware:
    """Speaks each person's language (`request_language`) for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
