"""Template filters of ``common.formats``, loaded in every template (``TEMPLATES`` builtins):
the pages, the generated PDFs and the e-mails write figures the same way."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from common import formats

register = template.Library()


@register.filter
def money(value: object, currency: str = "EUR") -> str:
    """« 2 080,80 € »."""
    if value is None or value == "":
        return ""
    return formats.format_money(value, currency or "EUR")


@register.filter
def price(value: object) -> str:
    """A unit price: « 4,50 », « 0,1234 »."""
    return formats.format_price(value)


@register.filter
def quantity(value: object) -> str:
    """« 3,5 »."""
    return formats.format_quantity(value)


@register.filter
def number(value: object) -> str:
    """A number with its significant decimals only (a quantity, an exchange rate)."""
    return formats.format_decimal(value)


@register.filter
def rate(value: object) -> str:
    """« 5,5 % »."""
    if value is None or value == "":
        return ""
    return formats.format_rate(value)


@register.filter
def unit_label(code: str) -> str:
    """« pièce » for H87 (UN/ECE Recommendation 20)."""
    return formats.unit_label(code)


@register.filter
def long_date(value: date | datetime | None) -> str:
    """« 1er janvier 2026 »."""
    return formats.format_long_date(value)


@register.filter
def long_datetime(value: datetime | None) -> str:
    """« 1er janvier 2026 à 09:30 »."""
    return formats.format_long_datetime(value)


@register.filter
def hint_lines(help_text: str) -> str:
    """A field's help text for a DSFR hint (inside the label, so no list): each item of an HTML
    list (e.g. Django's password rules) on its own line, instead of sentences run together."""
    items = re.findall(r"<li[^>]*>(.*?)</li>", str(help_text or ""), flags=re.S)
    if not items:
        return strip_tags(str(help_text or ""))
    return mark_safe("<br>".join(escape(strip_tags(item).strip()) for item in items))  # noqa: S308
