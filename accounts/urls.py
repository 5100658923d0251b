from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("organisation/", views.organisations, name="organisations"),
    path("organisation/<slug:slug>/people/", views.people, name="people"),
    path("organisation/<slug:slug>/audit/", views.audit, name="audit"),
    path("organisation/invitation/<str:token>/", views.invitation, name="invitation"),
]
