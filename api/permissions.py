from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class TokenScope(permissions.BasePermission):
    """A token reads; a read-write token also writes."""

    message = _("This token is read-only: writing needs a read-write token.")

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            return False
        return request.method in permissions.SAFE_METHODS or token.can_write
