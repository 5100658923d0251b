from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("organisation/<slug:slug>/api/tokens/", views.tokens, name="tokens"),
    path(
        "organisation/<slug:slug>/api/tokens/<str:token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    path("organisation/<slug:slug>/api/webhooks/", views.webhooks, name="webhooks"),
    path(
        "organisation/<slug:slug>/api/webhooks/<str:endpoint_id>/disable/",
        views.webhook_disable,
        name="webhook_disable",
    ),
    path("organisation/<slug:slug>/api/deliveries/", views.deliveries, name="deliveries"),
]
