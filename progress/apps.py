from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress")

    def ready(self):
        from progress import receivers  # noqa: F401
        from progress.models import Nudge
        from progress.nudges.content import digest_register
        from progress.nudges.digests import trainer_digest

        digest_register(
            Nudge.Rule.TRAINER_DIGEST, build=trainer_digest, url_name="progress:cohorts"
        )
