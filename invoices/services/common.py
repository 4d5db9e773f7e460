"""Helpers shared by the invoice operations: fields from ``InvoiceData``, lines, the parties'
snapshot, and the storage of files (always outside transactions)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from suppliers.models import SupplierStructure

from ..amounts import Totals
from ..attachments import content_type_for
from ..checks import (
    Resolved,
)
from ..choices import DocumentRole
from ..cii import sha256_hex
from ..data import AttachmentData, InvoiceData
from ..models import Document, Invoice, InvoiceAllowanceCharge, InvoiceLine, VatLine

logger = logging.getLogger(__name__)


def _user(actor: Any) -> User | None:
    """The person behind ``actor`` (a technical API account is not one)."""

    return actor if isinstance(actor, User) else None


def _apply_fields(invoice: Invoice, *, data: InvoiceData, totals: Totals, routing: Resolved) -> None:
    invoice.kind = data.kind
    invoice.framework = data.framework
    invoice.number = data.number.strip()
    invoice.invoice_date = data.invoice_date
    invoice.recipient = routing.recipient
    invoice.recipient_service = routing.service
    invoice.validator = routing.validator
    invoice.validator_service_code = data.validator_service_code.strip()
    invoice.supplier_service_code = data.supplier_service_code.strip()
    invoice.engagement_number = data.engagement_number.strip()
    invoice.market_number = data.market_number.strip()
    invoice.currency = data.currency
    invoice.exchange_rate = data.exchange_rate if data.currency != "EUR" else None
    invoice.vat_regime = data.vat_regime
    invoice.vat_exemption_reason = data.vat_exemption_reason.strip()
    invoice.payment_mode = data.payment_mode
    invoice.iban = data.iban.replace(" ", "").upper()
    invoice.global_discount = data.global_discount
    invoice.global_discount_reason = data.global_discount_reason.strip()
    # BT-113 (for a file: minus its rounding amount BT-114, so that BT-115 stays consistent)
    invoice.prepaid_amount = totals.prepaid
    invoice.original_invoice = routing.original_invoice
    invoice.original_invoice_number = data.original_invoice_number.strip()
    invoice.comment = data.comment.strip()
    invoice.total_ht = totals.total_ht
    invoice.total_vat = totals.total_vat
    invoice.total_ttc = totals.total_ttc
    invoice.amount_due = totals.amount_due


def _build_lines(invoice: Invoice, *, data: InvoiceData, totals: Totals) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice=invoice if invoice.pk else None,
            position=i,
            reference=line.reference.strip(),
            designation=line.designation.strip(),
            quantity=line.quantity,
            unit=line.unit or "C62",
            unit_price=line.unit_price,
            discount=line.discount,
            vat_rate=line.vat_rate,
            vat_rate_manual=line.vat_rate_manual,
            vat_category=line.vat_category,
            total_ht=amount.net,
        )
        for i, (line, amount) in enumerate(zip(data.lines, totals.lines, strict=True), start=1)
    ]


def _build_allowances_charges(invoice: Invoice, *, data: InvoiceData) -> list[InvoiceAllowanceCharge]:
    """BG-20 / BG-21 rows, with the VAT category the totals used (declared or derived)."""
    return [
        InvoiceAllowanceCharge(
            invoice=invoice if invoice.pk else None,
            position=i,
            is_charge=item.is_charge,
            amount=computed.amount,
            base=item.base,
            percent=item.percent,
            vat_category=computed.category,
            vat_rate=item.vat_rate,
            vat_rate_manual=item.vat_rate_manual,
            reason=item.reason.strip()[:255],
            reason_code=item.reason_code.strip()[:10],
        )
        for i, (item, computed) in enumerate(
            zip(data.allowances_charges, data.allowance_charge_amounts(), strict=True), start=1
        )
    ]


def _replace_allowances_charges(invoice: Invoice, *, data: InvoiceData) -> list[InvoiceAllowanceCharge]:
    InvoiceAllowanceCharge.objects.filter(invoice=invoice).delete()
    return InvoiceAllowanceCharge.objects.bulk_create(_build_allowances_charges(invoice, data=data))


def _build_vat_lines(invoice: Invoice, *, totals: Totals) -> list[VatLine]:
    return [
        VatLine(
            invoice=invoice if invoice.pk else None,
            rate=row.rate,
            rate_manual=row.rate_manual,
            category=row.category,
            base=row.base,
            amount=row.amount,
        )
        for row in totals.vat_rows
    ]


def _replace_lines(invoice: Invoice, *, data: InvoiceData, totals: Totals) -> list[InvoiceLine]:
    InvoiceLine.objects.filter(invoice=invoice).delete()
    return InvoiceLine.objects.bulk_create(_build_lines(invoice, data=data, totals=totals))


def _replace_vat_lines(invoice: Invoice, *, totals: Totals) -> list[VatLine]:
    VatLine.objects.filter(invoice=invoice).delete()
    return VatLine.objects.bulk_create(_build_vat_lines(invoice, totals=totals))


def _parties_snapshot(
    *, supplier: SupplierStructure, data: InvoiceData, resolved: Resolved
) -> dict[str, Any]:
    recipient = resolved.recipient
    # Data that passed the checks has a recipient: the routing check resolved it.
    assert recipient is not None
    snapshot: dict[str, Any] = {
        "seller": {
            "name": supplier.name,
            "identifier_type": supplier.identifier_type,
            "identifier": supplier.identifier,
            "vat_number": data.seller_vat_number or supplier.vat_number,
            "address": supplier.address,
            "address_complement": supplier.address_complement,
            "postcode": supplier.postcode,
            "city": supplier.city,
            "country_code": supplier.country_code or "FR",
        },
        "buyer": {
            "name": recipient.name,
            "siret": recipient.siret,
            "address": recipient.address,
            "address_complement": recipient.address_complement1,
            "address_complement2": recipient.address_complement2,
            "postcode": recipient.postcode,
            "city": recipient.city,
            "country_code": recipient.country_code or "FR",
            "service_code": resolved.service.code if resolved.service else "",
            "service_name": resolved.service.name if resolved.service else "",
            "payment_delay_days": recipient.payment_delay_days,
        },
    }
    if resolved.validator is not None:
        snapshot["validator"] = {
            "name": resolved.validator.name,
            "identifier": resolved.validator.identifier,
            "service_code": data.validator_service_code.strip(),
        }
    if data.original_invoice_number.strip():
        original = resolved.original_invoice
        snapshot["original_invoice"] = {
            "number": data.original_invoice_number.strip(),
            "date": original.invoice_date.isoformat() if original and original.invoice_date else "",
        }
    return snapshot


def _safe_filename(name: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "fichier"
    return base[-80:]


def _attachments_store(attachments: Sequence[AttachmentData]) -> list[tuple[str, AttachmentData, str]]:
    """Write attachments to storage under unique names: [(stored name, attachment, sha256)]."""
    stored = []
    try:
        for attachment in attachments:
            sha = sha256_hex(attachment.content)
            name = default_storage.save(
                f"documents/pj/{timezone.now():%Y/%m}/{uuid.uuid4().hex}-{_safe_filename(attachment.name)}",
                ContentFile(attachment.content),
            )
            stored.append((name, attachment, sha))
    except BaseException:
        _files_delete([name for name, *_rest in stored])
        raise
    return stored


def _record_attachments(
    invoice: Invoice, *, stored: Sequence[tuple[str, AttachmentData, str]], actor: Any
) -> None:
    Document.objects.bulk_create(
        [
            Document(
                invoice=invoice,
                role=DocumentRole.ATTACHMENT,
                file=name,
                name=attachment.name,
                content_type=content_type_for(attachment.name),
                size=len(attachment.content),
                sha256=sha,
                uploaded_by=_user(actor),
            )
            for name, attachment, sha in stored
        ]
    )


def _files_delete(names: Sequence[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Fichier non supprimé : %s", name, exc_info=True)


def _files_delete_unreferenced(names: Sequence[str]) -> None:
    """After commit: delete files no document refers to any more. A deposited original is stored
    under its SHA-256 and may be the legal document of another invoice: it is then kept."""

    still_used = set(Document.objects.filter(file__in=list(names)).values_list("file", flat=True))
    _files_delete([name for name in names if name not in still_used])
