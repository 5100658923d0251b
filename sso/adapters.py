"""allauth's adapters with single sign-on in them.

`AccountAdapter` refuses a password (log-in, sign-up, reset) to an address
whose organisation requires single sign-on. `SocialAccountAdapter` opens the
encrypted client secrets, trusts an identity provider only for its own
organisation's verified domains, and names the person from its claims.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.adapters import AccountAdapter as BaseAccountAdapter
from sso import selectors
from sso.vault import secret_open


def saml_signing(app_settings: dict) -> dict:
    """A SAML app's settings with the site's key pair (never stored with the
    app): its log-in requests signed, its metadata naming the certificate."""
    return {
        **app_settings,
        "advanced": {
            **app_settings.get("advanced", {}),
            "x509cert": settings.SAML_SP_CERTIFICATE,
            "private_key": settings.SAML_SP_PRIVATE_KEY,
            "authn_request_signed": True,
        },
    }


def sso_required_message() -> str:
    return _(
        "Your organisation signs you in through its own log-in service: "
        "enter your e-mail address and choose “Continue with single sign-on”."
    )


class AccountAdapter(BaseAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        email = credentials.get("email") or credentials.get("username") or ""
        if selectors.sso_required_for_email(email=email):
            raise ValidationError(sso_required_message(), code="sso_required")

    def clean_email(self, email: str) -> str:
        # Sign-up, password reset and adding an address all pass here.
        email = super().clean_email(email)
        if selectors.sso_required_for_email(email=email):
            raise ValidationError(sso_required_message(), code="sso_required")
        return email


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        for app in apps:
            app.secret = secret_open(app.secret)
            if app.provider == "saml" and settings.SAML_SP_PRIVATE_KEY:
                app.settings = saml_signing(app.settings)
        return apps

    def _speaks_for(self, app, email: str) -> bool:
        provider = selectors.identity_provider_of_app(app_id=getattr(app, "pk", None))
        return provider is not None and selectors.provider_speaks_for(
            provider=provider, email=email
        )

    def is_email_verified(self, provider, email) -> bool:
        return self._speaks_for(provider.app, email)

    def can_authenticate_by_email(self, login, email) -> bool:
        # An existing account with the address is the same person: the
        # organisation's provider vouches for its own verified domains.
        return self._speaks_for(login.provider.app, email)

    def pre_social_login(self, request, sociallogin):
        # The address the provider asserted now, not one stored before.
        if sociallogin.email_addresses:
            email = sociallogin.email_addresses[0].email
        else:
            email = (sociallogin.user.email or "") if sociallogin.user else ""
        reason = None
        if not self._speaks_for(sociallogin.provider.app, email):
            reason = "domain"
        # Linking the provider to the account one is logged in to (allauth's
        # "connect") only for the same address: nobody ties a colleague's
        # identity to their own account.
        elif (
            sociallogin.state.get("process") == AuthProcess.CONNECT
            and request.user.email.lower() != email.lower()
        ):
            reason = "connect"
        if reason:
            raise ImmediateHttpResponse(
                render(request, "sso/refused.html", {"email": email, "reason": reason}, status=403)
            )

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.display_name = (name or "").strip()[:150]
        # As at sign-up: the interface in the language the browser asks for.
        language = translation.get_language_from_request(request)
        if language in dict(settings.LANGUAGES):
            user.language = language
        return user
