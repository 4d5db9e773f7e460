"""What the validation engine returns: a verdict, its issues and the invoice data it read.

Plain dataclasses, no Django: the engine runs in web workers, Celery tasks and the bench script.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class DocumentFormat(StrEnum):
    """What the file really is, read from its content (never from its name)."""

    FACTURX_PDF = "FACTURX_PDF"  # PDF/A-3 with an embedded CII XML (Factur-X / ZUGFeRD 2.x)
    CII = "CII"  # UN/CEFACT Cross Industry Invoice D16B, standalone XML
    UBL_INVOICE = "UBL_INVOICE"  # OASIS UBL 2.1 Invoice
    UBL_CREDITNOTE = "UBL_CREDITNOTE"  # OASIS UBL 2.1 CreditNote
    PDF = "PDF"  # a PDF without structured data: the deposit form completes it
    UNSUPPORTED = "UNSUPPORTED"


class Profile(StrEnum):
    """Factur-X / ZUGFeRD 2.x profile, read from the guideline identifier (BT-24)."""

    MINIMUM = "MINIMUM"
    BASICWL = "BASICWL"
    BASIC = "BASIC"
    EN16931 = "EN16931"
    EXTENDED = "EXTENDED"


class SyntaxFlux(StrEnum):
    """Chorus Pro ``syntaxeFlux`` codes (reference §5.1)."""

    CII_16B = "IN_DP_E1_CII_16B"
    UBL_INVOICE = "IN_DP_E1_UBL_INVOICE"
    CII_FACTURX = "IN_DP_E2_CII_FACTURX"


class Layer(StrEnum):
    SAFETY = "securite"
    SYNTAX = "syntaxe"
    EN16931 = "en16931"


ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    rule_id: str  # official id (BR-CO-10, UBL-SR-12, FX-SCH-A-000556), XSD, SECU-…, FORMAT-…
    severity: str  # "error" or "warning"
    layer: str  # "securite", "syntaxe" or "en16931"
    message: str  # French, for a non-specialist
    bt: str = ""  # business term, e.g. "BT-112"
    bt_label: str = ""  # its French name, e.g. "Montant total TTC"
    value: str = ""  # the value found, when known
    location: str = ""  # XPath (SVRL location, XSD path)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(slots=True)
class InvoiceLine:
    id: str | None = None  # BT-126
    name: str | None = None  # BT-153
    quantity: Decimal | None = None  # BT-129
    unit_code: str | None = None  # BT-130
    net_price: Decimal | None = None  # BT-146
    line_total: Decimal | None = None  # BT-131
    vat_category: str | None = None  # BT-151
    vat_rate: Decimal | None = None  # BT-152


@dataclass(slots=True)
class VatBreakdown:
    category: str | None = None  # BT-118
    rate: Decimal | None = None  # BT-119
    base: Decimal | None = None  # BT-116
    amount: Decimal | None = None  # BT-117
    exemption_reason: str | None = None  # BT-120 (or its code BT-121)


@dataclass(slots=True)
class AllowanceCharge:
    """A document-level allowance (BG-20) or charge (BG-21)."""

    is_charge: bool = False  # ChargeIndicator: false = allowance (BG-20), true = charge (BG-21)
    amount: Decimal | None = None  # BT-92 / BT-99
    base: Decimal | None = None  # BT-93 / BT-100
    percent: Decimal | None = None  # BT-94 / BT-101
    vat_category: str | None = None  # BT-95 / BT-102
    vat_rate: Decimal | None = None  # BT-96 / BT-103
    reason: str | None = None  # BT-97 / BT-104
    reason_code: str | None = None  # BT-98 / BT-105


@dataclass(slots=True)
class ParsedInvoice:
    """What the invoice says. Every field is optional: a missing value is None."""

    number: str | None = None  # BT-1
    issue_date: dt.date | None = None  # BT-2
    type_code: str | None = None  # BT-3 (380 invoice, 381 credit note, 384 corrective, 389…)
    is_credit_note: bool = False
    currency: str | None = None  # BT-5
    buyer_reference: str | None = None  # BT-10: the Chorus Pro service code
    contract_reference: str | None = None  # BT-12: market number
    purchase_order: str | None = None  # BT-13: engagement (EJ) number
    preceding_invoice: str | None = None  # BT-25
    seller_name: str | None = None  # BT-27
    seller_siret: str | None = None  # BT-30, raw value (a SIRET when the scheme is 0009)
    seller_siret_scheme: str | None = None  # BT-30-1
    seller_vat: str | None = None  # BT-31
    buyer_name: str | None = None  # BT-44
    buyer_siret: str | None = None  # BT-47, raw value
    buyer_siret_scheme: str | None = None  # BT-47-1
    buyer_vat: str | None = None  # BT-48
    iban: str | None = None  # BT-84
    payment_means_code: str | None = None  # BT-81
    notes: list[str] = field(default_factory=list)  # BT-22
    lines: list[InvoiceLine] = field(default_factory=list)  # BG-25
    vat_breakdown: list[VatBreakdown] = field(default_factory=list)  # BG-23
    allowances_charges: list[AllowanceCharge] = field(default_factory=list)  # BG-20 / BG-21
    total_ht: Decimal | None = None  # BT-109
    total_vat: Decimal | None = None  # BT-110
    total_vat_eur: Decimal | None = None  # BT-111, when the invoice is not in euros and BT-6 = EUR
    total_ttc: Decimal | None = None  # BT-112
    allowances_total: Decimal | None = None  # BT-107
    charges_total: Decimal | None = None  # BT-108
    prepaid: Decimal | None = None  # BT-113
    amount_due: Decimal | None = None  # BT-115


@dataclass(slots=True)
class Verdict:
    format: DocumentFormat = DocumentFormat.UNSUPPORTED
    profile: Profile | None = None
    syntax_flux: SyntaxFlux | None = None
    # False for MINIMUM / BASIC WL / plain PDF: the PDF is the legal invoice and the
    # deposit form must complete the data.
    structured: bool = False
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    xml: bytes | None = None  # the CII / UBL XML (extracted from the PDF for Factur-X)
    parsed: ParsedInvoice | None = None
    recognised: str = ""  # French: what the file was recognised as
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per layer

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rule_ids(self) -> set[str]:
        """Ids of every rule reported, errors and warnings."""
        return {issue.rule_id for issue in (*self.errors, *self.warnings)}

    def add(self, issue: Issue) -> None:
        (self.errors if issue.is_error else self.warnings).append(issue)

    def extend(self, issues: list[Issue]) -> None:
        for issue in issues:
            self.add(issue)
