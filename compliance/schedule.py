"""Periodic tasks of the compliance app (Celery beat), collected by ``chorus.celery``.

Plain data: no model import. Times are Europe/Paris (``CELERY_TIMEZONE``).
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # The summary tables of the compliance dashboard and the statistics, at night, when the
    # portal is quiet (deposits peak in the first week of each month during the day).
    "compliance-statistics-refresh": {
        "task": "compliance.statistics_refresh",
        "schedule": crontab(hour=2, minute=30),
    },
    # A refresh lost with its worker (it is acknowledged when it starts) is started again.
    "compliance-statistics-watch": {
        "task": "compliance.statistics_watch",
        "schedule": crontab(minute=45),
    },
}
