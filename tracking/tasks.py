"""Celery tasks of the workflow: thin, by id, idempotent, bounded.

Only transient failures are retried (``common.tasks.RETRY``); a business refusal moves the
invoice to its status and is never retried. Time limits on every task, all below the broker's
visibility timeout; ``acks_late`` + ``reject_on_worker_lost`` so that a killed worker loses
nothing: the message is delivered again and the second run finds the work done.
"""

from __future__ import annotations

from celery import shared_task

from common.tasks import RETRY

from . import dispatch, notices, routing


@shared_task(name="tracking.status_event_dispatch", time_limit=60, soft_time_limit=50, **RETRY)
def status_event_dispatch(event_id: int) -> int:
    """Sent by name by ``invoices.lifecycle.machine`` after each status change commits."""
    return dispatch.status_event_dispatch(event_id=event_id)


@shared_task(name="tracking.invoice_route", time_limit=120, soft_time_limit=100, **RETRY)
def invoice_route(invoice_id: int) -> str | None:
    event = routing.invoice_route(invoice_id=invoice_id)
    return event.status if event else None


@shared_task(name="tracking.invoice_make_available", time_limit=300, soft_time_limit=240, **RETRY)
def invoice_make_available(invoice_id: int) -> str | None:
    event = routing.invoice_make_available(invoice_id=invoice_id)
    return event.status if event else None


@shared_task(name="tracking.invoice_document_ensure", time_limit=300, soft_time_limit=240, **RETRY)
def invoice_document_ensure(invoice_id: int) -> bool:
    """Sent by the sweeper for an invoice without its legal document."""
    return routing.invoice_document_ensure(invoice_id=invoice_id)


@shared_task(name="tracking.status_event_notify", time_limit=60, soft_time_limit=50, **RETRY)
def status_event_notify(event_id: int) -> int:
    return notices.status_event_notify(event_id=event_id)


@shared_task(name="tracking.invoice_overdue_notify", time_limit=60, soft_time_limit=50, **RETRY)
def invoice_overdue_notify(invoice_id: int) -> int:
    return notices.invoice_overdue_notify(invoice_id=invoice_id)


# --- Periodic (tracking.schedule) ---------------------------------------------------------------


@shared_task(name="tracking.validations_tacit_approve", time_limit=540, soft_time_limit=500, **RETRY)
def validations_tacit_approve() -> int:
    return routing.validations_tacit_approve()


@shared_task(name="tracking.invoices_overdue_detect", time_limit=540, soft_time_limit=500, **RETRY)
def invoices_overdue_detect() -> int:
    """Fan out: one small task per newly overdue invoice."""
    ids = routing.overdue_candidates()
    for invoice_id in ids:
        invoice_overdue_notify.delay(invoice_id)
    return len(ids)


@shared_task(name="tracking.lifecycle_sweep", time_limit=300, soft_time_limit=240, **RETRY)
def lifecycle_sweep() -> dict[str, int]:
    return routing.lifecycle_sweep()
