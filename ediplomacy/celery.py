import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ediplomacy.settings")

app = Celery("ediplomacy")
# Every CELERY_* Django setting becomes the matching lower-case Celery option.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
