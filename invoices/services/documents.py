"""The legal document (Factur-X PDF/A-3, profile EN 16931) and the deposit certificate."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.lifecycle.statuses import InvoiceStatus

from ..checks import (
    CheckError,
    InvoiceRejected,
)
from ..choices import DocumentRole, InvoiceKind
from ..cii import invoice_cii_xml, payment_terms_text, sha256_hex
from ..models import Document, Invoice, InvoiceAllowanceCharge, InvoiceLine, VatLine


class DocumentIntegrityError(Exception):
    """The rebuilt CII XML no longer matches the fingerprint on the deposit certificate: the
    document is not generated (a Factur-X that disagrees with the certificate is worse than none)."""


def invoice_generate_document(*, invoice_id: int) -> None:
    """Generate and store the Factur-X PDF of a sent invoice deposited without a file of its own.
    Idempotent: does nothing when the legal document exists (or for a draft, which has none)."""
    if Document.objects.filter(invoice_id=invoice_id, role=DocumentRole.INVOICE).exists():
        return
    invoice = (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id)
        .first()
    )
    # A deposited file is its own legal document, recorded in the deposit's transaction (so it
    # exists here); any invoice sent without one (form, API data, PDF deposit by API data) gets
    # the Factur-X built from its data, whose CII XML is its fingerprint.
    if invoice is None or invoice.status == InvoiceStatus.BROUILLON:
        return
    lines = list(invoice.lines.all())
    vat_lines = list(invoice.vat_lines.all())
    adjustments = list(invoice.allowances_charges.all())
    xml = invoice_cii_xml(invoice=invoice, lines=lines, vat_lines=vat_lines, allowances_charges=adjustments)
    if sha256_hex(xml) != invoice.fingerprint:
        raise DocumentIntegrityError(
            f"Facture {invoice.pk} : le XML CII recalculé ne correspond plus à l'empreinte du dépôt."
        )
    pdf = facturx_pdf(
        invoice=invoice, lines=lines, vat_lines=vat_lines, xml=xml, allowances_charges=adjustments
    )
    safe_number = re.sub(r"[^A-Za-z0-9._-]+", "-", invoice.number).strip("-") or str(invoice.pk)
    filename = f"facture-{safe_number}.pdf"
    stored_name = default_storage.save(
        f"documents/factures/{invoice.deposited_at:%Y/%m}/{invoice.pk}-{invoice.fingerprint[:16]}.pdf",
        ContentFile(pdf),
    )
    try:
        with transaction.atomic():
            Document.objects.create(
                invoice=invoice,
                role=DocumentRole.INVOICE,
                file=stored_name,
                name=filename,
                content_type="application/pdf",
                size=len(pdf),
                sha256=sha256_hex(pdf),
            )
    except IntegrityError:
        # Another worker recorded the legal document first (constraint document_one_legal_invoice).
        default_storage.delete(stored_name)


def facturx_pdf(
    *,
    invoice: Invoice,
    lines: Sequence[InvoiceLine],
    vat_lines: Sequence[VatLine],
    xml: bytes,
    allowances_charges: Sequence[InvoiceAllowanceCharge] = (),
) -> bytes:
    """The readable invoice (WeasyPrint, PDF/A-3b) with ``xml`` attached as ``factur-x.xml``."""
    import facturx
    import weasyprint

    html = render_to_string(
        "invoices/pdf/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "vat_lines": vat_lines,
            "allowances_charges": sorted(allowances_charges, key=lambda item: item.position),
            "lines_total": sum((line.total_ht for line in lines), Decimal(0)),
            "parties": invoice.parties,
            "payment_terms": payment_terms_text(invoice.parties) if invoice.amount_due > 0 else "",
            "type_label": _type_label(invoice),
        },
    )
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    seller = invoice.parties["seller"]["name"]
    return facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        afrelationship="data",
        lang="fr-FR",
        pdf_metadata={
            "author": seller,
            "keywords": "Factur-X, facture",
            "title": f"{seller} : {_type_label(invoice)} {invoice.number}",
            "subject": f"{_type_label(invoice)} {invoice.number} du {invoice.invoice_date:%d/%m/%Y}",
        },
    )


def deposit_certificate_pdf(*, invoice: Invoice) -> bytes:
    """The deposit certificate ("accusé de dépôt"): identifier, date, fingerprint, parties,
    amounts. Its date starts the payment delay (reference §1.1, §6.1)."""
    import weasyprint

    if invoice.status == InvoiceStatus.BROUILLON or invoice.deposited_at is None:
        raise InvoiceRejected(
            [
                CheckError(
                    code="CPRO-BROUILLON",
                    field="",
                    message=_("Un brouillon n'a pas d'accusé de dépôt : envoyez d'abord la facture."),
                )
            ]
        )
    html = render_to_string(
        "invoices/pdf/certificate.html",
        {
            "invoice": invoice,
            "parties": invoice.parties,
            "type_label": _type_label(invoice),
            "generated_at": timezone.now(),
        },
    )
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


def _type_label(invoice: Invoice) -> str:
    labels: dict[str, str] = {InvoiceKind.AVOIR: "Avoir", InvoiceKind.ACOMPTE: "Facture d'acompte"}
    return labels.get(invoice.kind, "Facture")
