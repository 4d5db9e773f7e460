"""A ready-to-deposit Factur-X for the API guide: ACME Fournitures → Commune de Beaufort-en-Anjou
(service FINANCES), with a fresh number each time so that the guide's ``curl`` commands can be
run again and again without hitting the duplicate check.

Built with the invoices app's own CII writer and Factur-X generator, from an unsaved invoice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.utils import timezone

from entities.demo import BEAUFORT_SIRET
from suppliers.demo import ACME_SIRET


def demo_facturx(
    *,
    supplier_identifier: str = ACME_SIRET,
    recipient_siret: str = BEAUFORT_SIRET,
    service_code: str = "FINANCES",
    number: str | None = None,
) -> tuple[str, bytes]:
    """(filename, Factur-X PDF bytes). Raises ``LookupError`` when the demo structures are missing."""
    from invoices.checks import invoice_data_resolve
    from invoices.choices import Channel
    from invoices.cii import invoice_cii_xml
    from invoices.data import InvoiceData, LineData
    from invoices.models import Invoice
    from invoices.services import (
        _apply_fields,
        _build_lines,
        _build_vat_lines,
        _parties_snapshot,
        facturx_pdf,
    )
    from suppliers.models import SupplierStructure

    supplier = SupplierStructure.objects.filter(identifier=supplier_identifier).first()
    if supplier is None:
        raise LookupError(supplier_identifier)
    number = number or f"API-{timezone.localtime():%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"
    data = InvoiceData(
        number=number,
        invoice_date=timezone.localdate(),
        recipient_siret=recipient_siret,
        service_code=service_code,
        payment_mode="VIREMENT",
        iban="FR7630006000011234567890189",
        lines=[
            LineData(
                designation="Ramettes de papier A4 (carton de 5)",
                quantity=Decimal("10"),
                unit_price=Decimal("24.50"),
                vat_rate=Decimal("20"),
            ),
            LineData(
                designation="Livraison",
                quantity=Decimal("1"),
                unit_price=Decimal("15"),
                vat_rate=Decimal("20"),
            ),
        ],
        channel=Channel.UPLOAD_API,
    )
    resolved = invoice_data_resolve(data=data, supplier=supplier, actor=None)
    if resolved.recipient is None:
        raise LookupError(recipient_siret)
    invoice = Invoice(supplier=supplier, channel=Channel.UPLOAD_API, deposited_at=timezone.now())
    _apply_fields(invoice, data=data, totals=resolved.totals, routing=resolved)
    invoice.parties = _parties_snapshot(supplier=supplier, data=data, resolved=resolved)
    invoice.due_date = data.invoice_date + dt.timedelta(days=30)
    lines = _build_lines(invoice, data=data, totals=resolved.totals)
    vat_lines = _build_vat_lines(invoice, totals=resolved.totals)
    xml = invoice_cii_xml(invoice=invoice, lines=lines, vat_lines=vat_lines)
    return f"{number}.pdf", facturx_pdf(invoice=invoice, lines=lines, vat_lines=vat_lines, xml=xml)
