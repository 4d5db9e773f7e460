"""What happens after a status change commits: the next automatic steps, then the notices.

``invoices.lifecycle.machine`` sends the task ``tracking.status_event_dispatch`` **by name** with
the event id after commit (it sits below this app and never imports it). A broker outage at that
moment loses nothing: the change is committed, and the periodic sweeper
(``tracking.routing.lifecycle_sweep``) finds the event not yet notified
(``StatusEvent.notified_at``: the history is the outbox) and the invoice left in a transient
status, and enqueues them again.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.db import transaction
from django.db.models import Min

from invoices.lifecycle.machine import dispatch_deferred
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import AVAILABILITY_STATUSES, ROUTING_STATUSES

from . import routing
from .notices import status_event_notify
from .routing import invoice_step_enqueue as invoice_step_enqueue  # re-exported

logger = logging.getLogger(__name__)


def status_event_dispatch(
    *, event_id: int, checked: bool = False, invoice_id: int | None = None, invoice: Any = None
) -> int:
    """Run the automatic steps that follow ``event_id`` in this unit of work, then notify the
    chain once (issue #17: one task per chain, not one per status).

    Idempotent. The steps run *before* the notices mark the events notified (``notified_at``):
    an event found notified already had its steps run, so a message delivered again (worker
    killed) only re-sends what the notices left unsent. Each step still goes through
    ``invoice_transition`` (compare-and-set, its own history row); the steps and their notices
    commit together.
    ``invoice_id``: given by a caller that committed the event a moment ago in this unit of work
    and has not dispatched it (a flow's deposit), which saves reading it; ``invoice``, the
    instance that caller wrote, saves the notices reading it again."""
    notified_at = None
    if invoice_id is None:
        head = StatusEvent.objects.filter(pk=event_id).values_list("invoice_id", "notified_at").first()
        if head is None:
            return 0
        invoice_id, notified_at = head
    last = event_id
    if notified_at is None:
        # Read once; each transition brings the row up to date (its compare-and-set still guards).
        row = routing.invoice_step_row(invoice_id=invoice_id, invoice=invoice)
        # The steps and their notices in one transaction (one commit instead of three per
        # invoice, issue #17), unless a step writes the legal document: no storage I/O inside a
        # transaction. Killed midway, nothing of the chain is kept and the sweeper runs it again.
        one_unit = row is not None and not routing.step_writes_document(row)
        with transaction.atomic() if one_unit else contextlib.nullcontext():
            produced = invoice_chain_run(invoice_id=invoice_id, checked=checked, row=row)
            if produced:
                # Fresh events of this invoice, not notified: the notices need not read them first.
                return status_event_notify(event_id=produced[-1], invoice_id=invoice_id, invoice=invoice)
    return status_event_notify(event_id=last)


def invoices_dispatch(*, invoice_ids: list[int], fresh: dict[int, tuple[int, Any]] | None = None) -> int:
    """Dispatch, in this process, the deposits made under ``dispatch_deferred`` (a flow's
    invoices): for each invoice, its automatic chain and one notification per audience.
    ``fresh``: invoice id → (its deposit event, the invoice instance), both written and committed
    by this unit of work and not dispatched (what ``dispatch_deferred`` collected); for the
    others, the first event not notified is read (a flow resumed after a crash)."""
    fresh = fresh or {}
    others = [pk for pk in invoice_ids if pk not in fresh]
    firsts = (
        dict(
            StatusEvent.objects.filter(invoice_id__in=others, notified_at__isnull=True)
            .values("invoice_id")
            .annotate(first=Min("pk"))
            .values_list("invoice_id", "first")
        )
        if others
        else {}
    )
    # The deposit's checks ran a moment ago in this task: routing does not run them again.
    return sum(
        status_event_dispatch(event_id=fresh[pk][0], checked=True, invoice_id=pk, invoice=fresh[pk][1])
        if pk in fresh
        else status_event_dispatch(event_id=firsts[pk], checked=True)
        for pk in invoice_ids
        if pk in fresh or pk in firsts
    )


def invoice_chain_run(
    *, invoice_id: int, checked: bool = False, max_steps: int = 5, row: dict[str, Any] | None
) -> list[int]:
    """Move the invoice through its automatic steps (routing, availability) inline, each one a
    transition of its own; returns the ids of the events written. Their dispatch is deferred to
    the caller (no task per step); a step that needs a person (A_VALIDER_1) ends the chain.
    ``row``: the invoice's ``routing.STEP_FIELDS``, as the caller read them."""
    produced: list[int] = []
    with dispatch_deferred():
        for _step in range(max_steps):
            if row is None:
                break
            if row["status"] in ROUTING_STATUSES:
                event = routing.invoice_route(
                    invoice_id=invoice_id, follow_up=False, checked=checked, row=row
                )
            elif row["status"] in AVAILABILITY_STATUSES:
                event = routing.invoice_make_available(invoice_id=invoice_id, follow_up=False, row=row)
            else:
                break
            if event is None:
                break
            produced.append(event.pk)
    return produced
