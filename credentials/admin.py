from django.contrib import admin

from credentials.models import Credential, IssuingPolicy


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["achievement_name", "user", "organisation", "issued_at", "shared", "revoked_at"]
    list_filter = ["kind", "shared"]
    search_fields = ["user__email", "achievement_name"]
    # Signed once: the admin site shows a credential, never edits it.
    readonly_fields = [field.name for field in Credential._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(IssuingPolicy)
class IssuingPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "issuer_name", "updated_at"]
