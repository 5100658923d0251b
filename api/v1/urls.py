"""/api/: the versioned API, its OpenAPI schema and its documentation. Any
other address under /api/ answers a problem (404), never an HTML page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from api.problems import not_found
from api.v1 import views
from api.v1.docs import docs

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")
router.register("cohorts", views.CohortViewSet, basename="cohort")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("completions", views.CompletionViewSet, basename="completion")

app_name = "apiv1"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/report/", views.ReportView.as_view(), name="report"),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="schema",
    ),
    path("docs/", docs, name="docs"),
    re_path(r"^", not_found, name="not_found"),
]
