"""Periodic tasks of the API app (collected by ``chorus.celery``; plain data, no model import)."""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "cpro-purge": {"task": "cpro.purge", "schedule": crontab(minute=17)},
}
