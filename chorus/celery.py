"""The Celery application, wired the standard way: settings under the ``CELERY_`` namespace,
tasks autodiscovered in every app's ``tasks.py``, periodic tasks collected from each app's
``schedule.py`` (plain data, no model import)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

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


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender: object = None, **kwargs: object) -> None:
    """What Django does around each request, around each task: drop a connection past
    CONN_MAX_AGE, broken or left in a failed state, keep a healthy one (CELERY_DB_REUSE_MAX keeps
    Celery's fixup from closing them all). Not for eager tasks: they run inside the caller's
    transaction, whose connection is not theirs to close."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_process_init.connect
def _warm_up_validation(**kwargs: object) -> threading.Thread:
    """Compile the XSD schemas and the EN 16931 stylesheets in each pool process as it starts,
    not in its first task. A process compiles its own (a Saxon runtime must not cross a fork):
    0.1–0.9 s per stylesheet, ≈ 3.3 s of CPU for all, that the first invoices of a burst
    otherwise wait for (issue #17: ≈ 3 of the 8 s of worker CPU in a 300-invoice burst on a
    fresh worker). The schemas (0.25 s) now; the stylesheets in a thread, as the pool gives a new
    process 4 s to report ready; a task that needs one being compiled waits for it
    (``schematron.executable``, SaxonC being safe across threads)."""
    from invoices.validation import schematron, xsd
    from invoices.validation.types import DocumentFormat, Profile

    xsd.warm_up()
    # The most deposited first (a first task waits only for its own): Factur-X/CII EN 16931, UBL,
    # then the other Factur-X profiles.
    order: tuple[tuple[DocumentFormat, Profile | None], ...] = (
        (DocumentFormat.CII, Profile.EN16931),
        (DocumentFormat.UBL_INVOICE, None),
        *((DocumentFormat.CII, profile) for profile in Profile if profile is not Profile.EN16931),
    )
    thread = threading.Thread(
        target=schematron.warm_up, args=(order,), name="chorus-validation-warm-up", daemon=True
    )
    thread.start()
    return thread
