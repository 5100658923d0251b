from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.report, name="report"),
    path("reports/learners.csv", views.report_csv, name="report_csv"),
    path("reports/figures.json", views.report_json, name="report_json"),
    path("reports/criteria.csv", views.report_criteria_csv, name="criteria_csv"),
]
