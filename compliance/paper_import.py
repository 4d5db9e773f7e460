"""Reading a CSV file of paper invoices exported from a buyer's accounting software.

Every line is checked and every error is reported with its line number (the header is line 1),
so that the buyer can fix the whole file at once; the service saves nothing unless every line
is valid (all or nothing).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from common.identifiers import validate_siret

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_REPORTED_ERRORS = 200
NUMBER_MAX_LENGTH = 60
NAME_MAX_LENGTH = 255
# Paper invoices older than this are not worth recording (the obligation started in 2017).
OLDEST_DATE = date(2000, 1, 1)
MAX_AMOUNT = Decimal("9999999999999.99")

# Accepted column names, compared without accents, case, spaces, dots, "°", "-" and "_".
COLUMNS: dict[str, tuple[str, ...]] = {
    "siret": ("siret", "siretfournisseur", "siretdufournisseur", "fournisseursiret"),
    "number": ("numero", "numerofacture", "numerodefacture", "nfacture", "nofacture", "facture"),
    "date": ("date", "datefacture", "datedefacture", "datedelafacture"),
    "amount": ("montant", "montantttc", "montanttotal", "montanttotalttc", "totalttc"),
    "name": ("raisonsociale", "fournisseur", "nomfournisseur", "nomdufournisseur"),
}
REQUIRED = ("siret", "number", "date", "amount")
LABELS = {
    "siret": "siret_fournisseur",
    "number": "numero_facture",
    "date": "date_facture",
    "amount": "montant_ttc",
    "name": "raison_sociale",
}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class PaperRow:
    line: int
    siret: str
    number: str
    invoice_date: date
    amount: Decimal
    name: str = ""


class PaperImportError(Exception):
    """The file was refused: ``errors`` are French sentences, line by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _column_key(header: str) -> str:
    decomposed = unicodedata.normalize("NFKD", header or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s._°º\-/()']", "", plain)


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the encoding of French Excel's CSV."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def parse_amount(raw: str) -> Decimal:
    """ "1 234,56", "1234.56", "1.234,56", "-12,00 €" → Decimal; ValueError with a message."""
    text = (raw or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if not text:
        raise ValueError("le montant TTC est obligatoire")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
        raise ValueError(
            f"le montant « {raw} » n'est pas un montant en euros avec au plus 2 décimales (exemple : 1234,56)"
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above already ensures it
        raise ValueError(f"le montant « {raw} » n'est pas lisible") from None
    if amount == 0:
        raise ValueError("le montant TTC ne peut pas être nul")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"le montant « {raw} » est trop élevé")
    return amount


def parse_date(raw: str, *, today: date) -> date:
    text = (raw or "").strip()
    if not text:
        raise ValueError("la date de la facture est obligatoire")
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"la date « {raw} » n'est pas une date valide au format JJ/MM/AAAA")
    return check_date(value, today=today)


def check_date(value: date, *, today: date) -> date:
    if value > today:
        raise ValueError(f"la date du {value:%d/%m/%Y} est dans le futur")
    if value < OLDEST_DATE:
        raise ValueError(f"la date du {value:%d/%m/%Y} est antérieure au 1er janvier 2000 : vérifiez-la")
    return value


def check_siret(raw: str) -> str:
    try:
        return validate_siret(raw)
    except ValidationError as exc:
        raise ValueError(_lower_first(" ".join(exc.messages).rstrip("."))) from None


def check_number(raw: str) -> str:
    number = (raw or "").strip()
    if not number:
        raise ValueError("le numéro de facture est obligatoire")
    if len(number) > NUMBER_MAX_LENGTH:
        raise ValueError(f"le numéro de facture dépasse {NUMBER_MAX_LENGTH} caractères")
    return number


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def parse(content: bytes, *, today: date | None = None) -> list[PaperRow]:
    """The rows of the file, or PaperImportError listing every problem found."""
    today = today or timezone.localdate()
    if not content.strip():
        raise PaperImportError(["Le fichier est vide."])
    if len(content) > MAX_FILE_BYTES:
        size = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
        raise PaperImportError(
            [
                f"Le fichier pèse {size} Mo : la taille maximale est de 5 Mo. "
                "Découpez-le en plusieurs fichiers."
            ]
        )
    text = decode(content)
    first_line = text.splitlines()[0] if text.splitlines() else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise PaperImportError(["Le fichier est vide ou illisible."]) from None
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _column_key(title)
        for field, names in COLUMNS.items():
            if key in names and field not in positions:
                positions[field] = index
    missing = [LABELS[field] for field in REQUIRED if field not in positions]
    if missing:
        raise PaperImportError(
            [
                "Ligne 1 : colonne(s) obligatoire(s) absente(s) : "
                + ", ".join(f"« {name} »" for name in missing)
                + ". La première ligne doit nommer les colonnes : siret_fournisseur;numero_facture;"
                "date_facture;montant_ttc (et, si vous le souhaitez, raison_sociale)."
            ]
        )

    rows: list[PaperRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str, date], int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise PaperImportError(
                    [f"Le fichier compte plus de {MAX_ROWS} factures : découpez-le en plusieurs fichiers."]
                )
            row, row_errors = _parse_record(record, positions, line=line, today=today)
            if row_errors:
                errors.extend(f"Ligne {line} : {message}." for message in row_errors)
                continue
            assert row is not None
            key = (row.siret, row.number, row.invoice_date)
            if key in seen:
                errors.append(
                    f"Ligne {line} : la facture n° {row.number} du {row.invoice_date:%d/%m/%Y} de ce "
                    f"fournisseur figure déjà ligne {seen[key]}."
                )
                continue
            seen[key] = line
            rows.append(row)
    except csv.Error as exc:
        errors.append(f"Ligne {reader.line_num} : la ligne n'est pas un CSV valide ({exc}).")
    if errors:
        raise PaperImportError(errors)
    if not rows:
        raise PaperImportError(["Le fichier ne contient aucune facture après la ligne des titres."])
    return rows


def _parse_record(
    record: list[str], positions: dict[str, int], *, line: int, today: date
) -> tuple[PaperRow | None, list[str]]:
    def cell(field: str) -> str:
        index = positions.get(field)
        return record[index].strip() if index is not None and index < len(record) else ""

    errors: list[str] = []
    values: dict[str, object] = {}
    for field, check in (
        ("siret", check_siret),
        ("number", check_number),
        ("date", lambda raw: parse_date(raw, today=today)),
        ("amount", parse_amount),
    ):
        try:
            values[field] = check(cell(field))
        except ValueError as exc:
            errors.append(str(exc))
    name = cell("name")
    if len(name) > NAME_MAX_LENGTH:
        errors.append(f"la raison sociale dépasse {NAME_MAX_LENGTH} caractères")
    if errors:
        return None, errors
    return (
        PaperRow(
            line=line,
            siret=values["siret"],
            number=values["number"],  # type: ignore[arg-type]
            invoice_date=values["date"],
            amount=values["amount"],
            name=name,  # type: ignore[arg-type]
        ),
        [],
    )
