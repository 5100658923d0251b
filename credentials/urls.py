from django.urls import path

from credentials import views

app_name = "credentials"
urlpatterns = [
    path("credentials/", views.mine, name="mine"),
    path("credentials/<str:public_id>/share/", views.share, name="share"),
    path("credentials/<str:public_id>/credential.json", views.download_json, name="download_json"),
    path("credentials/<str:public_id>/credential.jwt", views.download_jwt, name="download_jwt"),
    path("credentials/<str:public_id>/badge.svg", views.badge_svg, name="badge_svg"),
    path("credentials/<str:public_id>/badge.png", views.badge_png, name="badge_png"),
    path("credentials/<str:public_id>/certificate.pdf", views.certificate, name="certificate"),
    path("credentials/<str:public_id>/revoke/", views.revoke, name="revoke"),
    path("credentials/cohorts/<int:cohort_id>/", views.cohort, name="cohort"),
    path("organisation/<slug:slug>/credentials/", views.policy, name="policy"),
    # Public: what an outsider needs to verify a credential.
    path("verify/<str:public_id>/", views.verify, name="verify"),
    path("verify/<str:public_id>/credential.jwt", views.public_jwt, name="public_jwt"),
    path("credentials-status/revocation", views.status_list, name="status_list"),
    path("credentials-issuer", views.issuer, name="issuer"),
    path("competence-framework/", views.framework, name="framework"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
