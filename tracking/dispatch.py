"""What happens after a status change commits: notifications and the next worker step.

Runs outside any transaction (called from ``transaction.on_commit``); enqueues Celery tasks by id.
A broker outage at that moment loses nothing: the change is committed, and the periodic sweeper
(``tracking.routing.lifecycle_sweep``) finds the event not yet notified and the invoice left in
a transient status, and enqueues them again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from kombu.exceptions import OperationalError as BrokerError

from .statuses import InvoiceStatus as S

logger = logging.getLogger(__name__)

# The statuses from which the workers move an invoice on by themselves.
ROUTING_STATUSES = frozenset({S.DEPOSEE, S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI})
AVAILABILITY_STATUSES = frozenset({S.EN_COURS_ACHEMINEMENT})

# Invoices whose next worker step is not enqueued (demo data showing transient statuses).
_held: ContextVar[set[int] | None] = ContextVar("tracking_routing_held", default=None)


@contextmanager
def routing_held(invoice_ids: set[int]) -> Iterator[None]:
    """Demo data only: while active (commit included), the invoices whose ids are in the
    (mutable) set ``invoice_ids`` stay in their transient status; their notifications are
    still sent. The sweeper moves them on later, as it would after a lost message."""
    token = _held.set(invoice_ids)
    try:
        yield
    finally:
        _held.reset(token)


def status_event_dispatch(*, event_id: int, status: str | None = None, invoice_id: int | None = None) -> None:
    """Enqueue the notification of ``event_id`` and, for a deposit, the routing chain."""
    from . import tasks
    from .models import StatusEvent

    if status is None or invoice_id is None:
        row = StatusEvent.objects.filter(pk=event_id).values_list("status", "invoice_id").first()
        if row is None:
            return
        status, invoice_id = row
    held = _held.get()
    try:
        tasks.status_event_notify.delay(event_id)
        if held is None or invoice_id not in held:
            invoice_step_enqueue(status=status, invoice_id=invoice_id)
    except BrokerError:
        logger.warning("Broker unavailable: event %s will be dispatched by the sweeper", event_id)


def invoice_step_enqueue(*, status: str, invoice_id: int) -> None:
    """Enqueue the worker step that moves an invoice on from ``status``, if any."""
    from . import tasks

    if status in ROUTING_STATUSES:
        tasks.invoice_route.delay(invoice_id)
    elif status in AVAILABILITY_STATUSES:
        tasks.invoice_make_available.delay(invoice_id)
