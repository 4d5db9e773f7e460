"""The buyer's side of invoices: what a public structure has received, for its users.

A buyer sees the invoices made available to their structure, restricted to their services when
their attachment is restricted; never drafts, invoices still being routed, or invoices the
system rejected before they reached the structure. Every list is keyset-paginated on an indexed
order (``invoice_recipient_recent``: recipient, -deposited_at, -id) and every count is capped,
so that a structure with a million invoices pages as fast as a small one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, CharField, F, OrderBy, Q, QuerySet, Value, When
from django.utils import timezone

from entities.models import BuyerMembership, PublicStructure
from invoices.choices import FRAMEWORKS_WITH_MOE
from invoices.lifecycle.machine import BUYER_STATUSES
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from invoices.selectors import invoices_visible_to_buyer
from suppliers.models import SupplierStructure

# Waiting for the buyer's decision.
TO_PROCESS = (S.MISE_A_DISPOSITION, S.COMPLETEE)
TO_PROCESS_FILTER = "A_TRAITER"
COUNT_CAP = 1000
PAGE_SIZE = 50
PAGE_MAX = 200

SORTS: dict[str, tuple[str, bool]] = {
    # key: (field, descending)
    "-depot": ("deposited_at", True),
    "depot": ("deposited_at", False),
    "-montant": ("total_ttc", True),
    "montant": ("total_ttc", False),
    "echeance": ("due_date", False),
}
DEFAULT_SORT = "-depot"


def membership_service_ids(membership: BuyerMembership) -> list[int] | None:
    """The services a buyer is restricted to, or None for the whole structure."""
    ids = [s.pk for s in membership.services.all()]
    return ids or None


def received_invoice_get(
    *, structure: PublicStructure, invoice_id: int, service_ids: Iterable[int] | None = None
) -> Invoice | None:
    """One received invoice, or None: another structure's (or another service's) id is unknown."""
    return (
        invoices_visible_to_buyer(structure=structure, service_ids=service_ids)
        .select_related("supplier", "recipient", "recipient_service", "validator")
        .filter(pk=invoice_id)
        .first()
    )


@dataclass(frozen=True)
class Filters:
    status: str = ""  # a status, or TO_PROCESS_FILTER
    service_id: int | None = None
    supplier: str = ""  # name (contains) or identifier (prefix)
    deposited_from: dt.date | None = None
    deposited_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    number: str = ""  # exact or prefix
    engagement: str = ""
    overdue: bool = False
    recipient: str = ""  # the supplier's side: recipient name (contains) or SIRET (prefix)
    statuses: tuple[str, ...] = ()  # several statuses at once


@dataclass(frozen=True)
class ReceivedPage:
    invoices: list[Invoice]
    next_cursor: str | None
    sort: str


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def supplier_ids_matching(text: str, limit: int = 200) -> list[int]:
    """Supplier structures whose identifier starts with, or name contains, ``text`` (looked up
    first, so that the invoice query can use the supplier index)."""

    compact = text.replace(" ", "").replace(".", "")
    query = Q(name__icontains=text)
    if compact.isalnum():
        query |= Q(identifier__startswith=compact.upper())
    return list(SupplierStructure.objects.filter(query).values_list("pk", flat=True)[:limit])


def recipient_ids_matching(text: str, limit: int = 200) -> list[int]:
    """Public structures whose SIRET starts with, or name contains, ``text``."""

    compact = text.replace(" ", "").replace(".", "")
    query = Q(name__icontains=text)
    if compact.isdigit():
        query |= Q(siret__startswith=compact)
    return list(PublicStructure.objects.filter(query).values_list("pk", flat=True)[:limit])


def apply_filters(qs: QuerySet, filters: Filters) -> QuerySet:
    if filters.status == TO_PROCESS_FILTER:
        qs = qs.filter(status__in=TO_PROCESS)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.recipient:
        qs = qs.filter(recipient_id__in=recipient_ids_matching(filters.recipient))
    if filters.service_id:
        qs = qs.filter(recipient_service_id=filters.service_id)
    if filters.supplier:
        qs = qs.filter(supplier_id__in=supplier_ids_matching(filters.supplier))
    if filters.deposited_from:
        qs = qs.filter(deposited_at__gte=_day_start(filters.deposited_from))
    if filters.deposited_to:
        qs = qs.filter(deposited_at__lt=_day_start(filters.deposited_to + dt.timedelta(days=1)))
    if filters.amount_min is not None:
        qs = qs.filter(total_ttc__gte=filters.amount_min)
    if filters.amount_max is not None:
        qs = qs.filter(total_ttc__lte=filters.amount_max)
    if filters.number:
        qs = qs.filter(number__startswith=filters.number)
    if filters.engagement:
        qs = qs.filter(engagement_number=filters.engagement)
    if filters.overdue:
        qs = qs.filter(
            status__in=[
                S.MISE_A_DISPOSITION,
                S.COMPLETEE,
                S.SERVICE_FAIT,
                S.MANDATEE,
                S.MISE_A_DISPOSITION_COMPTABLE,
                S.COMPTABILISEE,
            ],
            due_date__lt=timezone.localdate(),
        )
    return qs


def encode_cursor(sort: str, invoice: Invoice) -> str:
    field, _desc = SORTS[sort]
    value = getattr(invoice, field)
    raw = value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else str(value))
    return f"{raw}~{invoice.pk}"


def _parse_cursor(sort: str, cursor: str) -> tuple[Any, int] | None:
    """The (value, id) of a cursor; None when it was tampered with (first page then)."""
    field, _desc = SORTS[sort]
    raw, _sep, pk = (cursor or "").rpartition("~")
    try:
        invoice_id = int(pk)
        if field == "deposited_at":
            value: Any = dt.datetime.fromisoformat(raw)
            if timezone.is_naive(value):
                return None
        elif field == "total_ttc":
            value = Decimal(raw)
        else:
            value = dt.date.fromisoformat(raw) if raw else None
    except (ValueError, InvalidOperation):
        return None
    return value, invoice_id


def _after(qs: QuerySet, sort: str, cursor: str | None) -> QuerySet:
    parsed = _parse_cursor(sort, cursor) if cursor else None
    if parsed is None:
        return qs
    field, desc = SORTS[sort]
    value, invoice_id = parsed
    op = "lt" if desc else "gt"
    if value is None:  # due date unknown: those come last (NULLS LAST), ordered by id
        return qs.filter(**{f"{field}__isnull": True, "pk__gt": invoice_id})
    condition = Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": invoice_id})
    if field == "due_date":
        condition |= Q(due_date__isnull=True)
    return qs.filter(condition)


def received_invoices(
    *,
    structure: PublicStructure,
    service_ids: Iterable[int] | None = None,
    filters: Filters | None = None,
    sort: str = DEFAULT_SORT,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> ReceivedPage:
    """A page of the invoices received by ``structure`` (keyset: pass ``next_cursor`` back as
    ``after``). ``service_ids`` restricts to those services (a restricted buyer)."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    limit = max(1, min(limit, PAGE_MAX))
    field, desc = SORTS[sort]
    qs = apply_filters(
        invoices_visible_to_buyer(structure=structure, service_ids=service_ids), filters or Filters()
    )
    qs = _after(qs, sort, after)
    ordering: list[str | OrderBy]
    if field == "due_date":
        ordering = [F("due_date").asc(nulls_last=True), "pk"]
    else:
        ordering = [f"-{field}", "-pk"] if desc else [field, "pk"]
    # ``moe_name``: the maître d'œuvre who validated a works document before it reached the
    # structure (the only way there, tracking.routing), marked on its row; joined, no query per row.
    qs = qs.select_related("supplier", "recipient_service").annotate(
        moe_name=Case(
            When(framework__in=list(FRAMEWORKS_WITH_MOE), validator__isnull=False, then=F("validator__name")),
            default=Value(""),
            output_field=CharField(),
        )
    )
    rows = list(qs.order_by(*ordering)[: limit + 1])
    next_cursor = encode_cursor(sort, rows[limit - 1]) if len(rows) > limit else None
    return ReceivedPage(rows[:limit], next_cursor, sort)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    capped: bool  # "1 000+"


def status_counts(
    *, structure: PublicStructure, service_ids: Iterable[int] | None = None
) -> list[StatusCount]:
    """Invoices per status, each count capped at COUNT_CAP: one query per status on the
    (recipient, status, -deposited_at) index reading at most COUNT_CAP + 1 entries, so never an
    unbounded COUNT however many invoices the structure received."""
    base = invoices_visible_to_buyer(structure=structure, service_ids=service_ids)
    result = []
    for status in BUYER_STATUSES:
        n, capped = bounded_count(base.filter(status=status))
        if n:
            result.append(StatusCount(status, str(S(status).label), n, capped))
    return result


def bounded_count(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """``min(count, cap)`` and whether it was capped: reads at most ``cap + 1`` rows."""
    cap = COUNT_CAP if cap is None else cap
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def received_count(
    *, structure: PublicStructure, service_ids: Iterable[int] | None = None, filters: Filters | None = None
) -> tuple[int, bool]:
    """How many invoices the search finds (capped at COUNT_CAP, like the status chips), for the
    page count of the pagination."""
    qs = apply_filters(
        invoices_visible_to_buyer(structure=structure, service_ids=service_ids), filters or Filters()
    )
    return bounded_count(qs)


def to_process_count(counts: Iterable[StatusCount]) -> tuple[int, bool]:
    """The « À traiter » chip: the invoices made available or completed (TO_PROCESS)."""
    chosen = [c for c in counts if c.status in TO_PROCESS]
    return sum(c.count for c in chosen), any(c.capped for c in chosen)
