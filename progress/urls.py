from django.urls import path

from progress.views import dashboard, study

app_name = "progress"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/pause/", dashboard.pause, name="pause"),
    path("dashboard/resume/", dashboard.resume, name="resume"),
    path("programme/", study.programme, name="programme"),
    path("programme/start/", study.enrol, name="enrol"),
    path("programme/continue/", study.continue_, name="continue"),
    path("programme/<slug:stage_slug>/<slug:module_slug>/", study.module, name="module"),
    path(
        "programme/<slug:stage_slug>/<slug:module_slug>/<slug:activity_slug>/",
        study.activity,
        name="activity",
    ),
    path(
        "programme/<slug:stage_slug>/<slug:module_slug>/<slug:activity_slug>/attempts/<int:attempt_id>/",
        study.quiz_result,
        name="quiz_result",
    ),
]
