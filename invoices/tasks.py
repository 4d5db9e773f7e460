"""Celery tasks of the invoices app: thin, by id, idempotent (style rule 6). Services never
import this module: they send tasks by name (``common.tasks.task_send``)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .uploads import upload_item_process


@shared_task(
    name="invoices.upload_item_process",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    # A 20 MiB Factur-X goes through XSD and the EN 16931 rules: well under this bound.
    time_limit=300,
    soft_time_limit=240,
)
def upload_item_process_task(item_id: int) -> None:
    """Validate and deposit one file of a portal upload (does nothing once it is done)."""
    upload_item_process(item_id=item_id)
