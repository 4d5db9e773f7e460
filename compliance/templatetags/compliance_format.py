"""Formatting of figures on the dashboard and the statistics pages."""

from __future__ import annotations

from django import template

from common.formats import format_money

register = template.Library()


def _missing(value: object) -> bool:
    # None, or "" when the template looked up a figure that does not exist for that period.
    return value is None or value == ""


@register.filter
def percent(value: float | None) -> str:
    """0.8734 → "87,3 %"; None → "—"."""
    if _missing(value):
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"


@register.filter
def hours(value: float | None) -> str:
    """A duration in hours, shown in hours under two days and in days above."""
    if _missing(value):
        return "—"
    if value < 48:
        return f"{value:.1f}".replace(".", ",") + "\u00a0h"
    return f"{value / 24:.1f}".replace(".", ",") + "\u00a0j"


@register.filter
def days(value: float | None) -> str:
    if _missing(value):
        return "—"
    return f"{value:.1f}".replace(".", ",") + "\u00a0j"


@register.filter
def thousands(value: int | float | None) -> str:
    if _missing(value):
        return "—"
    return f"{value:,.0f}".replace(",", "\u202f")


@register.filter
def euros(value: object) -> str:
    if _missing(value):
        return "—"
    return format_money(value)


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """The current URL's query string with ``param`` set to ``number`` (other filters kept)."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (and the pages reset)."""
    query = context["request"].GET.copy()
    for name in ("page", "page_structures"):
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = str(value)
    return "?" + query.urlencode()
