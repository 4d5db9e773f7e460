"""Amounts and rates written the French way: « 1 234,56 € », « 5,5 % »."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import template
from django.utils import timezone

from common import format_tags
from invoices.selectors import invoice_recent_sent

register = template.Library()

# The figures are written by ``common.formats``, the one formatter of the portal; these names
# stay here for the templates that load this library.
register.filter("money", format_tags.money)
register.filter("number", format_tags.number)
register.filter("price", format_tags.price)
register.filter("quantity", format_tags.quantity)
register.filter("rate", format_tags.rate)
register.filter("long_date", format_tags.long_date)


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


register.filter("unit_label", format_tags.unit_label)


@register.filter
def expected_due_date(invoice: Any) -> date | None:
    """The due date printed on the invoice: the one recorded, else the reception (deposit) date
    plus the recipient's payment delay (Code de la commande publique, art. R.2192-10 and
    R.2192-12: the délai global de paiement runs from the reception of the payment request)."""
    if getattr(invoice, "due_date", None):
        return invoice.due_date
    received = getattr(invoice, "deposited_at", None)
    if received is None:
        return None
    parties = getattr(invoice, "parties", None) or {}
    days = (parties.get("buyer") or {}).get("payment_delay_days") or 30
    return timezone.localtime(received).date() + timedelta(days=int(days))
