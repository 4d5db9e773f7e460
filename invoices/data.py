"""What a supplier submits, before it is stored: the same shape whatever the channel.

The web form, the upload of a Factur-X / CII / UBL file and the API all build an ``InvoiceData``
and hand it to ``invoices.checks.invoice_data_check`` and ``invoices.services``. Field names
follow Chorus Pro's ``soumettre`` (reference §4.2) and each carries its EN 16931 business term,
so a parsed CII/UBL invoice maps onto it directly (``invoice_data_from_parsed``).

Amounts given by a file or an API call (``declared_*``) are what the sender claims; the portal
recomputes everything from the lines and refuses the invoice when the two disagree
(``CPRO-TOTAUX``). The form never declares totals: the server's figures are the only ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .amounts import (
    ZERO,
    AllowanceChargeAmount,
    LineAmount,
    Totals,
    compute_totals,
    line_net_amount,
    round_cent,
    vat_category_for,
)
from .choices import PAYMENT_MEANS_CODE, Channel, Framework, InvoiceKind, VatRegime

if TYPE_CHECKING:
    from .models import Invoice


@dataclass(slots=True)
class LineData:
    """One invoice line (``lignePoste``, BG-25)."""

    designation: str  # BT-153
    quantity: Decimal  # BT-129
    unit_price: Decimal  # BT-146, excl. VAT
    vat_rate: Decimal  # BT-152, percent
    reference: str = ""  # BT-155 (seller's item reference)
    unit: str = ""  # BT-130, UN/ECE Recommendation 20 code (C62 when empty)
    discount: Decimal = ZERO  # BT-136, line allowance excl. VAT
    vat_rate_manual: bool = False  # ``lignePosteTauxTvaManuel``: a rate outside the French list
    vat_category: str = ""  # BT-151 when a file declares it (AE, K, G, O…); else derived
    declared_net: Decimal | None = None  # BT-131 as declared by a file or API call

    def net_amount(self) -> Decimal:
        return line_net_amount(quantity=self.quantity, unit_price=self.unit_price, discount=self.discount)


@dataclass(slots=True)
class AllowanceChargeData:
    """A document-level allowance (BG-20) or charge (BG-21): a discount or a fee on the whole
    invoice, excl. VAT, with the VAT category and rate it falls under."""

    amount: Decimal  # BT-92 / BT-99, excl. VAT, positive
    vat_rate: Decimal  # BT-96 / BT-103, percent
    is_charge: bool = False  # False: allowance (remise), True: charge (frais)
    vat_category: str = ""  # BT-95 / BT-102 when declared; else derived from the rate
    reason: str = ""  # BT-97 / BT-104
    reason_code: str = ""  # BT-98 / BT-105 (UNTDID 5189 for allowances, 7161 for charges)
    base: Decimal | None = None  # BT-93 / BT-100, informative
    percent: Decimal | None = None  # BT-94 / BT-101, informative
    vat_rate_manual: bool = False


@dataclass(slots=True)
class VatLineData:
    """A VAT breakdown row declared by a file or API call (``ligneTva``, BG-23)."""

    rate: Decimal  # BT-119
    base: Decimal  # BT-116
    amount: Decimal  # BT-117
    category: str = ""  # BT-118
    rate_manual: bool = False


@dataclass(slots=True)
class AttachmentData:
    """A supporting document (PJ type 02) not yet stored."""

    name: str
    content: bytes
    content_type: str = ""


@dataclass(slots=True)
class InvoiceData:
    kind: str = InvoiceKind.FACTURE  # BT-3 (380 / 381 / 386)
    framework: str = Framework.A1  # ``codeCadreFacturation``
    number: str = ""  # BT-1
    invoice_date: dt.date | None = None  # BT-2
    recipient_siret: str = ""  # BT-47, scheme 0009
    service_code: str = ""  # BT-10 (``codeServiceExecutant``)
    engagement_number: str = ""  # BT-13 (``numeroBonCommande``, EJ)
    market_number: str = ""  # BT-12
    supplier_service_code: str = ""
    # A9 / A12: identifier (SIRET) of the prime contractor / mandataire who validates.
    validator_identifier: str = ""
    validator_service_code: str = ""
    currency: str = "EUR"  # BT-5
    exchange_rate: Decimal | None = None  # euros for one unit of ``currency``
    vat_regime: str = VatRegime.TVA_SUR_DEBIT  # BT-8 (débits 5 / encaissements 72)
    vat_exemption_reason: str = ""  # BT-120
    payment_mode: str = ""  # BT-81 through PAYMENT_MEANS_CODE
    iban: str = ""  # BT-84
    global_discount: Decimal = ZERO  # ``montantRemiseGlobaleTTC``
    global_discount_reason: str = ""
    prepaid_amount: Decimal = ZERO  # BT-113, already paid (A2: the whole amount)
    original_invoice_number: str = ""  # BT-25, required on a credit note
    comment: str = ""  # BT-22
    lines: list[LineData] = field(default_factory=list)
    allowances_charges: list[AllowanceChargeData] = field(default_factory=list)  # BG-20 / BG-21
    attachments: list[AttachmentData] = field(default_factory=list)
    # What a file or an API call declares (None: nothing declared, e.g. the web form).
    declared_vat_lines: list[VatLineData] | None = None
    declared_total_ht: Decimal | None = None  # BT-109
    declared_allowances_total: Decimal | None = None  # BT-107
    declared_charges_total: Decimal | None = None  # BT-108
    declared_total_vat: Decimal | None = None  # BT-110
    declared_vat_total_eur: Decimal | None = None  # BT-111 (VAT in euros of a foreign-currency file)
    declared_total_ttc: Decimal | None = None  # BT-112
    declared_amount_due: Decimal | None = None  # BT-115
    # BT-31 when a file carries it; the supplier structure's VAT number otherwise.
    seller_vat_number: str = ""
    channel: str = Channel.SAISIE_PORTAIL
    source_format: str = ""

    def line_amounts(self) -> list[LineAmount]:
        return [
            LineAmount(
                category=vat_category_for(
                    rate=line.vat_rate, vat_regime=self.vat_regime, declared=line.vat_category
                ),
                rate=line.vat_rate,
                rate_manual=line.vat_rate_manual,
                net=line.net_amount(),
            )
            for line in self.lines
        ]

    def allowance_charge_amounts(self) -> list[AllowanceChargeAmount]:
        return [
            AllowanceChargeAmount(
                is_charge=item.is_charge,
                category=vat_category_for(
                    rate=item.vat_rate, vat_regime=self.vat_regime, declared=item.vat_category
                ),
                rate=item.vat_rate,
                rate_manual=item.vat_rate_manual,
                amount=round_cent(item.amount),
            )
            for item in self.allowances_charges
        ]

    def totals(self) -> Totals:
        return compute_totals(
            lines=self.line_amounts(),
            allowances_charges=self.allowance_charge_amounts(),
            global_discount=self.global_discount,
            prepaid=self.prepaid_amount,
        )


def invoice_data_from_invoice(invoice: Invoice) -> InvoiceData:
    """The submitted data of a stored invoice (a draft being sent, the worker's re-check).

    Reads ``invoice.lines`` and ``invoice.allowances_charges`` (prefetch them for lists) and the
    recipient, service and validator (``select_related`` them). A draft keeps what was typed for
    them in ``parties["draft"]``, so that an unknown SIRET or service code is shown again rather
    than lost."""
    typed = (invoice.parties or {}).get("draft", {})
    return InvoiceData(
        kind=invoice.kind,
        framework=invoice.framework,
        number=invoice.number,
        invoice_date=invoice.invoice_date,
        recipient_siret=invoice.recipient.siret if invoice.recipient_id else typed.get("recipient_siret", ""),
        service_code=(
            invoice.recipient_service.code if invoice.recipient_service_id else typed.get("service_code", "")
        ),
        engagement_number=invoice.engagement_number,
        market_number=invoice.market_number,
        supplier_service_code=invoice.supplier_service_code,
        validator_identifier=(
            invoice.validator.identifier if invoice.validator_id else typed.get("validator_identifier", "")
        ),
        validator_service_code=invoice.validator_service_code,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        vat_regime=invoice.vat_regime,
        vat_exemption_reason=invoice.vat_exemption_reason,
        payment_mode=invoice.payment_mode,
        iban=invoice.iban,
        global_discount=invoice.global_discount,
        global_discount_reason=invoice.global_discount_reason,
        prepaid_amount=invoice.prepaid_amount,
        original_invoice_number=invoice.original_invoice_number,
        comment=invoice.comment,
        lines=[
            LineData(
                designation=line.designation,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                reference=line.reference,
                unit=line.unit,
                discount=line.discount,
                vat_rate_manual=line.vat_rate_manual,
                vat_category=line.vat_category,
            )
            for line in invoice.lines.all()
        ],
        allowances_charges=[
            AllowanceChargeData(
                amount=item.amount,
                vat_rate=item.vat_rate,
                is_charge=item.is_charge,
                vat_category=item.vat_category,
                reason=item.reason,
                reason_code=item.reason_code,
                base=item.base,
                percent=item.percent,
                vat_rate_manual=item.vat_rate_manual,
            )
            for item in invoice.allowances_charges.all()
        ],
        seller_vat_number=(invoice.parties or {}).get("seller", {}).get("vat_number", ""),
        channel=invoice.channel,
        source_format=invoice.source_format,
    )


def _line_from_parsed(line: Any) -> LineData:
    quantity = line.quantity if line.quantity is not None else ZERO
    price = line.net_price if line.net_price is not None else ZERO
    # Line allowances (BG-27) are not read one by one: what separates BT-131 from
    # quantity × net price is the line's allowance.
    discount = ZERO
    if line.line_total is not None:
        gap = line_net_amount(quantity=quantity, unit_price=price) - line.line_total
        discount = gap if gap > 0 else ZERO
    return LineData(
        designation=line.name or "",
        quantity=quantity,
        unit_price=price,
        vat_rate=line.vat_rate if line.vat_rate is not None else ZERO,
        unit=line.unit_code or "",
        discount=discount,
        vat_category=line.vat_category or "",
        declared_net=line.line_total,
    )


def _allowance_charge_from_parsed(item: Any) -> AllowanceChargeData:
    return AllowanceChargeData(
        amount=item.amount if item.amount is not None else ZERO,
        vat_rate=item.vat_rate if item.vat_rate is not None else ZERO,
        is_charge=bool(item.is_charge),
        vat_category=item.vat_category or "",
        reason=(item.reason or "")[:255],
        reason_code=(item.reason_code or "")[:10],
        base=item.base,
        percent=item.percent,
    )


def invoice_data_from_parsed(parsed: Any, *, channel: str, source_format: str = "") -> InvoiceData:
    """Map what the validation engine read from a CII/UBL file (``ParsedInvoice``) onto
    ``InvoiceData``. Everything the file declares is kept as declared, so that the checks compare
    it with the portal's own computation."""

    def dec(value: Decimal | None) -> Decimal:
        return value if value is not None else ZERO

    kind = InvoiceKind.AVOIR if getattr(parsed, "is_credit_note", False) else InvoiceKind.FACTURE
    if getattr(parsed, "type_code", None) == "386":
        kind = InvoiceKind.ACOMPTE
    vat_by_category = {row.category: row for row in parsed.vat_breakdown or []}
    exemption = next((row.exemption_reason for row in parsed.vat_breakdown or [] if row.exemption_reason), "")
    payment_mode = ""
    if parsed.payment_means_code:
        by_code = {code: mode for mode, code in PAYMENT_MEANS_CODE.items()}
        # SEPA credit transfer (58) and credit transfer (30, 31, 42) are "VIREMENT" for Chorus.
        by_code.update({"58": "VIREMENT", "31": "VIREMENT", "42": "VIREMENT", "59": "PRELEVEMENT"})
        payment_mode = by_code.get(parsed.payment_means_code, "AUTRE")
    prepaid = dec(parsed.prepaid)
    return InvoiceData(
        kind=kind,
        number=parsed.number or "",
        invoice_date=parsed.issue_date,
        recipient_siret=(parsed.buyer_siret or "").replace(" ", ""),
        service_code=parsed.buyer_reference or "",
        engagement_number=parsed.purchase_order or "",
        market_number=parsed.contract_reference or "",
        currency=parsed.currency or "EUR",
        vat_regime=VatRegime.EXONERATION if "E" in vat_by_category else VatRegime.TVA_SUR_DEBIT,
        vat_exemption_reason=exemption or "",
        payment_mode=payment_mode,
        iban=(parsed.iban or "").replace(" ", ""),
        prepaid_amount=prepaid,
        original_invoice_number=parsed.preceding_invoice or "",
        comment="\n".join(parsed.notes or []),
        lines=[_line_from_parsed(line) for line in parsed.lines or []],
        allowances_charges=[
            _allowance_charge_from_parsed(item) for item in getattr(parsed, "allowances_charges", None) or []
        ],
        declared_vat_lines=[
            VatLineData(
                rate=dec(row.rate),
                base=dec(row.base),
                amount=dec(row.amount),
                category=row.category or "",
            )
            for row in parsed.vat_breakdown or []
        ],
        declared_total_ht=parsed.total_ht,
        declared_allowances_total=parsed.allowances_total,
        declared_charges_total=parsed.charges_total,
        declared_total_vat=parsed.total_vat,
        declared_vat_total_eur=getattr(parsed, "total_vat_eur", None),
        declared_total_ttc=parsed.total_ttc,
        declared_amount_due=parsed.amount_due,
        seller_vat_number=parsed.seller_vat or "",
        channel=channel,
        source_format=source_format,
    )
