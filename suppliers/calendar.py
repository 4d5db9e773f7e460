"""The e-invoicing obligation calendar (ordonnance n° 2014-697 of 26 June 2014, art. 3) and the
company size categories of article 51 of the loi de modernisation de l'économie (décret
n° 2008-1354 of 18 December 2008).

Thresholds applied (décret 2008-1354, art. 3):
- microentreprise: fewer than 10 employees AND (turnover ≤ 2 M€ OR balance sheet ≤ 2 M€);
- PME: fewer than 250 employees AND (turnover ≤ 50 M€ OR balance sheet ≤ 43 M€);
- ETI: not a PME, fewer than 5,000 employees AND (turnover ≤ 1.5 Md€ OR balance sheet ≤ 2 Md€);
- grande entreprise: everything else.
When turnover and balance sheet are unknown, the headcount alone decides. When only one of
them is known, it alone must be under the threshold (the "or" cannot be shown otherwise).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .models import SizeCategory

OBLIGATION_START: dict[str, date] = {
    SizeCategory.GE: date(2017, 1, 1),
    SizeCategory.ETI: date(2018, 1, 1),
    SizeCategory.PME: date(2019, 1, 1),
    SizeCategory.MICRO: date(2020, 1, 1),
}
# Public bodies invoicing other public bodies are obliged from the first day.
PUBLIC_BODIES_START = date(2017, 1, 1)
# Every supplier is obliged from this date, whatever its size: a supplier whose size is unknown
# (no declared figures, or seen only on paper) is counted as obliged from then, the most
# favourable reading for it (decision of the portal, the ordonnance names no default).
ALL_SUPPLIERS_START = date(2020, 1, 1)

M = Decimal(1_000_000)
_LIMITS = (
    # (category, max headcount exclusive, max turnover, max balance sheet)
    (SizeCategory.MICRO, 10, 2 * M, 2 * M),
    (SizeCategory.PME, 250, 50 * M, 43 * M),
    (SizeCategory.ETI, 5000, 1500 * M, 2000 * M),
)


def size_category(
    *, headcount: int | None, turnover: Decimal | None = None, balance_sheet: Decimal | None = None
) -> str | None:
    """The LME category from declared figures, or None when the headcount is unknown."""
    if headcount is None:
        return None
    for category, max_headcount, max_turnover, max_balance in _LIMITS:
        if headcount >= max_headcount:
            continue
        if turnover is None and balance_sheet is None:
            return category
        if (turnover is not None and turnover <= max_turnover) or (
            balance_sheet is not None and balance_sheet <= max_balance
        ):
            return category
    return SizeCategory.GE


def obligation_date(category: str | None, *, is_public: bool = False) -> date | None:
    """The date from which a supplier of that category must invoice electronically."""
    if is_public:
        return PUBLIC_BODIES_START
    if not category:
        return None
    return OBLIGATION_START[category]


def effective_size_category(supplier: Any) -> str | None:
    """The category that applies to a supplier structure: the one an administrator set, else
    the one its declared figures give, else the one stored (figures not declared)."""
    stored = getattr(supplier, "size_category", "") or None
    if getattr(supplier, "size_category_set_by_admin", False) and stored:
        return stored
    computed = size_category(
        headcount=supplier.headcount, turnover=supplier.turnover, balance_sheet=supplier.balance_sheet
    )
    return computed or stored


def compliance_category(*, size: str | None, is_public: bool) -> str:
    """The dashboard category (``compliance.models.ComplianceCategory`` value)."""
    if is_public:
        return "PUBLIC"
    return size or "INCONNUE"


def obligation_on(category: str) -> date:
    """The obligation date of a dashboard category, unknown sizes included."""
    if category == "PUBLIC":
        return PUBLIC_BODIES_START
    return OBLIGATION_START.get(category, ALL_SUPPLIERS_START)
