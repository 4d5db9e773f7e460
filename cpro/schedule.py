"""Periodic tasks of the API app (collected by ``chorus.celery``; plain data, no model import)."""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "cpro-purge": {"task": "cpro.purge", "schedule": crontab(minute=17)},
    # Flows whose message was lost, or whose worker died mid-flow, are integrated again.
    "cpro-flows-sweep": {"task": "cpro.flows_sweep", "schedule": 300.0},
}
