"""Periodic tasks of the notifications (Celery beat), collected by ``chorus.celery``.

Plain data: no model import. Lost e-mails and digests are re-sent by ``tracking.lifecycle_sweep``
(one sweeper for the whole workflow). Times are Europe/Paris (``CELERY_TIMEZONE``).
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Daily digest e-mails of the users who chose them.
    "notifications-daily-digests": {
        "task": "notifications.digests_prepare",
        "schedule": crontab(hour=7, minute=30),
    },
}
