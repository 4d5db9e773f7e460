"""The Celery application, wired the standard way: settings under the ``CELERY_`` namespace,
tasks autodiscovered in every app's ``tasks.py``, periodic tasks collected from each app's
``schedule.py`` (plain data, no model import)."""

from __future__ import annotations

import importlib
import importlib.util
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings.base")

app = Celery("chorus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SCHEDULE_MODULES = (
    "tracking.schedule",
    "notifications.schedule",
    "compliance.schedule",
    "cpro.schedule",
    "helpcentre.schedule",
    "edi.schedule",
)


def _beat_schedule() -> dict:
    schedule: dict = {}
    for name in SCHEDULE_MODULES:
        if importlib.util.find_spec(name.split(".")[0]) and importlib.util.find_spec(name):
            schedule.update(importlib.import_module(name).BEAT_SCHEDULE)
    return schedule


app.conf.beat_schedule = _beat_schedule()
