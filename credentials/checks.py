"""System checks: a bad signing key stops the start; a missing one fails `check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from credentials.keys import parse_keys


@register(Tags.security)
def signing_keys_parse(app_configs, **kwargs):
    try:
        parse_keys(settings.CREDENTIALS_SIGNING_KEYS)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="credentials.E001")]
    return []


@register(Tags.security, deploy=True)
def signing_key_set(app_configs, **kwargs):
    if settings.CREDENTIALS_SIGNING_KEYS:
        return []
    return [
        Error(
            "CREDENTIALS_SIGNING_KEYS is not set: no credential can be issued and the "
            "revocation list cannot be served.",
            hint="Run `manage.py credentials_key` and put its output in the environment.",
            id="credentials.E002",
        )
    ]
