"""Queries of the lifecycle: history, follow-up of one invoice, notifications, preferences.

Every list is bounded (keyset on the id, newest first) and every count capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from common.pagination import recent_page
from invoices.lifecycle.machine import allowed_targets
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.payment import Lateness, invoice_lateness
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from tracking.inbox.selectors import Filters, apply_filters, bounded_count

TIMELINE_MAX = 200
UNREAD_CAP = 99
PAGE_SIZE = 20


def invoice_timeline(*, invoice_id: int) -> list[StatusEvent]:
    """The history of an invoice, oldest first (``consulter/historique``)."""
    return list(StatusEvent.objects.filter(invoice_id=invoice_id).order_by("at", "id")[:TIMELINE_MAX])


def last_reason_event(events: list[StatusEvent]) -> StatusEvent | None:
    """The latest unfavourable event (suspension, rejection, recycling) with its reason."""
    for event in reversed(events):
        if event.status in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER, S.REFUSEE_1, S.REFUSEE_MOE):
            return event
    return None


@dataclass(frozen=True)
class FollowUp:
    """What the invoice page shows of an invoice's life, for one side."""

    events: list[StatusEvent]
    lateness: Lateness
    reason_event: StatusEvent | None
    can_complete: bool
    can_recycle: bool
    can_acknowledge: bool
    rejection_acknowledged: bool
    buyer_targets: list[str]
    supplier_side: bool


def invoice_followup(*, invoice: Any, role: str = ActorRole.SUPPLIER) -> FollowUp:
    events = invoice_timeline(invoice_id=invoice.pk)
    current_reason = None
    if invoice.status in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER, S.REFUSEE_1, S.REFUSEE_MOE):
        current_reason = last_reason_event(events)
    supplier = role == ActorRole.SUPPLIER
    return FollowUp(
        events=events,
        lateness=invoice_lateness(invoice),
        reason_event=current_reason,
        can_complete=supplier and invoice.status == S.SUSPENDUE,
        can_recycle=supplier and invoice.status == S.A_RECYCLER,
        can_acknowledge=supplier
        and invoice.status == S.REJETEE
        and invoice.rejection_acknowledged_at is None,
        rejection_acknowledged=invoice.status == S.REJETEE and invoice.rejection_acknowledged_at is not None,
        buyer_targets=allowed_targets(status=invoice.status, role=ActorRole.BUYER)
        if role == ActorRole.BUYER
        else [],
        supplier_side=supplier,
    )


def supplier_invoice_get(*, structure_id: int, invoice_id: int) -> Any:
    """An invoice of the supplier structure ``structure_id`` (None for any other: 404)."""

    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id, supplier_id=structure_id)
        .first()
    )


# The maître d'œuvre's delay to accept or correct the contractor's draft statement and send the
# progress-payment statement on. Décret n° 2013-269 du 29 mars 2013, art. 9 II (Légifrance
# LEGIARTI000027249091): « le contrat conclu avec le maître d'œuvre … indique le délai dans lequel
# celui-ci doit effectuer ses interventions. Pour les opérations qui interviennent après la date
# à laquelle le délai de paiement a commencé à courir, ce délai d'intervention ne peut excéder
# quinze jours » — now codified in the Code de la commande publique. [V-3p] 15 days is the legal
# maximum; the MOE's contract may set less, which the portal does not know, so it uses the
# maximum. The payment delay runs from the draft's receipt: arrival at A_VALIDER_MOE.
MOE_REVIEW_DAYS = 15


def moe_review_due(invoice: Any) -> date | None:
    """The day by which the maître d'œuvre must answer, for a document waiting for it."""
    if invoice.status != S.A_VALIDER_MOE or invoice.status_changed_at is None:
        return None
    return timezone.localdate(invoice.status_changed_at) + timedelta(days=MOE_REVIEW_DAYS)


def moe_review_overdue(invoice: Any, *, today: date | None = None) -> bool:
    due = moe_review_due(invoice)
    return due is not None and (today or timezone.localdate()) > due


def validator_invoices(*, structure_id: int, before: int | None = None, limit: int = 50) -> list[Any]:
    """A9/A12 invoices waiting for the validation of structure ``structure_id``, newest first."""

    # The maître d'œuvre's works documents wait in the same list (A_VALIDER_MOE).
    qs = Invoice.objects.filter(validator_id=structure_id, status__in=(S.A_VALIDER_1, S.A_VALIDER_MOE))
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows: list[Any] = list(qs.select_related("supplier", "recipient").order_by("-pk")[:limit])
    today = timezone.localdate()
    for row in rows:
        # The MOE's legal delay and its overdue indicator (the page's "À traiter avant" column).
        row.moe_due = moe_review_due(row)
        row.moe_overdue = moe_review_overdue(row, today=today)
    return rows


def validator_invoice_get(*, structure_id: int, invoice_id: int) -> Any:

    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id, validator_id=structure_id)
        .exclude(status=S.BROUILLON)
        .first()
    )


# --- The supplier's sent invoices ------------------------------------------------------------

SENT_PAGE_SIZE = 50
# Waiting for the supplier: complete, recycle, or acknowledge the rejection.
SUPPLIER_ACTION_STATUSES = (S.SUSPENDUE, S.A_RECYCLER, S.REJETEE)


def sent_invoices(
    *, supplier_id: int, filters: Any = None, after: str | None = None, limit: int = SENT_PAGE_SIZE
) -> tuple[list[Any], str | None]:
    """A page of the invoices a supplier sent (drafts are listed apart), newest first, keyset
    on the index ``invoice_supplier_recent`` (supplier, -created_at, -id)."""

    qs = Invoice.objects.filter(supplier_id=supplier_id).exclude(status=S.BROUILLON)
    qs = apply_filters(qs, filters or Filters())
    return recent_page(qs.select_related("recipient", "recipient_service"), cursor=after, limit=limit)


def sent_status_counts(*, supplier_id: int) -> list[tuple[str, str, int, bool]]:
    """(status, label, count, capped) of a supplier's sent invoices, each count bounded."""

    result = []
    for status in S.values:
        if status == S.BROUILLON:
            continue
        n, capped = bounded_count(Invoice.objects.filter(supplier_id=supplier_id, status=status))
        if n:
            result.append((status, str(S(status).label), n, capped))
    return result
