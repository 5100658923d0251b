from django import template

from progress.timemodel import PACE_LABELS, Pace

register = template.Library()


@register.filter
def pace_label(value: str) -> str:
    """A stored pace or milestone state, as a person reads it."""
    try:
        return PACE_LABELS[Pace(value)].capitalize()
    except ValueError:
        return "—"
