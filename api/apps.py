from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"

    def ready(self):
        # Hears of milestones, completions and withdrawals from `progress`,
        # which never names this app.
        from api import receivers  # noqa: F401
