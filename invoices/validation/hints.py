"""Pre-fill candidates read from the text of a plain PDF (no structured data).

Bounded work: at most MAX_TEXT_PAGES pages and MAX_TEXT_CHARS characters are read, streams are
capped by pdf_limits(), and the patterns below are linear (no nested quantifiers).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum.fr import siret as stdnum_siret

from . import limits
from .pdf import PdfUnreadable, open_pdf, page_texts, pdf_limits
from .safety import Kind, sniff

_SEP = r"[ .\u00a0\u202f]"
_SIRET = re.compile(rf"(?<!\d)(\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{5}})(?!\d)")
_AMOUNT = r"(-?\d{1,3}(?:[ .\u00a0\u202f]\d{3})*[.,]\d{2}|-?\d+[.,]\d{2})(?!\d)"
_CURRENCY = r"\s*(?:€|EUR)?\s*"
_NUMBER_PATTERNS = (
    re.compile(
        r"(?:n[°ºo]\s*(?:de\s+)?facture|num[ée]ro\s+de\s+facture|invoice\s+(?:number|no\.?|#)"
        r"|rechnungs(?:nummer|nr\.?))\s*[:#]?\s*([A-Za-z0-9][\w\-/.]{1,40})",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:facture|avoir|invoice|rechnung)\s+(?:n[°ºo]\.?\s*)?[:#]?\s*"
        r"([A-Za-z0-9][\w\-/.]{1,40})",
        re.IGNORECASE,
    ),
)
_DATE = r"(\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{2}-\d{2})"
_DATE_KEYWORD = re.compile(
    r"(?:date\s+(?:de\s+(?:la\s+)?)?facture|date\s+d['’]émission|invoice\s+date"
    rf"|rechnungsdatum|date)\s*:?\s*{_DATE}",
    re.IGNORECASE,
)
_ANY_DATE = re.compile(rf"(?<!\d){_DATE}(?!\d)")
_TOTALS = {
    "total_ttc": re.compile(
        r"(?:total\s+ttc|montant\s+ttc|net\s+à\s+payer|total\s+à\s+payer|brutto"
        rf"|gesamtbetrag|total\s+amount|amount\s+due){_CURRENCY}:?{_CURRENCY}{_AMOUNT}",
        re.IGNORECASE,
    ),
    "total_ht": re.compile(
        rf"(?:total\s+h\.?t\.?|montant\s+h\.?t\.?|netto|total\s+net|subtotal){_CURRENCY}:?"
        rf"{_CURRENCY}{_AMOUNT}",
        re.IGNORECASE,
    ),
    "total_vat": re.compile(
        r"(?:total\s+(?:tva|taxes)|montant\s+(?:de\s+(?:la\s+)?)?tva"
        rf"|ust\.?(?:\s*\(\s*\d+[,.]?\d*\s*%\s*\))?|mwst\.?|vat){_CURRENCY}:?{_CURRENCY}{_AMOUNT}",
        re.IGNORECASE,
    ),
}


def read_pdf_text_hints(content: bytes) -> dict[str, Any]:
    """Candidates for the deposit form, read from the PDF text.

    Returns ``siret`` (list of 14-digit numbers with a valid Luhn key, in reading order),
    ``invoice_number``, ``issue_date`` (date), ``total_ht``, ``total_vat``, ``total_ttc``
    (Decimal), and ``text_found`` (False for a scanned PDF: nothing to pre-fill). Any value can
    be None; a damaged or hostile PDF gives empty hints, never an exception.
    """
    hints: dict[str, Any] = {
        "siret": [],
        "invoice_number": None,
        "issue_date": None,
        "total_ht": None,
        "total_vat": None,
        "total_ttc": None,
        "text_found": False,
    }
    if not content or len(content) > limits.MAX_DOCUMENT_BYTES or sniff(content).kind != Kind.PDF:
        return hints
    try:
        with pdf_limits():
            reader = open_pdf(content).reader
            text = "\n".join(page_texts(reader))[: limits.MAX_TEXT_CHARS]
    except (PdfUnreadable, RecursionError):
        return hints
    hints.update(hints_from_text(text))
    return hints


def hints_from_text(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {"text_found": bool(text.strip())}
    sirets: list[str] = []
    for match in _SIRET.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if digits not in sirets and stdnum_siret.is_valid(digits):
            sirets.append(digits)
    found["siret"] = sirets
    for pattern in _NUMBER_PATTERNS:
        number = next(
            (m.group(1).rstrip(".") for m in pattern.finditer(text) if re.search(r"\d", m.group(1))),
            None,
        )
        if number:
            found["invoice_number"] = number
            break
    date_match = _DATE_KEYWORD.search(text) or _ANY_DATE.search(text)
    found["issue_date"] = _parse_date(date_match.group(1)) if date_match else None
    for key, pattern in _TOTALS.items():
        matches = list(pattern.finditer(text))
        # Totals sit at the bottom of an invoice: the last mention wins.
        found[key] = _parse_amount(matches[-1].group(1)) if matches else None
    return found


def _parse_date(value: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _parse_amount(value: str) -> Decimal | None:
    compact = re.sub(r"[ \u00a0\u202f]", "", value)
    decimal_separator = max(compact.rfind(","), compact.rfind("."))
    integer = re.sub(r"[.,]", "", compact[:decimal_separator])
    try:
        return Decimal(f"{integer}.{compact[decimal_separator + 1 :]}")
    except InvalidOperation:
        return None
