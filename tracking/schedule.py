"""Periodic tasks of the lifecycle (Celery beat), collected by ``chorus.celery``.

Plain data: no model import, so that the Celery app can read it before Django is set up.
Times are Europe/Paris (``CELERY_TIMEZONE``).
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Nothing stays in a transient status: re-enqueue what a lost message left behind.
    "tracking-lifecycle-sweep": {
        "task": "tracking.lifecycle_sweep",
        "schedule": 300.0,
    },
    # A9/A12: tacit validation after 15 days without the validator's answer (reference §1.3).
    "tracking-tacit-validation": {
        "task": "tracking.validations_tacit_approve",
        "schedule": crontab(minute=15),
    },
    # Late-payment detection, before the working day starts.
    "tracking-overdue-detection": {
        "task": "tracking.invoices_overdue_detect",
        "schedule": crontab(hour=6, minute=0),
    },
}
