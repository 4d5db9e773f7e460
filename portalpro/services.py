"""Operations of Chorus Portal Pro: the structure of a person without a SIRET, and the sending of
a memo of court fees (A3) or of a TIC/TICGN refund request (A21).

Both forms become a payment request deposited by ``invoices.services.invoice_deposit``: the same
checks (``invoices.checks``, including who may send which framework), the same lifecycle up to
« mise en paiement » and the same notifications as any invoice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from invoices.amounts import round_cent
from invoices.choices import Channel, Framework, PaymentMode
from invoices.data import AttachmentData, InvoiceData, LineData
from invoices.errors import CheckError, InvoiceRejected
from invoices.models import Invoice
from invoices.services import invoice_deposit
from suppliers.models import IdentifierType, SupplierStructure
from suppliers.services import bank_account_add, supplier_structure_create

from .models import TicRefundRate
from .selectors import TicPeriod, tic_rates


def individual_structure_create(
    *, user: Any, address: str, postcode: str, city: str, iban: str
) -> SupplierStructure:
    """The ``PARTICULIER`` structure of a person without a SIRET: their name, address and bank
    account; they are its principal manager. The portal gives it its identifier."""
    with transaction.atomic():
        structure = supplier_structure_create(
            actor=user,
            identifier_type=IdentifierType.PARTICULIER,
            name=f"{user.first_name} {user.last_name}".strip() or user.email,
            address=address,
            postcode=postcode,
            city=city,
            country_code="FR",
            email=user.email,
        )
        bank_account_add(structure=structure, actor=user, iban=iban, label="Compte principal")
    return structure


@dataclass(slots=True)
class MemoLine:
    """A tariffed service of the memo: hours, pages, travel… (quantity × unit price)."""

    designation: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal = Decimal(0)


@dataclass(slots=True)
class MemoData:
    recipient_siret: str
    number: str
    invoice_date: dt.date
    requisition: str  # the reference of the judicial requisition the memo answers
    lines: list[MemoLine]
    iban: str
    service_code: str = ""
    comment: str = ""
    attachments: list[AttachmentData] = field(default_factory=list)


def memo_submit(*, supplier: SupplierStructure, actor: Any, memo: MemoData) -> Invoice:
    """Send a memo of court fees (``A3_MEMOIRE_JUSTICE``) to the court, or ``InvoiceRejected``."""
    data = InvoiceData(
        framework=Framework.A3,
        number=memo.number.strip(),
        invoice_date=memo.invoice_date,
        recipient_siret=memo.recipient_siret,
        service_code=memo.service_code,
        # The requisition is the memo's order reference (``numeroBonCommande``, BT-13).
        engagement_number=memo.requisition.strip(),
        payment_mode=PaymentMode.VIREMENT,
        iban=memo.iban,
        comment=memo.comment,
        lines=[
            LineData(
                designation=line.designation,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
            )
            for line in memo.lines
        ],
        attachments=memo.attachments,
    )
    return invoice_deposit(supplier=supplier, data=data, actor=actor, channel=Channel.SAISIE_PORTAIL)


@dataclass(slots=True)
class TicRefundData:
    recipient_siret: str
    number: str
    invoice_date: dt.date
    period: TicPeriod
    volumes: dict[str, Decimal]  # product code → volume consumed, in the unit of its rate
    iban: str
    comment: str = ""
    attachments: list[AttachmentData] = field(default_factory=list)


def tic_refund_lines(
    *, period: TicPeriod, volumes: dict[str, Decimal]
) -> list[tuple[TicRefundRate, Decimal, Decimal]]:
    """(official rate, volume, amount) of each product with a volume: amount = volume × rate."""
    rows = []
    for rate in tic_rates(period=period):
        volume = volumes.get(rate.product)
        if volume:
            rows.append((rate, volume, round_cent(volume * rate.rate)))
    return rows


def tic_refund_submit(*, supplier: SupplierStructure, actor: Any, request: TicRefundData) -> Invoice:
    """Send a TIC/TICGN refund request (``A21_DEMANDE_REMBOURSEMENT_TIC``) to the customs office:
    one line per product, quantity = volume, unit price = the official rate of the period, no
    VAT. Refused (``InvoiceRejected``) when no volume is given or the sender may not send it."""
    rows = tic_refund_lines(period=request.period, volumes=request.volumes)
    if not rows:
        raise InvoiceRejected(
            [
                CheckError(
                    code="CPRO-A21-VOLUMES",
                    field="lines",
                    message=_("Indiquez le volume consommé d'au moins un produit."),
                )
            ]
        )
    period = f"{request.period.start:%d/%m/%Y} – {request.period.end:%d/%m/%Y}"
    data = InvoiceData(
        framework=Framework.A21,
        number=request.number.strip(),
        invoice_date=request.invoice_date,
        recipient_siret=request.recipient_siret,
        payment_mode=PaymentMode.VIREMENT,
        iban=request.iban,
        comment=request.comment,
        lines=[
            LineData(
                reference=rate.product,
                designation=f"{rate.get_product_display()} consommé du {period}",
                quantity=volume,
                unit=rate.unit,
                unit_price=rate.rate,
                vat_rate=Decimal(0),
            )
            for rate, volume, _amount in rows
        ],
        attachments=request.attachments,
    )
    return invoice_deposit(supplier=supplier, data=data, actor=actor, channel=Channel.SAISIE_PORTAIL)
