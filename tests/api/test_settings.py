from django.conf import settings

from api.tasks import deliver_due_webhooks, deliver_webhook
from tests.ediplomacy.test_settings import manage


def test_a_misspelt_rate_limit_refuses_to_start():
    done = manage("check", env={"DEBUG": "1", "API_RATE_LIMIT": "600 a minute"})

    assert done.returncode != 0
    assert "API_RATE_LIMIT must read like 600/min" in done.stderr


def test_the_sweep_is_scheduled_and_the_tasks_are_bounded():
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-due-webhooks"]
    assert entry["task"] == deliver_due_webhooks.name
    for task in (deliver_webhook, deliver_due_webhooks):
        assert task.acks_late
        assert task.soft_time_limit < task.time_limit
