"""The documents of an invoice that is not stored: what the supplier's Factur-X would be.

Used for ready-to-deposit samples (the API guide's Factur-X) and previews: the same CII writer
and Factur-X generator as a sent invoice, on an unsaved ``Invoice`` built from ``InvoiceData``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from ..checks import InvoiceRejected, Resolved, invoice_data_resolve
from ..cii import invoice_cii_xml
from ..data import InvoiceData
from ..models import Invoice
from .common import (
    _apply_fields,
    _build_allowances_charges,
    _build_lines,
    _build_vat_lines,
    _parties_snapshot,
)
from .documents import facturx_pdf

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure


def invoice_preview_documents(*, supplier: SupplierStructure, data: InvoiceData) -> tuple[bytes, bytes]:
    """(CII XML, Factur-X PDF) of the invoice ``data`` describes, issued by ``supplier``, without
    storing anything. Raises ``InvoiceRejected`` with every failed check when the invoice could
    not be sent as it is (its documents would then not be a valid invoice either)."""
    resolved = invoice_data_resolve(data=data, supplier=supplier, actor=None)
    if resolved.errors or resolved.totals is None:
        raise InvoiceRejected(resolved.errors)
    return documents_from_data(supplier=supplier, data=data, resolved=resolved, deposited_at=timezone.now())


def documents_from_data(
    *, supplier: SupplierStructure, data: InvoiceData, resolved: Resolved, deposited_at: datetime
) -> tuple[bytes, bytes]:
    """(CII XML, Factur-X PDF) of checked ``data``: built on an unsaved ``Invoice`` exactly as
    the deposit stores it, so that the PDF made before the deposit's transaction is the legal
    document of the invoice it records."""
    assert resolved.totals is not None
    invoice = Invoice(supplier=supplier, channel=data.channel, deposited_at=deposited_at)
    _apply_fields(invoice, data=data, totals=resolved.totals, routing=resolved)
    invoice.parties = _parties_snapshot(supplier=supplier, data=data, resolved=resolved)
    lines = _build_lines(invoice, data=data, totals=resolved.totals)
    vat_lines = _build_vat_lines(invoice, totals=resolved.totals)
    adjustments = _build_allowances_charges(invoice, data=data)
    xml = invoice_cii_xml(invoice=invoice, lines=lines, vat_lines=vat_lines, allowances_charges=adjustments)
    pdf = facturx_pdf(
        invoice=invoice, lines=lines, vat_lines=vat_lines, xml=xml, allowances_charges=adjustments
    )
    return xml, pdf
