"""Celery tasks of the compliance app: the nightly refresh of the summary tables.

The refresh scans the invoice table: hours at national scale, longer than the broker's
visibility timeout (600 s on Redis), after which an unacknowledged message is delivered to a
second worker. So this task is acknowledged when it starts (``acks_late=False``): it is never
delivered twice. A worker that dies mid-refresh loses that night's run, and
``statistics_watch`` (hourly) starts it again when the tables are more than a day old.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from .aggregates import statistics_refresh as refresh
from .aggregates import statistics_stale

LOCK_KEY = "compliance:statistics-refresh"
# The refresh scans the invoice table: hours at national scale, seconds on a demo.
TIME_LIMIT = 4 * 3600
# The nightly run plus its duration and a margin.
STALE_AFTER = timedelta(hours=30)


@shared_task(
    name="compliance.statistics_refresh",
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 300,
    acks_late=False,
    reject_on_worker_lost=False,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=3,
)
def statistics_refresh(full: bool = False) -> dict | None:
    """Idempotent; one run at a time: a second message (the watch, an admin's refresh) finds
    the lock taken and returns at once."""

    if not cache.add(LOCK_KEY, "1", timeout=TIME_LIMIT):
        return None
    try:
        report = refresh(full=full)
    finally:
        cache.delete(LOCK_KEY)
    return {"suppliers": report.suppliers, "seconds": round(report.duration_seconds, 1)}


@shared_task(name="compliance.statistics_watch", time_limit=60, soft_time_limit=50, acks_late=True)
def statistics_watch() -> bool:
    """Start the refresh when the summary tables are older than STALE_AFTER (the night's run
    died with its worker, or never ran). Returns whether it was started."""
    if not statistics_stale(older_than=STALE_AFTER) or cache.get(LOCK_KEY):
        return False
    statistics_refresh.delay()
    return True
