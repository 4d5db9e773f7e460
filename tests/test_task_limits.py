"""No task acknowledged late may outlive the broker's redelivery delay: past Redis's visibility
timeout (and RabbitMQ's consumer_timeout, 30 min), its message would be delivered to a second
worker while the first still runs it."""

from __future__ import annotations

from celery import current_app
from django.conf import settings

REDIS_VISIBILITY_TIMEOUT = 600  # chorus/settings/base.py, CELERY_VISIBILITY_TIMEOUT's default


def test_every_late_acknowledged_task_ends_before_the_broker_delivers_it_again():
    current_app.loader.import_default_modules()
    ours = {name: task for name, task in current_app.tasks.items() if not name.startswith("celery.")}
    assert "tracking.status_event_dispatch" in ours and "cpro.flow_process" in ours
    too_long = {
        name: task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in ours.items()
        if (task.acks_late if task.acks_late is not None else settings.CELERY_TASK_ACKS_LATE)
        and (task.time_limit or settings.CELERY_TASK_TIME_LIMIT) >= REDIS_VISIBILITY_TIMEOUT
    }
    assert too_long == {}
