"""Reads the EMAIL_URL setting into Django's e-mail settings.

smtp://user:password@host:587/?tls=1   SMTP (STARTTLS with tls=1, SSL with ssl=1)
console:                               print messages to standard output
file:///path/to/folder                 write each message to a file there
locmem:                                keep messages in memory (tests)
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_FLAGS = {"1", "true", "yes", "on"}


def email_settings(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder path.")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if scheme in {"smtp", "smtps"}:
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        use_ssl = scheme == "smtps" or query.get("ssl") in _FLAGS
        use_tls = query.get("tls") in _FLAGS
        if use_ssl and use_tls:
            raise ImproperlyConfigured("EMAIL_URL cannot ask for both ssl and tls.")
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL smtp:// needs a host.")
        try:
            port = parts.port or (465 if use_ssl else 25)
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL has an invalid port.") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
            "EMAIL_TIMEOUT": 10,
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {scheme!r} is not supported: use smtp, smtps, console, file or locmem."
    )
