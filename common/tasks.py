"""Send a Celery task **by name**, so that a lower layer never imports the app that runs it
(style §13: the history row is the outbox, a sweeper re-sends what a lost message missed)."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from celery import current_app
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# Only transient failures (database connection, broker, SMTP) are retried, with exponential
# backoff; a business refusal moves the invoice to its status and is never retried (style §6).
TRANSIENT = (
    OperationalError,
    InterfaceError,
    BrokerError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 12,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


def task_send(name: str, *args: Any, countdown: float | None = None) -> bool:
    """Enqueue task ``name`` with ``args``; False (logged) when the broker is unreachable.

    Looked up in the app's registry rather than with ``send_task`` so that the embedded default
    (``CELERY_TASK_ALWAYS_EAGER``) runs it in-process like any ``delay()``.
    """
    if name not in current_app.tasks:
        # A web process has not imported the apps' ``tasks`` modules yet (Celery autodiscovers
        # them when a worker starts): import them once, so that eager mode finds the task.
        current_app.loader.import_default_modules()
    try:
        if name in current_app.tasks:
            current_app.tasks[name].apply_async(args=list(args), countdown=countdown)
        else:
            current_app.send_task(name, args=list(args), countdown=countdown)
    except BrokerError:
        logger.warning("Broker unavailable: task %s%r left to the sweeper", name, args)
        return False
    return True
