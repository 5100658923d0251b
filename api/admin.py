from django.contrib import admin

from api.models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "scope", "key_start", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "organisation__name", "key_start"]
    # Tokens are made and revoked on the organisation's page, where it is audited.
    readonly_fields = [field.name for field in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organisation", "format", "created_at", "disabled_at"]
    search_fields = ["url", "organisation__name"]
    exclude = ["secret"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["attempted_at", "status_code", "error", "duration_ms"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = ["event", "endpoint", "attempts", "claimed_at", "delivered_at"]
    inlines = [AttemptInline]
