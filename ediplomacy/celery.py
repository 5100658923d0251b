import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ediplomacy.settings")

app = Celery("ediplomacy")
# Every CELERY_* Django setting becomes the matching lower-case Celery option.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _require_secret_key(**kwargs):
    # Workers sign invitation and unsubscribe links: no key, no start.
    from ediplomacy.lib.env import require_secret_key

    require_secret_key()
