"""Celery task of the compliance app: the nightly refresh of the summary tables."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from .aggregates import statistics_refresh as refresh

LOCK_KEY = "compliance:statistics-refresh"
# The refresh scans the invoice table: hours at national scale, seconds on a demo.
TIME_LIMIT = 4 * 3600


@shared_task(
    name="compliance.statistics_refresh",
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 300,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=3,
)
def statistics_refresh(full: bool = False) -> dict | None:
    """Idempotent; one run at a time: a message delivered twice (Redis re-delivers a long task
    after its visibility timeout) finds the lock taken and returns at once."""

    if not cache.add(LOCK_KEY, "1", timeout=TIME_LIMIT):
        return None
    try:
        report = refresh(full=full)
    finally:
        cache.delete(LOCK_KEY)
    return {"suppliers": report.suppliers, "seconds": round(report.duration_seconds, 1)}
