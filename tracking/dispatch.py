"""What happens after a status change commits: the next automatic steps, then the notices.

``invoices.lifecycle.machine`` sends the task ``tracking.status_event_dispatch`` **by name** with
the event id after commit (it sits below this app and never imports it). A broker outage at that
moment loses nothing: the change is committed, and the periodic sweeper
(``tracking.routing.lifecycle_sweep``) finds the event not yet notified
(``StatusEvent.notified_at``: the history is the outbox) and the invoice left in a transient
status, and enqueues them again.
"""

from __future__ import annotations

import logging

from django.db.models import Min

from invoices.lifecycle.machine import dispatch_deferred
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import AVAILABILITY_STATUSES, ROUTING_STATUSES
from invoices.models import Invoice

from . import routing
from .notices import status_event_notify
from .routing import invoice_step_enqueue as invoice_step_enqueue  # re-exported

logger = logging.getLogger(__name__)


def status_event_dispatch(*, event_id: int, checked: bool = False) -> int:
    """Run the automatic steps that follow ``event_id`` in this unit of work, then notify the
    chain once (issue #17: one task per chain, not one per status).

    Idempotent. The steps run *before* the notices mark the events notified (``notified_at``):
    an event found notified already had its steps run, so a message delivered again (worker
    killed) only re-sends what the notices left unsent. Each step still goes through
    ``invoice_transition`` (compare-and-set, its own history row and transaction)."""
    row = StatusEvent.objects.filter(pk=event_id).values_list("invoice_id", "notified_at").first()
    if row is None:
        return 0
    invoice_id, notified_at = row
    last = event_id
    if notified_at is None:
        produced = invoice_chain_run(invoice_id=invoice_id, checked=checked)
        if produced:
            # Fresh events of this invoice, not notified: the notices need not read them first.
            return status_event_notify(event_id=produced[-1], invoice_id=invoice_id)
    return status_event_notify(event_id=last)


def invoices_dispatch(*, invoice_ids: list[int]) -> int:
    """Dispatch, in this process, the deposits made under ``dispatch_deferred`` (a flow's
    invoices): for each invoice, its automatic chain and one notification per audience."""
    firsts = dict(
        StatusEvent.objects.filter(invoice_id__in=invoice_ids, notified_at__isnull=True)
        .values("invoice_id")
        .annotate(first=Min("pk"))
        .values_list("invoice_id", "first")
    )
    # The deposit's checks ran a moment ago in this task: routing does not run them again.
    return sum(status_event_dispatch(event_id=firsts[pk], checked=True) for pk in invoice_ids if pk in firsts)


def invoice_chain_run(*, invoice_id: int, checked: bool = False, max_steps: int = 5) -> list[int]:
    """Move the invoice through its automatic steps (routing, availability) inline, each one a
    transition of its own; returns the ids of the events written. Their dispatch is deferred to
    the caller (no task per step); a step that needs a person (A_VALIDER_1) ends the chain."""
    produced: list[int] = []
    with dispatch_deferred():
        status = Invoice.objects.filter(pk=invoice_id).values_list("status", flat=True).first()
        for _step in range(max_steps):
            if status in ROUTING_STATUSES:
                event = routing.invoice_route(invoice_id=invoice_id, follow_up=False, checked=checked)
            elif status in AVAILABILITY_STATUSES:
                event = routing.invoice_make_available(invoice_id=invoice_id, follow_up=False)
            else:
                break
            if event is None:
                break
            produced.append(event.pk)
            status = event.status
    return produced
