"""Queries on invoices, always scoped to what the user may see.

The visibility rules live here once, one per side, and every page, the buyer's inbox, the
downloads and the API use them (style §14):
- ``supplier_visible``: a supplier structure sees all its invoices (drafts only on the portal);
- ``buyer_visible``: a public structure sees an invoice from the moment it is made available
  (reference §1.1) — never while it is deposited, routed or waiting for its validator —, and a
  rejection only if it is its own;
- ``validator_visible``: the A9/A12 validator sees the sent invoices it validates.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import MembershipStatus
from entities.models import BuyerMembership, PublicStructure
from suppliers.models import SupplierMembership, SupplierStructure

from .choices import DocumentRole
from .lifecycle.machine import BUYER, BUYER_ONLY_IF_SET_BY_BUYER, BUYER_STATUSES
from .lifecycle.models import StatusEvent
from .lifecycle.statuses import InvoiceStatus
from .models import Document, Invoice


def buyer_visible() -> Q:
    """The invoices a public recipient may see, whatever its structure (status rule only)."""
    # Written as a union of disjoint status sets, not "in BUYER_STATUSES and (not REJETEE or …)":
    # the plain statuses are then answered by the (recipient, status) index alone, and only the
    # REJETEE rows look up their history (1 M invoices: the capped count 600 → a few ms).
    visible = Q(status__in=sorted(set(BUYER_STATUSES) - set(BUYER_ONLY_IF_SET_BY_BUYER)))
    for status in BUYER_ONLY_IF_SET_BY_BUYER:
        # e.g. REJETEE: the system's rejections at routing never reached the structure.
        visible |= Q(status=status) & Q(
            Exists(StatusEvent.objects.filter(invoice=OuterRef("pk"), status=status, actor_role=BUYER))
        )
    return visible


def invoices_visible_to_buyer(
    *, structure: PublicStructure | int, service_ids: Iterable[int] | None = None
) -> QuerySet[Invoice]:
    """Every invoice of ``structure`` its buyers may see (restricted to ``service_ids`` if given:
    a buyer attached to some services only)."""
    structure_id = structure if isinstance(structure, int) else structure.pk
    qs = Invoice.objects.filter(buyer_visible(), recipient_id=structure_id)
    if service_ids is not None:
        qs = qs.filter(recipient_service_id__in=list(service_ids))
    return qs


def invoices_visible_to_supplier(
    *, supplier: SupplierStructure | int, drafts: bool = False
) -> QuerySet[Invoice]:
    """A supplier structure's invoices; its drafts only when asked (the API never lists them)."""
    supplier_id = supplier if isinstance(supplier, int) else supplier.pk
    qs = Invoice.objects.filter(supplier_id=supplier_id)
    return qs if drafts else qs.exclude(status=InvoiceStatus.BROUILLON)


def invoices_visible_to_validator(*, validator: SupplierStructure | int) -> QuerySet[Invoice]:
    """The sent invoices an A9/A12 validator (prime contractor, mandataire) validates."""
    validator_id = validator if isinstance(validator, int) else validator.pk
    return Invoice.objects.filter(validator_id=validator_id).exclude(status=InvoiceStatus.BROUILLON)


def _supplier_member(user: Any, structure_ref: str) -> Exists:
    return Exists(
        SupplierMembership.objects.filter(
            user=user,
            status=MembershipStatus.ACTIVE,
            structure_id=OuterRef(structure_ref),
        )
    )


def _buyer_member(user: Any) -> Exists:
    # A membership restricted to services sees only the invoices of those services; without
    # restriction, every invoice of the structure.
    return Exists(
        BuyerMembership.objects.filter(
            user=user,
            status=MembershipStatus.ACTIVE,
            structure_id=OuterRef("recipient_id"),
        ).filter(Q(services__isnull=True) | Q(services=OuterRef("recipient_service_id")))
    )


def invoice_get_for_user(*, user: Any, invoice_id: int) -> Invoice | None:
    """The invoice if ``user`` may see it, else None (an invoice of another structure answers
    exactly like an unknown one).

    - the supplier's active members see all its invoices, drafts included;
    - the recipient structure's active buyers see the invoices sent to it once made available
      (``buyer_visible``), within the services their membership is restricted to;
    - for A9 / A12, the validator's active members see the sent invoices they validate.

    ``invoice.viewer_is_supplier`` tells which side is looking (one query in all)."""
    if not getattr(user, "is_authenticated", False):
        return None
    supplier_side = _supplier_member(user, "supplier_id")
    return (
        Invoice.objects.select_related(
            "supplier", "recipient", "recipient_service", "validator", "original_invoice"
        )
        .annotate(viewer_is_supplier=supplier_side)
        .filter(pk=invoice_id)
        .filter(
            Q(viewer_is_supplier=True)
            | (buyer_visible() & _buyer_member(user))
            | (~Q(status=InvoiceStatus.BROUILLON) & _supplier_member(user, "validator_id"))
        )
        .first()
    )


def invoice_draft_get(*, user: Any, invoice_id: int) -> Invoice | None:
    """A draft the user may edit: one of a supplier structure they are an active member of."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service", "validator")
        .filter(pk=invoice_id, status=InvoiceStatus.BROUILLON)
        .filter(_supplier_member(user, "supplier_id"))
        .first()
    )


def invoice_drafts(*, supplier: Any) -> QuerySet[Invoice]:
    """A supplier's drafts, most recently edited first (index invoice_supplier_drafts)."""
    return (
        Invoice.objects.filter(supplier=supplier, status=InvoiceStatus.BROUILLON)
        .select_related("recipient")
        .order_by("-updated_at", "-id")
    )


def invoice_recent_sent(*, supplier: Any, limit: int = 5) -> list[Invoice]:
    """The supplier's last sent invoices, for the dashboard (index invoice_supplier_recent)."""
    return list(
        Invoice.objects.filter(supplier=supplier)
        .exclude(status=InvoiceStatus.BROUILLON)
        .select_related("recipient")
        .order_by("-created_at", "-id")[:limit]
    )


def invoice_documents(*, invoice: Invoice) -> list[Document]:
    """The legal document first, then the attachments in the order they were added."""
    documents = list(Document.objects.filter(invoice=invoice).order_by("created_at", "pk"))
    return sorted(documents, key=lambda d: d.role != DocumentRole.INVOICE)


def invoice_document_get(*, invoice: Invoice, document_id: int) -> Document | None:
    return Document.objects.filter(invoice=invoice, pk=document_id).first()


def invoice_summary(*, invoice: Invoice) -> dict[str, Any]:
    """What the invoice page shows under the parties: the lines, the document-level allowances
    and charges (BG-20 / BG-21) with BT-106, BT-107 and BT-108, and the VAT breakdown. Three
    queries, whatever the number of lines."""
    lines = list(invoice.lines.all())
    allowances_charges = list(invoice.allowances_charges.all())
    return {
        "lines": lines,
        "vat_lines": list(invoice.vat_lines.all()),
        "allowances_charges": allowances_charges,
        "lines_total": sum((line.total_ht for line in lines), Decimal(0)),  # BT-106
        "allowances_total": sum((i.amount for i in allowances_charges if not i.is_charge), Decimal(0)),
        "charges_total": sum((i.amount for i in allowances_charges if i.is_charge), Decimal(0)),
    }


def invoices_find_for_user(*, user: Any, reference: str, limit: int = 5) -> list[Invoice]:
    """The invoices ``user`` may see (same rule as ``invoice_get_for_user``) whose number is
    ``reference`` (case and spaces ignored), or whose Chorus identifier it is: what a supplier
    types in « Facture concernée » of a support request. Most recent first."""
    if not getattr(user, "is_authenticated", False):
        return []
    reference = "".join((reference or "").split())
    if not reference:
        return []
    match = Q(number__iexact=reference)
    if reference.isdigit() and len(reference) < 12:
        match |= Q(pk=int(reference))
    rows = list(
        Invoice.objects.select_related("supplier", "recipient")
        .annotate(viewer_is_supplier=_supplier_member(user, "supplier_id"))
        .filter(match)
        .filter(
            Q(viewer_is_supplier=True)
            | (
                ~Q(status=InvoiceStatus.BROUILLON)
                & (_buyer_member(user) | _supplier_member(user, "validator_id"))
            )
        )
        .order_by("-id")[:limit]
    )
    # A number typed by the user is meant before an identifier that happens to look like it.
    return sorted(rows, key=lambda invoice: invoice.number.lower() != reference.lower())
