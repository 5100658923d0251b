from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ediplomacy.lib.health import healthz
from sso.urls import oidc_callback

# The admin's log-in goes through allauth, so its rate limits protect it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("ediplomacy administration")
admin.site.site_title = "ediplomacy"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    oidc_callback,
    path("", include("sso.urls")),
    path("accounts/", include("allauth.urls")),
    # set_language: the footer's switcher for visitors who are not signed in.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("progress.urls")),
    path("", include("reports.urls")),
    path("", include("curriculum.urls")),
    path("", include("credentials.urls")),
    path("", include("api.urls")),
    path("api/", include("api.v1.urls")),
    path("", include("sandbox.urls")),
    path("", include("discussions.urls")),
]
