from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from progress.models import Nudge
        from progress.nudges.content import digest_register
        from reports.summary import organisation_summary

        # The organisations' monthly summary is a report: progress plans and
        # delivers it, and asks this app for its content.
        digest_register(
            Nudge.Rule.ORG_SUMMARY, build=organisation_summary, url_name="reports:report"
        )
