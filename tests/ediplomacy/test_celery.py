from django.conf import settings

from ediplomacy.celery import app


def test_time_limits_and_late_acks_reach_celery():
    # A misspelt CELERY_* setting is silently ignored by Celery; this proves
    # the ones we rely on really arrive in its configuration.
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_celery_speaks_json_only():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"


def test_celery_uses_redis_when_configured_and_runs_eagerly_otherwise():
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
        assert app.conf.task_always_eager is False
    else:
        assert app.conf.task_always_eager is True


def test_no_setting_in_the_celery_namespace_is_unknown_to_celery():
    from celery.app.defaults import NAMESPACES, flatten

    options = {name.upper() for name, _ in flatten(NAMESPACES)}
    ours = {name.removeprefix("CELERY_") for name in dir(settings) if name.startswith("CELERY_")}
    assert ours <= options, f"unknown to Celery: {sorted(ours - options)}"
