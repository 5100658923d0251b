from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ediplomacy.lib.health import healthz

# The admin's log-in goes through allauth, so its rate limits protect it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("ediplomacy administration")
admin.site.site_title = "ediplomacy"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # set_language: the footer's switcher for visitors who are not signed in.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("progress.urls")),
    path("", include("reports.urls")),
    path("", include("curriculum.urls")),
    path("", include("credentials.urls")),
]
