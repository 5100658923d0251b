from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from accounts.middleware import supported


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up makes a self-paced trainee: a user with no organisation."""

    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data.get("display_name", "").strip()
        # A language chosen with the switcher before signing up becomes the
        # person's own; otherwise their browser keeps deciding.
        chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if chosen:
            user.language = chosen
        return super().save_user(request, user, form, commit=commit)
