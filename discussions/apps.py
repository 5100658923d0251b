from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self):
        from discussions import notifications, receivers  # noqa: F401
        from discussions.margins import reading_margin
        from progress.margins import margin_register

        # The reading page belongs to progress; the threads in its margins
        # are this app's, so progress asks here through its registry.
        margin_register(reading_margin)
        # Replies and mentions go through progress's nudges, which ask here
        # what they say.
        notifications.register()
        # Peer review shows on the practice task's page and the trainer's review.
        from discussions.peer_views import cohort_panel, practice_panel, review_panel
        from progress.panels import panel_register

        panel_register("practice", practice_panel)
        panel_register("review", review_panel)
        panel_register("cohort", cohort_panel)
        # A person's data export holds what they wrote here.
        from discussions.selectors import personal_discussions
        from progress.services.privacy import export_register

        export_register("discussions", personal_discussions)
        # The completion report shows each learner's part in peer review.
        from discussions.selectors import peer_review_counts, peer_review_totals
        from reports.columns import LearnerColumn, learner_columns_register

        learner_columns_register(
            columns=[
                LearnerColumn(
                    "peer_reviews_allocated",
                    pgettext_lazy("report column", "Peer reviews allocated"),
                ),
                LearnerColumn(
                    "peer_reviews_given", pgettext_lazy("report column", "Peer reviews given")
                ),
                LearnerColumn(
                    "peer_reviews_received",
                    pgettext_lazy("report column", "Peer reviews received"),
                ),
            ],
            values=peer_review_counts,
            totals=peer_review_totals,
        )
