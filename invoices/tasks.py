"""Celery tasks of the invoices app: thin, by id, idempotent (style rule 6)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # Transient only: the database connection, or the storage being briefly unavailable.
    # A business or integrity failure (DocumentIntegrityError) is not retried: it is logged by
    # Celery and the routing step, which calls the same idempotent service, tries again.
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    time_limit=120,
    soft_time_limit=90,
)
def invoice_generate_document_task(invoice_id: int) -> None:
    """Generate the Factur-X PDF of a sent invoice (does nothing if it already exists)."""
    from .services import invoice_generate_document

    invoice_generate_document(invoice_id=invoice_id)


@shared_task(
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
    from .uploads import upload_item_process

    upload_item_process(item_id=item_id)
