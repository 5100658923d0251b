import datetime
import re

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import gettext

from progress.models import Enrolment
from progress.timemodel import PACE_LABELS, Pace

register = template.Library()


@register.filter
def pace_label(value: str) -> str:
    """A stored pace or milestone state, as a person reads it."""
    try:
        return capfirst(PACE_LABELS[Pace(value)])
    except ValueError:
        return "—"


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """How long ago a moment was: "just now" under a minute (Django's
    `timesince` would say "0 minutes"), else "3 hours ago"."""
    if not value:
        return ""
    if timezone.now() - value < datetime.timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(duration)s ago") % {"duration": timesince(value)}


@register.filter
def enrolment_status(value: str) -> str:
    """A stored enrolment status ("paused"), as a person reads it."""
    try:
        return Enrolment.Status(value).label
    except ValueError:
        return value


@register.filter
def site_links(line: str) -> SafeString:
    """A notification's line, escaped, with the addresses of this site (a
    post, a review page) made links. Anything else a person wrote stays text:
    a learner's words never become a link in someone's e-mail."""
    # A sentence's closing full stop or bracket is not part of the address.
    own = re.escape(escape(settings.SITE_URL)) + r"/(?:[^\s<>\"']*[^\s<>\"'.,;:!?)])?"
    escaped = escape(line)
    # Each address is part of the escaped text: put back as is, inside an anchor.
    return mark_safe(re.sub(own, lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))
