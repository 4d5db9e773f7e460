"""The readable rendering of an invoice deposited as structured XML (CII or UBL): what Chorus Pro
calls the visualisation, answered by ``telecharger/groupe`` with ``format: "PDF"`` (issue 12,
point 6). Generated once from the invoice's data and kept with it (``DocumentRole.RENDERING``);
the legal document stays the deposited XML.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from ..choices import DocumentRole
from ..cii import payment_terms_text, sha256_hex
from ..models import Document, Invoice
from .documents import _type_label


def invoice_rendering_pdf(*, invoice: Invoice) -> bytes:
    """The invoice's data laid out as the portal's own PDF (same template as the Factur-X it
    generates), without an embedded XML: a reading aid, not a second legal document."""
    import weasyprint

    lines = list(invoice.lines.all())
    html = render_to_string(
        "invoices/pdf/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "vat_lines": list(invoice.vat_lines.all()),
            "allowances_charges": sorted(invoice.allowances_charges.all(), key=lambda item: item.position),
            "lines_total": sum((line.total_ht for line in lines), Decimal(0)),
            "parties": invoice.parties,
            "payment_terms": payment_terms_text(invoice.parties) if invoice.amount_due > 0 else "",
            "type_label": _type_label(invoice),
        },
    )
    return weasyprint.HTML(string=html).write_pdf()


def invoice_generate_rendering(*, invoice_id: int) -> Document | None:
    """Store the rendering of an invoice once (idempotent; None for an unknown invoice). The file
    is written before the row, outside any transaction; a concurrent writer wins and the file
    written here is removed."""
    existing = Document.objects.filter(invoice_id=invoice_id, role=DocumentRole.RENDERING).first()
    if existing is not None:
        return existing
    invoice = Invoice.objects.select_related("supplier", "recipient").filter(pk=invoice_id).first()
    if invoice is None:
        return None
    pdf = invoice_rendering_pdf(invoice=invoice)
    stamp = invoice.deposited_at or invoice.created_at
    stored_name = default_storage.save(
        f"documents/rendus/{stamp:%Y/%m}/{invoice.pk}-rendu.pdf", ContentFile(pdf)
    )
    try:
        with transaction.atomic():
            return Document.objects.create(
                invoice=invoice,
                role=DocumentRole.RENDERING,
                file=stored_name,
                name=f"facture-{invoice.pk}-visualisation.pdf",
                content_type="application/pdf",
                size=len(pdf),
                sha256=sha256_hex(pdf),
            )
    except IntegrityError:
        default_storage.delete(stored_name)
        return Document.objects.filter(invoice_id=invoice_id, role=DocumentRole.RENDERING).first()
