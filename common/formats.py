"""One way to write amounts, quantities, rates, units and dates, for every output of the portal:
pages, generated PDFs, e-mails and CSV exports.

French typography (Lexique des règles typographiques de l'Imprimerie nationale): thousands
grouped by a narrow no-break space, decimal comma, a no-break space before the currency symbol
and the percent sign — « 2 080,80 € », « 5,5 % » — and « 1er » for the first day of a month.
Unit names come from UN/ECE Recommendation 20, the code list of BT-130.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats as django_formats
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

NNBSP = "\u202f"  # narrow no-break space: the French thousands separator
NBSP = "\u00a0"  # no-break space: before "€" and "%"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}

# UN/ECE Recommendation 20 (with Rec. 21 "X…" packaging codes): the codes met on invoices.
UNIT_NAMES: dict[str, str] = {
    "C62": _("unité"),
    "EA": _("unité"),
    "H87": _("pièce"),
    "XPP": _("pièce"),
    "LS": _("forfait"),
    "E48": _("prestation"),
    "HUR": _("heure"),
    "MIN": _("minute"),
    "DAY": _("jour"),
    "WEE": _("semaine"),
    "MON": _("mois"),
    "ANN": _("année"),
    "KGM": _("kilogramme"),
    "GRM": _("gramme"),
    "TNE": _("tonne"),
    "LTR": _("litre"),
    "MTR": _("mètre"),
    "MTK": _("mètre carré"),
    "MTQ": _("mètre cube"),
    "KMT": _("kilomètre"),
    "KWH": _("kilowattheure"),
    "SET": _("lot"),
    "PR": _("paire"),
    "XBX": _("boîte"),
    "XPK": _("paquet"),
    "P1": _("pour cent"),
}


def to_decimal(value: object) -> Decimal | None:
    """A Decimal from a Decimal, int, float or text ("4,50" too); None when it is none of them."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip().replace(NNBSP, "").replace(NBSP, "").replace(",", "."))
    except InvalidOperation:
        return None


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_decimal(
    value: object, *, min_places: int = 0, max_places: int | None = None, grouping: bool = True
) -> str:
    """« 1 234,5 »: the significant decimals, at least ``min_places``, at most ``max_places``
    (rounded half-up). ``grouping=False`` for CSV cells, which spreadsheets read as numbers."""
    number = to_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    places = max(min_places, _places(number))
    if max_places is not None:
        places = min(places, max(max_places, min_places))
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number:,.{places}f}" if grouping else f"{number:.{places}f}"
    return text.replace(",", NNBSP).replace(".", ",")


def format_money(value: object, currency: str = "EUR") -> str:
    """« 2 080,80 € »: two decimals, the currency's symbol (its ISO code when it has none)."""
    if to_decimal(value) is None:
        return "" if value is None else str(value)
    symbol = SYMBOLS.get(currency or "EUR", currency)
    return f"{format_decimal(value, min_places=2, max_places=2)}{NBSP}{symbol}"


def format_price(value: object, currency: str = "") -> str:
    """A unit price: « 4,50 », « 0,1234 » (at least 2 decimals, at most 6, none padded beyond)."""
    text = format_decimal(value, min_places=2, max_places=6)
    if currency and text:
        return f"{text}{NBSP}{SYMBOLS.get(currency, currency)}"
    return text


def format_quantity(value: object) -> str:
    """« 3,5 », « 12 »: a quantity with its significant decimals only."""
    return format_decimal(value, max_places=4)


def format_rate(value: object) -> str:
    """« 5,5 % », « 20 % »."""
    if to_decimal(value) is None:
        return "" if value is None else str(value)
    return f"{format_decimal(value, max_places=4)}{NBSP}%"


def unit_label(code: str | None) -> str:
    """French name of a UN/ECE Recommendation 20 unit code (the code itself when unknown)."""
    if not code:
        return ""
    return str(UNIT_NAMES.get(code.upper(), code))


def format_date(value: date | datetime | None) -> str:
    """« 05/01/2026 » (the short form of tables and CSV files)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def format_long_date(value: date | datetime | None) -> str:
    """« 1er janvier 2026 », « 2 janvier 2026 » (in English: "1 January 2026")."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    text = django_formats.date_format(value, "j F Y")
    if value.day == 1 and (get_language() or "fr").startswith("fr"):
        text = "1er" + text[1:]
    return text


def format_long_datetime(value: datetime | None) -> str:
    """« 1er janvier 2026 à 09:30 » (local time)."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    # Translators: a date and a time, e.g. "1er janvier 2026 à 09:30".
    return _("%(date)s à %(time)s") % {"date": format_long_date(value), "time": value.strftime("%H:%M")}
