"""A ready-to-deposit Factur-X for the API guide: ACME Fournitures → Commune de Beaufort-en-Anjou
(service FINANCES), with a fresh number each time so that the guide's ``curl`` commands can be
run again and again without hitting the duplicate check.

Built with the invoices app's own CII writer and Factur-X generator, from an unsaved invoice
(``invoices.services.invoice_preview_documents``).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.utils import timezone

from entities.demo import BEAUFORT_SIRET
from invoices.checks import InvoiceRejected
from invoices.choices import Channel
from invoices.data import InvoiceData, LineData
from invoices.services import invoice_preview_documents
from suppliers.demo import ACME_SIRET
from suppliers.models import SupplierStructure


def demo_facturx(
    *,
    supplier_identifier: str = ACME_SIRET,
    recipient_siret: str = BEAUFORT_SIRET,
    service_code: str = "FINANCES",
    number: str | None = None,
) -> tuple[str, bytes]:
    """(filename, Factur-X PDF bytes). Raises ``LookupError`` when the demo structures are missing
    or the sample would not pass the portal's checks."""

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
    try:
        _xml, pdf = invoice_preview_documents(supplier=supplier, data=data)
    except InvoiceRejected as exc:
        # The demo recipient is missing (or no longer accepts this sample, e.g. its service was
        # closed): the guide's download answers "demo data not loaded" rather than a 500.
        raise LookupError(", ".join(error.code for error in exc.errors) or recipient_siret) from exc
    return f"{number}.pdf", pdf
