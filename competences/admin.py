from django.contrib import admin

from competences.models import Competence, Outcome, Standing
from ediplomacy.lib.translations import SourceTextAdmin


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    # Written by load_curriculum from the overlays.
    exclude = ["translations"]


@admin.register(Competence)
class CompetenceAdmin(SourceTextAdmin, admin.ModelAdmin):
    list_display = ["order", "name", "tagline"]
    inlines = [OutcomeInline]
    # Written by load_curriculum from the overlays.
    exclude = ["translations"]


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    list_display = ["user", "competence", "state", "share_done", "demonstrated_at"]
    list_filter = ["competence", "state"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
