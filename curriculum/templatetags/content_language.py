"""Marks content shown in English on a page in another language.

`{{ module|source_lang:"summary" }}` gives ` lang="en"` when the field fell
back to English (so screen readers pronounce it right), and
`{% untranslated_note activity "title" "body" %}` a short note for editors
and readers when any of the fields did. Inside a translated sentence,
`{% blocktranslate with title=activity|in_own_lang:"title" %}` gives the
field's text, wrapped in `<span lang="en">` when it fell back.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext

from ediplomacy.lib.translations import SOURCE_LANGUAGE

register = template.Library()


def _fell_back(item, fields) -> bool:
    untranslated = getattr(item, "untranslated", None)
    if untranslated is None and isinstance(item, dict):
        return bool(item.get("untranslated"))
    return any(name in (untranslated or ()) for name in fields)


@register.filter
def source_lang(item, field):
    """` lang="en"` when `item`'s `field` is shown in English for lack of a
    translation; nothing otherwise."""
    return format_html(' lang="{}"', SOURCE_LANGUAGE) if _fell_back(item, [field]) else ""


@register.filter
def in_own_lang(item, field):
    """`item`'s `field`, escaped, inside `<span lang="en">` when it is shown
    in English for lack of a translation."""
    text = getattr(item, field, "")
    if _fell_back(item, [field]):
        return format_html('<span lang="{}">{}</span>', SOURCE_LANGUAGE, text)
    return conditional_escape(text)


@register.simple_tag
def untranslated_note(item, *fields):
    if not _fell_back(item, fields):
        return ""
    return format_html(
        '<p class="untranslated-note">{}</p>', gettext("This part is not yet translated.")
    )
