"""Template tags of the structure pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_pending_requests

register = template.Library()


@register.simple_tag
def pending_requests(user: Any) -> list[Any]:
    """The user's requests to join structures that are not approved yet (at most 10 of each)."""
    if not getattr(user, "is_authenticated", False):
        return []
    supplier_requests, buyer_requests = user_pending_requests(user=user, limit=10)
    return [*supplier_requests, *buyer_requests]


# ISO 3166-1 alpha-2 codes of the countries a supplier structure is most often established in.
_COUNTRY_NAMES = {
    "FR": _("France"),
    "DE": _("Allemagne"),
    "AT": _("Autriche"),
    "BE": _("Belgique"),
    "BG": _("Bulgarie"),
    "CY": _("Chypre"),
    "HR": _("Croatie"),
    "DK": _("Danemark"),
    "ES": _("Espagne"),
    "EE": _("Estonie"),
    "FI": _("Finlande"),
    "GR": _("Grèce"),
    "HU": _("Hongrie"),
    "IE": _("Irlande"),
    "IT": _("Italie"),
    "LV": _("Lettonie"),
    "LT": _("Lituanie"),
    "LU": _("Luxembourg"),
    "MT": _("Malte"),
    "NL": _("Pays-Bas"),
    "PL": _("Pologne"),
    "PT": _("Portugal"),
    "CZ": _("Tchéquie"),
    "RO": _("Roumanie"),
    "SK": _("Slovaquie"),
    "SI": _("Slovénie"),
    "SE": _("Suède"),
    "CH": _("Suisse"),
    "GB": _("Royaume-Uni"),
    "NO": _("Norvège"),
    "US": _("États-Unis"),
    "CA": _("Canada"),
    "MA": _("Maroc"),
    "TN": _("Tunisie"),
    "DZ": _("Algérie"),
    "MC": _("Monaco"),
}


@register.filter
def country_name(code: str) -> str:
    """« Allemagne (DE) » for a supplier structure's country code; the code alone if unknown."""
    code = (code or "").upper()
    if not code:
        return ""
    name = _COUNTRY_NAMES.get(code)
    return f"{name} ({code})" if name else code
