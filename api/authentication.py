"""`Authorization: Bearer <token>`: the token, its organisation and its reach."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import access
from api import services
from api.models import token_hash


class TokenAuthentication(authentication.BaseAuthentication):
    """Finds the live token for the key; a revoked or unknown key is refused
    (401) with the same words, so a caller learns nothing about which it was.

    `request.user` is the administrator who issued the token (writes are made
    and audited in their name, with the token's); `request.auth` is the token,
    and `request.auth.roles` what it may see (`access.api_roles`).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give one token after “Bearer”."))
        token = access.api_token_for_key(key_hash=token_hash(header[1]))
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        token.roles = access.api_roles(organisation_id=token.organisation_id)
        services.api_token_touch(token=token, now=timezone.now())
        return token.created_by, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token of your organisation (Organisation, then API tokens).",
        }
