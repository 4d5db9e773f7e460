"""Invoice arithmetic, the way EN 16931 does it. The server's figures are the only ones that count.

- Line net amount (BT-131) = quantity × unit price − line discount, rounded half-up to the cent.
- VAT breakdown (BG-23): one row per VAT category and rate; its base (BT-116) is the sum of the
  line net amounts at that rate (BR-S-08, BR-Z-08, BR-E-08) and its amount (BT-117) is
  base × rate / 100 rounded to the cent (BR-CO-17).
- Totals: BT-106 = Σ BT-131 (BR-CO-10); BT-109 = BT-106 (no document-level allowance, BR-CO-13);
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
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    global_discount: Decimal
    prepaid: Decimal
    amount_due: Decimal


def compute_totals(
    *, lines: Iterable[LineAmount], global_discount: Decimal = ZERO, prepaid: Decimal = ZERO
) -> Totals:
    """Totals and VAT breakdown of already-rounded line amounts (see ``line_net_amount``)."""
    lines = tuple(lines)
    groups: dict[tuple[str, Decimal], list[LineAmount]] = {}
    for line in lines:
        groups.setdefault((line.category, line.rate.normalize()), []).append(line)
    rows = []
    for (category, _rate), members in groups.items():
        base = sum((m.net for m in members), ZERO)
        rate = members[0].rate
        rows.append(
            VatRow(
                category=category,
                rate=rate,
                rate_manual=any(m.rate_manual for m in members),
                base=base,
                amount=vat_amount(base=base, rate=rate),
            )
        )
    # Highest rate first, as on a paper invoice; stable for equal rates (category order).
    rows.sort(key=lambda r: (-r.rate, r.category))
    total_ht = sum((line.net for line in lines), ZERO)
    total_vat = sum((row.amount for row in rows), ZERO)
    total_ttc = total_ht + total_vat
    return Totals(
        lines=lines,
        vat_rows=tuple(rows),
        total_ht=total_ht,
        total_vat=total_vat,
        total_ttc=total_ttc,
        global_discount=global_discount,
        prepaid=prepaid,
        amount_due=total_ttc - global_discount - prepaid,
    )
