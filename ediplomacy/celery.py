import os
from pathlib import Path

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ediplomacy.settings")

app = Celery("ediplomacy")
# Every CELERY_* Django setting becomes the matching lower-case Celery option.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _embedded_broker_folders(sender, source, **kwargs):
    # kombu's filesystem transport expects its folders to exist. Every process
    # on the embedded broker (`make run`'s web server, worker and beat) makes
    # them the first time it reads the configuration, whichever starts first.
    if not source.broker_url.startswith("filesystem://"):
        return
    options = source.broker_transport_options
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)


@signals.worker_init.connect
@signals.beat_init.connect
def _require_secret_key(**kwargs):
    # Workers sign invitation and unsubscribe links: no key, no start.
    from ediplomacy.lib.env import require_secret_key

    require_secret_key()
