from django.urls import path

from discussions import peer_views, views

app_name = "discussions"
urlpatterns = [
    path("discussions/", views.mine, name="mine"),
    path("discussions/commons/", views.commons, name="commons"),
    path("discussions/cohorts/<int:cohort_id>/", views.cohort, name="cohort"),
    path("discussions/readings/<int:activity_id>/start/", views.start, name="start"),
    path("discussions/threads/<int:thread_id>/", views.thread, name="thread"),
    path(
        "discussions/threads/<int:thread_id>/moderate/",
        views.thread_moderate,
        name="thread_moderate",
    ),
    path("discussions/posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("discussions/posts/<int:post_id>/remove/", views.post_remove, name="post_remove"),
    path("discussions/posts/<int:post_id>/report/", views.post_report, name="post_report"),
    path("discussions/posts/<int:post_id>/moderate/", views.post_moderate, name="post_moderate"),
    path("discussions/moderation/", views.moderation, name="moderation"),
    path("peer-review/tasks/<int:activity_id>/", peer_views.peer_review, name="peer_review"),
    path(
        "peer-review/reviews/<int:review_id>/",
        peer_views.peer_review_give,
        name="peer_review_give",
    ),
    path("organisation/<slug:slug>/discussions/", views.commons_setting, name="commons_setting"),
]
