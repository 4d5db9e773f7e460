"""Periodic tasks of the lifecycle (Celery beat), collected by ``chorus.celery``.

Plain data: no model import, so that the Celery app can read it before Django is set up.
Times are Europe/Paris (``CELERY_TIMEZONE``).
"""

from __future__ import annotations

import os

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Nothing stays in a transient status or without its legal document: re-enqueue what a
    # lost message or a killed worker left behind (``CHORUS_SWEEP_GRACE_SECONDS`` old), so that
    # recovery takes about a minute, not the broker's visibility timeout (issue #19 §9).
    "tracking-lifecycle-sweep": {
        "task": "tracking.lifecycle_sweep",
        "schedule": float(os.environ.get("CHORUS_SWEEP_INTERVAL_SECONDS", "30")),
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
