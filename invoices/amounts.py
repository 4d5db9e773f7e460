"""Invoice arithmetic, the way EN 16931 does it. The server's figures are the only ones that count.

- Line net amount (BT-131) = quantity × unit price − line discount, rounded half-up to the cent.
- Document-level allowances (BG-20, amount BT-92) and charges (BG-21, amount BT-99) carry their
  own VAT category and rate (BT-95/96, BT-102/103).
- VAT breakdown (BG-23): one row per VAT category and rate; its base (BT-116) is the sum of the
  line net amounts at that rate, minus the document-level allowances plus the document-level
  charges at that rate (BR-S-08, BR-Z-08, BR-E-08, BR-AE-08…) and its amount (BT-117) is
  base × rate / 100 rounded to the cent (BR-CO-17).
- Totals: BT-106 = Σ BT-131 (BR-CO-10); BT-107 = Σ BT-92 (BR-CO-11); BT-108 = Σ BT-99
  (BR-CO-12); BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13);
  BT-110 = Σ BT-117 (BR-CO-14); BT-112 = BT-109 + BT-110 (BR-CO-15);
  BT-115 = BT-112 − BT-113 (BR-CO-16), where BT-113 carries what is already paid plus Chorus
  Pro's global TTC discount (``montantRemiseGlobaleTTC``, which EN 16931 has no other place for).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import VatCategory, VatRegime

CENT = Decimal("0.01")
ZERO = Decimal("0")


def round_cent(value: Decimal) -> Decimal:
    """Half-up rounding to the cent (EN 16931 amounts have at most 2 decimals, BR-DEC-*)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net_amount(*, quantity: Decimal, unit_price: Decimal, discount: Decimal = ZERO) -> Decimal:
    return round_cent(quantity * unit_price - discount)


def vat_amount(*, base: Decimal, rate: Decimal) -> Decimal:
    return round_cent(base * rate / Decimal(100))


def vat_category_for(*, rate: Decimal, vat_regime: str, declared: str = "") -> str:
    """The EN 16931 category of a line: what a file declared, else S for a positive rate,
    E (exempt, with its reason) under an exemption regime, Z for a 0 % rate."""
    if declared:
        return declared
    if rate > 0:
        return VatCategory.STANDARD
    if vat_regime == VatRegime.EXONERATION:
        return VatCategory.EXEMPT
    return VatCategory.ZERO


@dataclass(frozen=True, slots=True)
class LineAmount:
    category: str
    rate: Decimal
    rate_manual: bool
    net: Decimal


@dataclass(frozen=True, slots=True)
class AllowanceChargeAmount:
    """A document-level allowance (BG-20) or charge (BG-21), already rounded to the cent."""

    is_charge: bool
    category: str
    rate: Decimal
    rate_manual: bool
    amount: Decimal  # BT-92 / BT-99, positive

    @property
    def signed(self) -> Decimal:
        """What it adds to the tax base: a charge adds, an allowance subtracts."""
        return self.amount if self.is_charge else -self.amount


@dataclass(frozen=True, slots=True)
class VatRow:
    category: str
    rate: Decimal
    rate_manual: bool
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    lines: tuple[LineAmount, ...]
    vat_rows: tuple[VatRow, ...]
    lines_total: Decimal  # BT-106
    allowances_total: Decimal  # BT-107
    charges_total: Decimal  # BT-108
    total_ht: Decimal  # BT-109
    total_vat: Decimal
    total_ttc: Decimal
    global_discount: Decimal
    prepaid: Decimal
    amount_due: Decimal


def compute_totals(
    *,
    lines: Iterable[LineAmount],
    allowances_charges: Iterable[AllowanceChargeAmount] = (),
    global_discount: Decimal = ZERO,
    prepaid: Decimal = ZERO,
) -> Totals:
    """Totals and VAT breakdown of already-rounded line amounts (see ``line_net_amount``) and
    document-level allowances and charges."""
    lines = tuple(lines)
    adjustments = tuple(allowances_charges)
    # One group per (category, rate): the lines and the allowances/charges of that category and
    # rate make one VAT breakdown row (BR-S-08: base = Σ BT-131 − Σ BT-92 + Σ BT-99 at that rate).
    bases: dict[tuple[str, Decimal], Decimal] = {}
    rates: dict[tuple[str, Decimal], Decimal] = {}
    manual: dict[tuple[str, Decimal], bool] = {}
    for category, rate, rate_manual, signed in (
        *((line.category, line.rate, line.rate_manual, line.net) for line in lines),
        *((item.category, item.rate, item.rate_manual, item.signed) for item in adjustments),
    ):
        key = (category, rate.normalize())
        bases[key] = bases.get(key, ZERO) + signed
        rates.setdefault(key, rate)
        manual[key] = manual.get(key, False) or rate_manual
    rows = [
        VatRow(
            category=key[0],
            rate=rates[key],
            rate_manual=manual[key],
            base=base,
            amount=vat_amount(base=base, rate=rates[key]),
        )
        for key, base in bases.items()
    ]
    # Highest rate first, as on a paper invoice; stable for equal rates (category order).
    rows.sort(key=lambda r: (-r.rate, r.category))
    lines_total = sum((line.net for line in lines), ZERO)
    allowances_total = sum((item.amount for item in adjustments if not item.is_charge), ZERO)
    charges_total = sum((item.amount for item in adjustments if item.is_charge), ZERO)
    total_ht = lines_total - allowances_total + charges_total
    total_vat = sum((row.amount for row in rows), ZERO)
    total_ttc = total_ht + total_vat
    return Totals(
        lines=lines,
        vat_rows=tuple(rows),
        lines_total=lines_total,
        allowances_total=allowances_total,
        charges_total=charges_total,
        total_ht=total_ht,
        total_vat=total_vat,
        total_ttc=total_ttc,
        global_discount=global_discount,
        prepaid=prepaid,
        amount_due=total_ttc - global_discount - prepaid,
    )
