from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from sso import services
from sso.models import IdentityProvider, OrganisationDomain


@admin.register(OrganisationDomain)
class OrganisationDomainAdmin(admin.ModelAdmin):
    """Where a platform administrator finds the domains waiting for a check."""

    list_display = ["domain", "organisation", "verified_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["domain", "organisation__name"]
    readonly_fields = ["verified_at", "verified_by", "created_at"]
    autocomplete_fields = ["organisation"]
    actions = ["verify"]

    @admin.action(description=_("Verify the chosen domains"))
    def verify(self, request, queryset):
        for domain in queryset.filter(verified_at__isnull=True).select_related("organisation"):
            try:
                services.domain_verify(domain=domain, by=request.user)
            except services.DomainTaken:
                self.message_user(
                    request,
                    _("%(domain)s is verified for another organisation already.")
                    % {"domain": domain.domain},
                    messages.ERROR,
                )


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """Read here; set on the organisation's sign-in page, which seals the secret."""

    list_display = ["organisation", "protocol", "sso_required", "updated_at"]
    list_filter = ["protocol", "sso_required"]
    readonly_fields = ["organisation", "protocol", "app", "updated_at"]
    fields = [*readonly_fields, "group_claim", "trainer_groups", "admin_groups", "sso_required"]

    def has_add_permission(self, request):
        return False
