import datetime

from django import template
from django.utils import timezone
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
