from django.urls import path

from sandbox import views

app_name = "sandbox"

urlpatterns = [
    path("sandbox/", views.scenarios, name="scenarios"),
    path("sandbox/start/", views.start, name="start"),
    path("sandbox/runs/<int:run_id>/", views.run, name="run"),
    path("sandbox/runs/<int:run_id>/status/", views.status, name="status"),
    path("sandbox/runs/<int:run_id>/feed/", views.feed, name="feed"),
    path("sandbox/runs/<int:run_id>/act/", views.act, name="act"),
    path("sandbox/runs/<int:run_id>/clock/", views.clock, name="clock"),
    path("sandbox/runs/<int:run_id>/submit/", views.submit, name="submit"),
    path("sandbox/runs/<int:run_id>/debrief/", views.debrief, name="debrief"),
    path("sandbox/runs/<int:run_id>/clearance/", views.clearance, name="clearance"),
    path("cohorts/<int:cohort_id>/sandbox/", views.cohort_live, name="cohort_live"),
    path("cohorts/<int:cohort_id>/sandbox/<slug:slug>/", views.cohort_board, name="cohort_board"),
    path("sandbox/live/<int:live_id>/", views.live, name="live"),
    path("sandbox/live/<int:live_id>/board/", views.live_board, name="live_board"),
    path("sandbox/live/<int:live_id>/clock/", views.live_clock, name="live_clock"),
    path("sandbox/live/<int:live_id>/join/", views.live_join, name="live_join"),
]
