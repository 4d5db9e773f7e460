"""Amounts and rates written the French way: « 1 234,56 € », « 5,5 % »."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from invoices.choices import UNITS
from invoices.selectors import invoice_recent_sent

register = template.Library()

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}


def _group(value: Decimal, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", NNBSP).replace(".", ",")


@register.filter
def money(value: object, currency: str = "EUR") -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{_group(number, 2)}\u00a0{SYMBOLS.get(currency or 'EUR', currency)}"


@register.filter
def number(value: object) -> str:
    """A quantity or a price with its significant decimals only (at least 2 for a price)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return _group(number, places)


@register.filter
def rate(value: object) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",") + "\u00a0%"


@register.filter
def filesize(value: int) -> str:
    if value < 1024:
        return f"{value} o"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} Ko"
    return f"{value / 1024 / 1024:.1f} Mo".replace(".", ",")


@register.simple_tag
def supplier_recent_invoices(workspace: object, limit: int = 5) -> list:
    """The last invoices sent by the workspace's supplier structure (dashboard block)."""

    if workspace is None or not getattr(workspace, "is_supplier", False):
        return []
    return invoice_recent_sent(supplier=workspace.structure, limit=limit)


@register.filter
def unit_label(code: str) -> str:
    """French label of a UN/ECE Recommendation 20 unit code (the code itself when unknown)."""

    return str(dict(UNITS).get(code, code))
