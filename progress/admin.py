from django.contrib import admin

from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    Invitation,
    MilestoneAchievement,
    Nudge,
    Pause,
    Submission,
)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "starts_on", "length_days", "archived_at"]
    list_filter = ["organisation", "archived_at"]
    search_fields = ["name", "organisation__name"]
    filter_horizontal = ["trainers"]


class PauseInline(admin.TabularInline):
    model = Pause
    extra = 0
    raw_id_fields = ["created_by"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "cohort", "started_at", "length_days", "status"]
    list_filter = ["status", "cohort__organisation", "cohort"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user", "cohort"]
    inlines = [PauseInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Until a cohort has a trainer, staff can accept or return work here."""

    list_display = ["enrolment", "activity", "status", "created_at", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["enrolment__user__email", "activity__title"]
    raw_id_fields = ["enrolment", "activity", "reviewed_by"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "activity", "completed_at"]
    search_fields = ["enrolment__user__email", "activity__title"]
    raw_id_fields = ["enrolment", "activity"]


@admin.register(MilestoneAchievement)
class MilestoneAchievementAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "milestone", "achieved_at", "on_time"]
    list_filter = ["milestone", "on_time"]
    raw_id_fields = ["enrolment"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "status", "sent_at", "send_count"]
    list_filter = ["status", "cohort__organisation"]
    search_fields = ["email", "cohort__name"]
    raw_id_fields = ["cohort", "created_by", "accepted_by"]


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin):
    """The nudge log: what was planned, held, skipped or sent, and why."""

    list_display = ["recipient", "rule", "period", "status", "email", "not_before", "sent_at"]
    list_filter = ["rule", "status", "email"]
    search_fields = ["recipient__email", "subject"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient", "enrolment", "submission"]
    readonly_fields = ["created_at", "claimed_at", "sent_at", "attempts", "last_error"]

    # A record of what happened: its once-only key is what stops a second
    # e-mail, so nobody edits, adds or deletes a row by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
