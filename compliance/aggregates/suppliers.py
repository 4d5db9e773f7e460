"""Each supplier's position with regard to the obligation (the compliance dashboard)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Max,
    Min,
    Q,
)

from suppliers.calendar import ALL_SUPPLIERS_START, compliance_category, obligation_on
from suppliers.models import IdentifierType, SupplierStructure

from ..geography import department_from_postcode
from ..models import (
    ComplianceCategory,
    PaperInvoice,
    SupplierCompliance,
)
from .common import (
    BATCH,
    batched,
    id_chunks,
    local_date,
    local_midnight,
    sent_invoices,
)

# --- supplier positions (the compliance dashboard) ------------------------------------------------------


@dataclass
class _Position:
    first_electronic: date | None = None
    first_paper: date | None = None
    last_paper: date | None = None

    def merge(self, other: _Position) -> None:
        self.first_electronic = _min(self.first_electronic, other.first_electronic)
        self.first_paper = _min(self.first_paper, other.first_paper)
        self.last_paper = _max(self.last_paper, other.last_paper)


def _min(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else max(a, b)


def supplier_key(identifier_type: str, identifier: str) -> str:
    """The dashboard key of a supplier: its SIRET, which paper invoices carry too."""
    return identifier if identifier_type == IdentifierType.SIRET else f"{identifier_type}:{identifier}"


def refresh_supplier_compliance(started: datetime) -> int:
    count = 0
    for low, high in id_chunks(SupplierStructure):
        suppliers = list(
            SupplierStructure.objects.filter(pk__gte=low, pk__lt=high).only(
                "pk",
                "identifier_type",
                "identifier",
                "name",
                "postcode",
                "country_code",
                "is_public",
                "size_category",
            )
        )
        by_obligation: dict[date, list[int]] = defaultdict(list)
        categories: dict[int, str] = {}
        for s in suppliers:
            categories[s.pk] = compliance_category(size=s.size_category or None, is_public=s.is_public)
            by_obligation[obligation_on(categories[s.pk])].append(s.pk)
        # supplier id -> recipient category -> position
        positions: dict[int, dict[str, _Position]] = defaultdict(lambda: defaultdict(_Position))
        for start, ids in by_obligation.items():
            start_dt = local_midnight(start)
            for r in (
                sent_invoices()
                .filter(supplier_id__in=ids)
                .values("supplier_id", "recipient__category")
                .annotate(first=Min("deposited_at", filter=Q(deposited_at__gte=start_dt)))
                .order_by()
            ):
                position = positions[r["supplier_id"]][r["recipient__category"] or ""]
                position.first_electronic = local_date(r["first"]) if r["first"] else None
            for r in (
                PaperInvoice.objects.filter(supplier_id__in=ids)
                .values("supplier_id", "recipient__category")
                .annotate(
                    first=Min("invoice_date", filter=Q(invoice_date__gte=start)),
                    last=Max("invoice_date", filter=Q(invoice_date__gte=start)),
                )
                .order_by()
            ):
                position = positions[r["supplier_id"]][r["recipient__category"]]
                position.first_paper, position.last_paper = r["first"], r["last"]
        rows = []
        for s in suppliers:
            overall = _Position()
            per_category = positions.get(s.pk, {})
            for position in per_category.values():
                overall.merge(position)
            common = {
                "key": supplier_key(s.identifier_type, s.identifier),
                "supplier_id": s.pk,
                "name": s.name,
                "category": categories[s.pk],
                "department": department_from_postcode(s.postcode) if s.country_code == "FR" else "",
                "obligation_on": obligation_on(categories[s.pk]),
                "refreshed_at": started,
            }
            for rc, position in [("", overall), *per_category.items()]:
                rows.append(_compliance_row(common, rc, position))
        _upsert_compliance(rows)
        count += len(suppliers)
    count += _refresh_paper_only_suppliers(started)
    # Suppliers gone, categories no longer used, paper-only SIRETs that registered meanwhile.
    SupplierCompliance.objects.filter(refreshed_at__lt=started).delete()
    return count


def _refresh_paper_only_suppliers(started: datetime) -> int:
    """Suppliers known only by the SIRET on paper invoices: their size is unknown, so they are
    obliged from 1 January 2020 (``calendar.ALL_SUPPLIERS_START``)."""
    start = ALL_SUPPLIERS_START
    grouped = (
        PaperInvoice.objects.filter(supplier__isnull=True)
        .values("supplier_siret", "recipient__category")
        .annotate(
            first=Min("invoice_date", filter=Q(invoice_date__gte=start)),
            last=Max("invoice_date", filter=Q(invoice_date__gte=start)),
            name=Max("supplier_name"),
        )
        .order_by("supplier_siret")
    )

    def rows() -> Iterator[SupplierCompliance]:
        current: str | None = None
        overall = _Position()
        name = ""
        pending: list[tuple[str, _Position]] = []
        for r in grouped.iterator(chunk_size=BATCH):
            if r["supplier_siret"] != current:
                if current is not None:
                    yield from _paper_only_rows(current, name, overall, pending, started)
                current, overall, name, pending = r["supplier_siret"], _Position(), "", []
            position = _Position(first_paper=r["first"], last_paper=r["last"])
            overall.merge(position)
            name = name or r["name"] or ""
            pending.append((r["recipient__category"], position))
        if current is not None:
            yield from _paper_only_rows(current, name, overall, pending, started)

    count = 0
    for batch in batched(rows()):
        _upsert_compliance(batch)
        count += sum(1 for row in batch if row.recipient_category == "")
    return count


def _paper_only_rows(
    siret: str, name: str, overall: _Position, pending: list[tuple[str, _Position]], started: datetime
) -> Iterator[SupplierCompliance]:
    common = {
        "key": siret,
        "supplier_id": None,
        "name": name,
        "category": ComplianceCategory.UNKNOWN,
        "department": "",
        "obligation_on": ALL_SUPPLIERS_START,
        "refreshed_at": started,
    }
    yield _compliance_row(common, "", overall)
    for rc, position in pending:
        yield _compliance_row(common, rc, position)


def _compliance_row(common: dict, recipient_category: str, position: _Position) -> SupplierCompliance:
    return SupplierCompliance(
        **common,
        recipient_category=recipient_category,
        first_electronic_on=position.first_electronic,
        first_paper_on=position.first_paper,
        last_paper_on=position.last_paper,
    )


def _upsert_compliance(rows: list[SupplierCompliance]) -> None:
    for batch in batched(rows):
        SupplierCompliance.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["key", "recipient_category"],
            update_fields=[
                "supplier",
                "name",
                "category",
                "department",
                "obligation_on",
                "first_electronic_on",
                "first_paper_on",
                "last_paper_on",
                "refreshed_at",
            ],
        )
