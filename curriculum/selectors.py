from django.db.models import Prefetch

from curriculum.models import Activity, Module, Programme, Stage

DEFAULT_PROGRAMME_SLUG = "digital-diplomacy"


def programme_default() -> Programme | None:
    return (
        Programme.objects.filter(slug=DEFAULT_PROGRAMME_SLUG).first() or Programme.objects.first()
    )


def programme_outline(programme: Programme) -> list[Stage]:
    """Stages in order, each with its live modules and their live activities.

    Three queries whatever the amount of content: stages (with their
    competence), modules, activities. Activity bodies are left out.
    """
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
