from django.urls import path

from sso import oidc, views

app_name = "sso"
urlpatterns = [
    path("organisation/<slug:slug>/sign-in/", views.configure, name="configure"),
    path("accounts/sso/", views.discover, name="discover"),
    path("accounts/sso/start/", views.start, name="start"),
]

# Answers on allauth's own callback URL (it comes first in the root URLs):
# the same redirect URI, with the ID token's signature checked.
oidc_callback = path(
    "accounts/oidc/<str:provider_id>/login/callback/",
    oidc.callback,
    name="openid_connect_callback",
)
