from django.urls import path

from progress.views import (
    dashboard,
    invitations,
    notifications,
    privacy,
    study,
    trainer,
)

app_name = "progress"
urlpatterns = [
    path("cohorts/", trainer.cohort_list, name="cohorts"),
    path("cohorts/new/", trainer.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_id>/", trainer.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/edit/", trainer.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:cohort_id>/archive/", trainer.cohort_archive, name="cohort_archive"),
    path(
        "cohorts/<int:cohort_id>/learners/add/",
        trainer.cohort_add_learners,
        name="cohort_add_learners",
    ),
    path(
        "cohorts/<int:cohort_id>/invitations/",
        trainer.cohort_invitations,
        name="cohort_invitations",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/<int:enrolment_id>/",
        trainer.learner_detail,
        name="cohort_learner",
    ),
    path("reviews/", trainer.review_list, name="reviews"),
    path("reviews/<int:submission_id>/", trainer.review_detail, name="review"),
    path("trainer-guide/", trainer.trainer_guide, name="trainer_guide"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/preferences/", notifications.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    path("profile/data/", privacy.data_export, name="data_export"),
    path("profile/delete/", privacy.delete_account, name="delete_account"),
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
