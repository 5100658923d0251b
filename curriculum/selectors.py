from django.db.models import Prefetch

from curriculum.models import Activity, Module, Programme, Stage
from ediplomacy.lib.translations import content_language

DEFAULT_PROGRAMME_SLUG = "digital-diplomacy"


def programme_default() -> Programme | None:
    return (
        Programme.objects.filter(slug=DEFAULT_PROGRAMME_SLUG).first() or Programme.objects.first()
    )


# Per process: (programme pk, content language) -> ((content digest, loaded at), stages).
_OUTLINES: dict[tuple[int, str | None], tuple[tuple, list[Stage]]] = {}


def programme_outline(programme: Programme) -> list[Stage]:
    """Stages in order, each with its live modules and their live activities.

    Built once per process and version of the content: `load_curriculum`
    changes `content_digest` and `loaded_at` whenever it changes the content,
    so the key is never stale, and the programme row is read on every request
    anyway. Callers only read the outline, so the instances are shared across
    a worker's threads. Building it takes three queries whatever the amount of
    content (stages with their competence, modules, activities), activity
    bodies left out. The rows speak the active language, so there is one
    outline per language.
    """
    version = (programme.content_digest, programme.loaded_at)
    key = (programme.pk, content_language())
    memo = _OUTLINES.get(key)
    if memo is None or memo[0] != version:
        memo = _OUTLINES[key] = (version, _outline_build(programme))
    return memo[1]


def programme_outline_forget() -> None:
    """Drops the memo, for code that changes content rows without the loader."""
    _OUTLINES.clear()


def _outline_build(programme: Programme) -> list[Stage]:
    activities = Activity.objects.filter(retired_at__isnull=True).defer(
        "body", "body_html", "config"
    )
    modules = Module.objects.filter(retired_at__isnull=True).prefetch_related(
        Prefetch("activities", queryset=activities)
    )
    return list(
        Stage.objects.filter(programme=programme, retired_at__isnull=True)
        .select_related("competence")
        .prefetch_related(Prefetch("modules", queryset=modules))
    )
