"""What happens after a status change commits: notifications and the next worker step.

``invoices.lifecycle.machine`` sends the task ``tracking.status_event_dispatch`` **by name** with
the event id after commit (it sits below this app and never imports it). A broker outage at that
moment loses nothing: the change is committed, and the periodic sweeper
(``tracking.routing.lifecycle_sweep``) finds the event not yet notified
(``StatusEvent.notified_at``: the history is the outbox) and the invoice left in a transient
status, and enqueues them again.
"""

from __future__ import annotations

import logging

from common.tasks import task_send
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import AVAILABILITY_STATUSES, ROUTING_STATUSES

from .notices import status_event_notify

logger = logging.getLogger(__name__)


def status_event_dispatch(*, event_id: int) -> int:
    """Enqueue the worker step that follows ``event_id``, then notify the people concerned.

    Idempotent. The step is enqueued *before* the notifications mark the event dispatched
    (``notified_at``): an event found dispatched already had its step enqueued, so a message
    delivered again (worker killed) only re-sends what the notices left unsent."""
    row = StatusEvent.objects.filter(pk=event_id).values_list("status", "invoice_id", "notified_at").first()
    if row is None:
        return 0
    status, invoice_id, notified_at = row
    if notified_at is None:
        invoice_step_enqueue(status=status, invoice_id=invoice_id)
    return status_event_notify(event_id=event_id)


def invoice_step_enqueue(*, status: str, invoice_id: int) -> None:
    """Enqueue the worker step that moves an invoice on from ``status``, if any."""
    if status in ROUTING_STATUSES:
        task_send("tracking.invoice_route", invoice_id)
    elif status in AVAILABILITY_STATUSES:
        task_send("tracking.invoice_make_available", invoice_id)
