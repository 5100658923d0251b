"""E-mails as subject / text / HTML template triplets."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(
    prefix: str,
    context: dict,
    to: list[str],
    headers: dict[str, str] | None = None,
    *,
    language: str | None = None,
) -> None:
    """Renders `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`, and sends them,
    in `language` (the recipient's) when given, else in the language active now."""
    if language is not None:
        with translation.override(language):
            return send_templated(prefix, context, to, headers)
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{prefix}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"{prefix}.html", context), "text/html")
    message.send()
