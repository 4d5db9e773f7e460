"""Periodic tasks of the EDI app (collected by ``chorus.celery``; plain data, no model import)."""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "edi-sweep": {"task": "edi.sweep", "schedule": 60.0},
    "edi-purge": {"task": "edi.purge", "schedule": crontab(hour=3, minute=41)},
}
