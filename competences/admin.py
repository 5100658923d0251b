from django.contrib import admin

from competences.models import Competence, Outcome, Standing


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "tagline"]
    inlines = [OutcomeInline]


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    list_display = ["user", "competence", "state", "share_done", "demonstrated_at"]
    list_filter = ["competence", "state"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
