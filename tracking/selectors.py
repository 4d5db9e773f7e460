"""Queries of the lifecycle: history, follow-up of one invoice, notifications, preferences.

Every list is bounded (keyset on the id, newest first) and every count capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts.roles import MembershipStatus

from .machine import allowed_targets
from .models import ActorRole, Notification, NotificationMode, NotificationPreference, StatusEvent
from .payment import Lateness, invoice_lateness
from .statuses import InvoiceStatus as S

TIMELINE_MAX = 200
UNREAD_CAP = 99
PAGE_SIZE = 20


def invoice_timeline(*, invoice_id: int) -> list[StatusEvent]:
    """The history of an invoice, oldest first (``consulter/historique``)."""
    return list(StatusEvent.objects.filter(invoice_id=invoice_id).order_by("at", "id")[:TIMELINE_MAX])


def last_reason_event(events: list[StatusEvent]) -> StatusEvent | None:
    """The latest unfavourable event (suspension, rejection, recycling) with its reason."""
    for event in reversed(events):
        if event.status in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER, S.REFUSEE_1):
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
    if invoice.status in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER, S.REFUSEE_1):
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
    from invoices.models import Invoice

    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id, supplier_id=structure_id)
        .first()
    )


def validator_invoices(*, structure_id: int, before: int | None = None, limit: int = 50) -> list[Any]:
    """A9/A12 invoices waiting for the validation of structure ``structure_id``, newest first."""
    from invoices.models import Invoice

    qs = Invoice.objects.filter(validator_id=structure_id, status=S.A_VALIDER_1)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return list(qs.select_related("supplier", "recipient").order_by("-pk")[:limit])


def validator_invoice_get(*, structure_id: int, invoice_id: int) -> Any:
    from invoices.models import Invoice

    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id, validator_id=structure_id)
        .exclude(status=S.BROUILLON)
        .first()
    )


# --- Notifications -----------------------------------------------------------------------------


def notifications_page(
    *, user: Any, unread_only: bool = False, before: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Notification], str | None]:
    """One page of the user's notifications, newest first (keyset on the index
    ``notification_recipient_recent``), and the cursor of the next page."""
    qs: QuerySet[Notification] = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    cursor = _parse_cursor(before)
    if cursor is not None:
        at, pk = cursor
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-pk")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = f"{last.created_at.isoformat()}~{last.pk}"
    return rows[:limit], next_cursor


def _parse_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """(created_at, id) of a cursor; None when absent or tampered with (first page then)."""
    raw, _sep, pk = (cursor or "").rpartition("~")
    try:
        at = datetime.fromisoformat(raw)
        return (at, int(pk)) if at.tzinfo is not None else None
    except ValueError:
        return None


def unread_count(*, user: Any, cap: int = UNREAD_CAP) -> int:
    """Unread notifications, counted up to ``cap + 1`` (shown "99+"): bounded on every page."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()[: cap + 1].count()


@dataclass(frozen=True)
class PreferenceRow:
    key: str  # "fournisseur:<id>" / "acheteur:<id>"
    structure: Any
    is_supplier: bool
    is_principal: bool
    mode: str


def preference_rows(*, user: Any) -> list[PreferenceRow]:
    """Each structure the user belongs to, with the current choice (2 + 1 queries)."""
    from accounts.roles import Role
    from entities.models import BuyerMembership
    from suppliers.models import SupplierMembership

    chosen = {
        (p.supplier_structure_id, p.public_structure_id): p.mode
        for p in NotificationPreference.objects.filter(user=user)
    }
    rows = []
    for m in (
        SupplierMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name", "pk")
    ):
        rows.append(
            PreferenceRow(
                f"fournisseur:{m.structure_id}",
                m.structure,
                True,
                m.role == Role.PRINCIPAL,
                chosen.get((m.structure_id, None), NotificationMode.EVERY_EVENT),
            )
        )
    for m in (
        BuyerMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name", "pk")
    ):
        rows.append(
            PreferenceRow(
                f"acheteur:{m.structure_id}",
                m.structure,
                False,
                m.role == Role.PRINCIPAL,
                chosen.get((None, m.structure_id), NotificationMode.EVERY_EVENT),
            )
        )
    return rows


# --- The supplier's sent invoices ------------------------------------------------------------

SENT_PAGE_SIZE = 50
# Waiting for the supplier: complete, recycle, or acknowledge the rejection.
SUPPLIER_ACTION_STATUSES = (S.SUSPENDUE, S.A_RECYCLER, S.REJETEE)


def sent_invoices(
    *, supplier_id: int, filters: Any = None, after: str | None = None, limit: int = SENT_PAGE_SIZE
) -> tuple[list[Any], str | None]:
    """A page of the invoices a supplier sent (drafts are listed apart), newest first, keyset
    on the index ``invoice_supplier_recent`` (supplier, -created_at, -id)."""
    from entities.inbox.selectors import Filters, apply_filters
    from invoices.models import Invoice

    qs = Invoice.objects.filter(supplier_id=supplier_id).exclude(status=S.BROUILLON)
    qs = apply_filters(qs, filters or Filters())
    cursor = _parse_cursor(after)
    if cursor is not None:
        at, pk = cursor
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(
        qs.select_related("recipient", "recipient_service").order_by("-created_at", "-pk")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = f"{last.created_at.isoformat()}~{last.pk}"
    return rows[:limit], next_cursor


def sent_status_counts(*, supplier_id: int) -> list[tuple[str, str, int, bool]]:
    """(status, label, count, capped) of a supplier's sent invoices, each count bounded."""
    from entities.inbox.selectors import bounded_count
    from invoices.models import Invoice

    result = []
    for status in S.values:
        if status == S.BROUILLON:
            continue
        n, capped = bounded_count(Invoice.objects.filter(supplier_id=supplier_id, status=status))
        if n:
            result.append((status, str(S(status).label), n, capped))
    return result
