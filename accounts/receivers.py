from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from accounts.middleware import supported


@receiver(user_logged_in)
def speak_the_persons_language(sender, request, user, **kwargs):
    """From the moment of log-in, the request speaks the person's own language,
    so the welcome message after the form is already theirs."""
    if request is not None and (language := supported(user.language)):
        translation.activate(language)
        request.LANGUAGE_CODE = language
