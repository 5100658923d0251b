"""Queueing a Celery task once the current transaction commits."""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def queue_after_commit(task, *args) -> None:
    """Calls `task.delay(*args)` after commit, so a worker never reads rows
    that are not there yet. A broker that is away is logged, not raised: the
    caller's periodic sweep finds the rows still pending and queues them, so a
    person's action never fails because Redis is down."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            log.warning(
                "Could not queue %s%r; the periodic sweep will send them.",
                task.name,
                args,
                exc_info=True,
            )

    transaction.on_commit(send)
