"""Queries of the compliance dashboard (staff): supplier positions, structures, charts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, FloatField, Max, Q, Sum, Window
from django.db.models.functions import Cast, NullIf, RowNumber

from entities.models import PublicCategory
from invoices.choices import Channel
from suppliers.calendar import obligation_on

from ..models import (
    PAPER,
    ComplianceCategory,
    ComplianceReminder,
    MonthlyVolume,
    PaperInvoice,
    RecipientMonth,
    SupplierCompliance,
)
from .common import PER_PAGE, PageResult, month_start, months_back, page_slice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAPER_INVOICES_SHOWN = 5

CATEGORY_ORDER = [
    ComplianceCategory.GE,
    ComplianceCategory.ETI,
    ComplianceCategory.PME,
    ComplianceCategory.MICRO,
    ComplianceCategory.PUBLIC,
    ComplianceCategory.UNKNOWN,
]

# Deposit channels as the dashboard groups them (issue: portal form, upload, API, EDI flux).
CHANNEL_GROUPS: list[tuple[str, str, frozenset[str]]] = [
    ("portail", "Saisie sur le portail", frozenset({Channel.SAISIE_PORTAIL})),
    (
        "fichier",
        "Dépôt de fichier sur le portail",
        frozenset({Channel.DEPOT_PDF_PORTAIL, Channel.UPLOAD_PORTAIL}),
    ),
    ("api", "API", frozenset({Channel.SAISIE_API, Channel.DEPOT_PDF_API, Channel.UPLOAD_API})),
    ("edi", "Flux EDI", frozenset({Channel.EDI})),
    ("papier", "Papier", frozenset({PAPER})),
]


@dataclass(frozen=True)
class DashboardFilters:
    as_of: date
    category: str = ""
    department: str = ""
    recipient_category: str = ""

    @property
    def period(self) -> tuple[date, date]:
        """Year to date, by whole months: January of the observation year to its month."""
        return date(self.as_of.year, 1, 1), month_start(self.as_of)


# --- supplier positions -----------------------------------------------------------------------------


def positions_queryset(filters: DashboardFilters) -> Any:
    qs = SupplierCompliance.objects.filter(
        recipient_category=filters.recipient_category, obligation_on__lte=filters.as_of
    )
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.department:
        qs = qs.filter(department=filters.department)
    return qs


def paper_after(as_of: date) -> Q:
    return Q(first_paper_on__lte=as_of)


def _no_paper(as_of: date) -> Q:
    return Q(first_paper_on__isnull=True) | Q(first_paper_on__gt=as_of)


def _electronic_only(as_of: date) -> Q:
    return Q(first_electronic_on__lte=as_of) & _no_paper(as_of)


def _without_invoice(as_of: date) -> Q:
    return (Q(first_electronic_on__isnull=True) | Q(first_electronic_on__gt=as_of)) & _no_paper(as_of)


SUPPLIER_STATES: dict[str, tuple[str, Any]] = {
    "non_conformes": ("Ont encore envoyé des factures papier", paper_after),
    "electroniques": ("Uniquement des factures électroniques", _electronic_only),
    "sans_facture": ("Aucune facture depuis l'obligation", _without_invoice),
    "tous": ("Tous les fournisseurs assujettis", lambda as_of: Q()),
}


@dataclass
class CategoryRow:
    category: str
    label: StrOrPromise
    obligation_on: date
    obliged: int = 0
    electronic_only: int = 0
    paper_after: int = 0
    without_invoice: int = 0
    # The category is not obliged yet on the observation date.
    not_yet: bool = False


def compliance_categories(*, filters: DashboardFilters) -> list[CategoryRow]:
    """Per category: suppliers obliged on ``as_of``, those that invoiced only electronically,
    those that still sent paper after their obligation date, and those with no invoice."""

    as_of = filters.as_of
    counts = {
        r["category"]: r
        for r in positions_queryset(filters)
        .values("category")
        .annotate(
            obliged=Count("id"),
            electronic_only=Count("id", filter=_electronic_only(as_of)),
            paper_after=Count("id", filter=paper_after(as_of)),
        )
        .order_by()
    }
    rows = []
    for category in CATEGORY_ORDER:
        if filters.category and category != filters.category:
            continue
        r = counts.get(category, {})
        row = CategoryRow(
            category=category,
            label=ComplianceCategory(category).label,
            obligation_on=obligation_on(category),
            obliged=r.get("obliged", 0),
            electronic_only=r.get("electronic_only", 0),
            paper_after=r.get("paper_after", 0),
            not_yet=obligation_on(category) > as_of,
        )
        row.without_invoice = row.obliged - row.electronic_only - row.paper_after
        rows.append(row)
    return rows


@dataclass
class PaperLine:
    number: str
    invoice_date: date
    amount_ttc: Decimal
    recipient_name: str
    recipient_siret: str


@dataclass
class SupplierRow:
    key: str
    supplier_id: int | None
    name: str
    category: str
    department: str
    obligation_on: date
    first_electronic_on: date | None
    first_paper_on: date | None
    paper_invoices: list[PaperLine] = field(default_factory=list)
    paper_count: int = 0
    paper_amount: Decimal = Decimal(0)
    last_reminder: datetime | None = None

    @property
    def category_label(self) -> StrOrPromise:
        return ComplianceCategory(self.category).label

    def state(self, as_of: date) -> str:
        if self.first_paper_on and self.first_paper_on <= as_of:
            return "papier"
        if self.first_electronic_on and self.first_electronic_on <= as_of:
            return "electronique"
        return "aucune"


def compliance_suppliers(
    *, filters: DashboardFilters, state: str = "non_conformes", page: int = 1, per_page: int = PER_PAGE
) -> PageResult[SupplierRow]:
    """Obliged suppliers in the chosen state, by name, with (for those that sent paper) their
    latest paper invoices after the obligation and the structures that received them."""
    condition = SUPPLIER_STATES.get(state, SUPPLIER_STATES["non_conformes"])[1](filters.as_of)
    qs = positions_queryset(filters).filter(condition).order_by("name", "key")
    positions, has_next = page_slice(qs, page, per_page)
    rows = [
        SupplierRow(
            key=p.key,
            supplier_id=p.supplier_id,
            name=p.name,
            category=p.category,
            department=p.department,
            obligation_on=p.obligation_on,
            first_electronic_on=p.first_electronic_on,
            first_paper_on=p.first_paper_on,
        )
        for p in positions
    ]
    _attach_paper_invoices(rows, filters)
    _attach_reminders(rows)
    return PageResult(rows=rows, number=max(page, 1), has_next=has_next)


def paper_after_obligation(rows: Sequence[SupplierRow], filters: DashboardFilters) -> Q:
    """Paper invoices of these suppliers dated between their obligation date and ``as_of``."""
    by_start: dict[date, list[str]] = defaultdict(list)
    for row in rows:
        by_start[row.obligation_on].append(row.key)
    condition = Q(pk__in=[])
    for start, keys in by_start.items():
        condition |= Q(supplier_siret__in=keys, invoice_date__gte=start)
    condition &= Q(invoice_date__lte=filters.as_of)
    if filters.recipient_category:
        condition &= Q(recipient__category=filters.recipient_category)
    return condition


def _attach_paper_invoices(rows: list[SupplierRow], filters: DashboardFilters) -> None:
    paper_rows = [row for row in rows if row.first_paper_on and row.first_paper_on <= filters.as_of]
    if not paper_rows:
        return
    condition = paper_after_obligation(paper_rows, filters)
    by_key = {row.key: row for row in paper_rows}
    for r in (
        PaperInvoice.objects.filter(condition)
        .values("supplier_siret")
        .annotate(n=Count("id"), amount=Sum("amount_ttc"))
        .order_by()
    ):
        by_key[r["supplier_siret"]].paper_count = r["n"]
        by_key[r["supplier_siret"]].paper_amount = r["amount"] or Decimal(0)
    # The latest few per supplier, in one query (a window function ranks them per supplier).
    latest = (
        PaperInvoice.objects.filter(condition)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("supplier_siret")],
                order_by=[F("invoice_date").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=PAPER_INVOICES_SHOWN)
        .values(
            "supplier_siret", "number", "invoice_date", "amount_ttc", "recipient__name", "recipient__siret"
        )
        .order_by("supplier_siret", "-invoice_date", "-id")
    )
    for line in latest:
        by_key[line["supplier_siret"]].paper_invoices.append(
            PaperLine(
                number=line["number"],
                invoice_date=line["invoice_date"],
                amount_ttc=line["amount_ttc"],
                recipient_name=line["recipient__name"],
                recipient_siret=line["recipient__siret"],
            )
        )


def _attach_reminders(rows: list[SupplierRow]) -> None:
    ids = [row.supplier_id for row in rows if row.supplier_id]
    if not ids:
        return
    last = dict(
        ComplianceReminder.objects.filter(supplier_id__in=ids)
        .values("supplier_id")
        .annotate(last=Max("sent_at"))
        .values_list("supplier_id", "last")
        .order_by()
    )
    for row in rows:
        row.last_reminder = last.get(row.supplier_id) if row.supplier_id else None


# --- public structures --------------------------------------------------------------------------------


@dataclass
class StructureRow:
    recipient_id: int
    name: str
    siret: str
    category: str
    department: str
    electronic: int
    paper: int

    @property
    def total(self) -> int:
        return self.electronic + self.paper

    @property
    def share(self) -> float | None:
        return self.electronic / self.total if self.total else None

    @property
    def category_label(self) -> StrOrPromise:
        return (
            PublicCategory(self.category).label if self.category in PublicCategory.values else self.category
        )


def _structure_months(filters: DashboardFilters) -> Any:
    start, end = filters.period
    qs = RecipientMonth.objects.filter(month__gte=start, month__lte=end)
    if filters.recipient_category:
        qs = qs.filter(recipient_category=filters.recipient_category)
    if filters.department:
        qs = qs.filter(department=filters.department)
    return qs


def compliance_structures_queryset(*, filters: DashboardFilters) -> Any:
    return (
        _structure_months(filters)
        .values("recipient_id", "recipient__name", "recipient__siret", "recipient_category", "department")
        .annotate(electronic=Sum("electronic_count"), paper=Sum("paper_count"))
        .annotate(
            share=Cast(F("electronic"), FloatField())
            / NullIf(Cast(F("electronic") + F("paper"), FloatField()), 0.0)
        )
        .order_by("share", "-paper", "recipient__name", "recipient_id")
    )


def structure_row(r: dict) -> StructureRow:
    return StructureRow(
        recipient_id=r["recipient_id"],
        name=r["recipient__name"],
        siret=r["recipient__siret"],
        category=r["recipient_category"],
        department=r["department"],
        electronic=r["electronic"] or 0,
        paper=r["paper"] or 0,
    )


def compliance_structures(
    *, filters: DashboardFilters, page: int = 1, per_page: int = PER_PAGE
) -> PageResult[StructureRow]:
    """Each public structure's share of invoices received electronically over the year to date
    (lowest first: the structures that still receive most paper)."""
    rows, has_next = page_slice(compliance_structures_queryset(filters=filters), page, per_page)
    return PageResult(rows=[structure_row(r) for r in rows], number=max(page, 1), has_next=has_next)


# --- charts ---------------------------------------------------------------------------------------------


@dataclass
class ShareRow:
    key: Any
    label: StrOrPromise
    electronic: int
    paper: int

    @property
    def total(self) -> int:
        return self.electronic + self.paper

    @property
    def share(self) -> float | None:
        return self.electronic / self.total if self.total else None


def _volumes(filters: DashboardFilters) -> Any:
    qs = MonthlyVolume.objects.all()
    if filters.category:
        qs = qs.filter(supplier_category=filters.category)
    if filters.recipient_category:
        qs = qs.filter(recipient_category=filters.recipient_category)
    return qs


def _split() -> dict[str, Any]:
    return {
        "electronic": Sum("invoices", filter=~Q(channel=PAPER)),
        "paper": Sum("invoices", filter=Q(channel=PAPER)),
    }


def compliance_monthly_share(*, filters: DashboardFilters, months: int = 12) -> list[ShareRow]:
    """Electronic share per month, the ``months`` months up to the observation month."""
    end = month_start(filters.as_of)
    start = months_back(end, months - 1)
    found = {
        r["month"]: r
        for r in _volumes(filters)
        .filter(month__gte=start, month__lte=end)
        .values("month")
        .annotate(**_split())
        .order_by()
    }
    rows = []
    month = start
    while month <= end:
        r = found.get(month, {})
        rows.append(ShareRow(month, month.strftime("%m/%Y"), r.get("electronic") or 0, r.get("paper") or 0))
        month = months_back(month, -1)
    return rows


def compliance_category_share(*, filters: DashboardFilters) -> list[ShareRow]:
    start, end = filters.period
    found = {
        r["supplier_category"]: r
        for r in _volumes(filters)
        .filter(month__gte=start, month__lte=end)
        .values("supplier_category")
        .annotate(**_split())
        .order_by()
    }
    return [
        ShareRow(
            category,
            ComplianceCategory(category).label,
            found.get(category, {}).get("electronic") or 0,
            found.get(category, {}).get("paper") or 0,
        )
        for category in CATEGORY_ORDER
        if not filters.category or category == filters.category
    ]


def compliance_channel_deposits(*, filters: DashboardFilters) -> list[tuple[str, str, int]]:
    """(key, label, invoices) per channel group over the year to date."""
    start, end = filters.period
    per_channel = dict(
        _volumes(filters)
        .filter(month__gte=start, month__lte=end)
        .values("channel")
        .annotate(n=Sum("invoices"))
        .values_list("channel", "n")
        .order_by()
    )
    return [
        (key, label, sum(per_channel.get(channel, 0) for channel in channels))
        for key, label, channels in CHANNEL_GROUPS
    ]
