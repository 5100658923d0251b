from django.utils.functional import SimpleLazyObject

from accounts.access import user_roles


def roles(request):
    # Lazy: a page that never shows role-dependent navigation pays no query;
    # a view that already read them (request.roles) pays none again.
    return {
        "roles": SimpleLazyObject(
            lambda: getattr(request, "roles", None) or user_roles(request.user)
        )
    }
