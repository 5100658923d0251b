from django.utils.functional import SimpleLazyObject

from accounts.selectors import user_roles


def roles(request):
    # Lazy: a page that never shows role-dependent navigation pays no query.
    return {"roles": SimpleLazyObject(lambda: user_roles(request.user))}
