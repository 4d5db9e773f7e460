"""Reading and checking the rows of the files (one French reason per rejected row).

The real directory has ~150,000 structures and ~175,000 services, so the checks are written for
speed: each file's columns are located once, a row stays the list of its cells (no dict per row),
and it comes out as a tuple of strings in PostgreSQL's text form ("t"/"f" for booleans, ISO dates,
"" for no date or no category) that the PostgreSQL writer sends as it is; the ORM writer converts
it (``formats.typed``). The checks run in the order of the columns, so a row with several faults
is rejected for the first one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.identifiers import siret_is_valid, validate_siret

from ..models import PublicCategory
from ..normalize import search_key
from .formats import _LIMITS, FALSE, FLAG_COLUMNS, TRUE, DirectoryImportError, _RowError

Cells = list[str]
Values = tuple[str, ...]
Cleaner = Callable[[Cells], Values]

# --- Reading -----------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryImportError(
            _("Impossible de lire le fichier %(path)s : %(error)s") % {"path": path, "error": exc.strerror}
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Exports re-saved by a spreadsheet on Windows are in Windows-1252.
        return raw.decode("cp1252", errors="replace")


def _rows(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[dict[str, int], Iterator[tuple[int, Cells | str]], int]:
    """The position of each known column, the rows as (line number, stripped cells, or a reason
    string for a malformed row), and the row count. The header is checked at once; the rows are
    read as they are consumed."""
    text = _read_text(path)
    total = max(text.count("\n") - 1, 0)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DirectoryImportError(_("Le fichier %(path)s est vide.") % {"path": path.name}) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise DirectoryImportError(
            _(
                "Le fichier %(path)s n'a pas les colonnes attendues : il manque %(missing)s (séparateur "
                "attendu : point-virgule)."
            )
            % {"path": path.name, "missing": ", ".join(missing)}
        )
    positions = {c: header.index(c) for c in (*required, *optional) if c in header}
    width = len(header)

    def generate() -> Iterator[tuple[int, Cells | str]]:
        try:
            for row in reader:
                if len(row) != width:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # blank line
                    if len(row) > width and not any(cell.strip() for cell in row[width:]):
                        row = row[:width]  # a trailing separator
                    else:
                        yield (
                            reader.line_num,
                            _("%(n)d colonnes au lieu de %(expected)d") % {"n": len(row), "expected": width},
                        )
                        continue
                yield reader.line_num, [cell.strip() for cell in row]
        except csv.Error as exc:
            raise DirectoryImportError(
                _("Le fichier %(path)s est mal formé ligne %(line)d : %(error)s")
                % {"path": path.name, "line": reader.line_num, "error": exc}
            ) from None

    return positions, generate(), total


# --- Checks ------------------------------------------------------------------------------------

_BOOLEANS = {**dict.fromkeys(FALSE, "f"), **dict.fromkeys(TRUE, "t")}
_NEGATION = {"t": "f", "f": "t"}
_SIRET_KINDS = ("SIRET", "1", "")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _boolean(value: str, column: str) -> str:
    flag = _BOOLEANS.get(value) or _BOOLEANS.get(value.lower())
    if flag is None:
        raise _RowError(
            _("colonne %(column)s : valeur « %(value)s » invalide (attendu true ou false)")
            % {"column": column, "value": value}
        )
    return flag


def _booleans(cells: Cells, columns: list[tuple[str, int]]) -> list[str]:
    """The flags of these columns, the first wrong one rejected."""
    flags = [_BOOLEANS.get(cells[position]) for _column, position in columns]
    if None in flags:  # "TRUE", "Oui"… or a wrong value
        flags = [_boolean(cells[position], column) for column, position in columns]
    return flags  # type: ignore[return-value]  # no None left: _boolean raises instead


def _limit(value: str, column: str) -> str:
    limit = _LIMITS.get(column)
    if limit and len(value) > limit:
        raise _RowError(
            _("colonne %(column)s : %(n)d caractères, %(limit)d au plus")
            % {"column": column, "n": len(value), "limit": limit}
        )
    return value


def _required(value: str, column: str) -> str:
    if not value:
        raise _RowError(_("colonne %(column)s : valeur obligatoire") % {"column": column})
    return _limit(value, column)


def _siret(value: str) -> str:
    if siret_is_valid(value):  # the usual case, without the checks that name the fault
        return value
    try:
        return validate_siret(value)
    except ValidationError as exc:
        raise _RowError(_("colonne Identifiant : %(error)s") % {"error": exc.messages[0]}) from None


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    if _ISO_DATE.fullmatch(value):  # the usual form, without strptime's cost
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _RowError(
        _("colonne %(column)s : date « %(value)s » invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")
        % {"column": column, "value": value}
    )


_CATEGORY_ALIASES = {
    **{c.value: c.value for c in PublicCategory},
    **{search_key(str(c.label)): c.value for c in PublicCategory},
    "ETAT": PublicCategory.ETAT.value,
    "COLLECTIVITE TERRITORIALE": PublicCategory.COLLECTIVITE.value,
    "ETABLISSEMENT PUBLIC DE SANTE": PublicCategory.SANTE.value,
    "SANTE": PublicCategory.SANTE.value,
}


def _category(value: str) -> str:
    if not value:
        return ""
    key = search_key(value)
    category = _CATEGORY_ALIASES.get(key.replace(" ", "_"), "") or _CATEGORY_ALIASES.get(key, "")
    if not category:
        raise _RowError(
            _("colonne Categorie : « %(value)s » inconnue (ETAT, COLLECTIVITE, SANTE ou ENTREPRISE_PUBLIQUE)")
            % {"value": value}
        )
    return category


def category_from_siren(siret: str) -> str:
    """The category of a new structure when the file does not give it, from INSEE's numbering
    of public bodies: SIREN 1… for the State and its national public establishments, 2… for
    local authorities and local public establishments, among which 26… for public hospitals;
    anything else (a company number) is a public undertaking. Administrators correct exceptions,
    and a re-import keeps their correction."""
    if siret.startswith("1"):
        return PublicCategory.ETAT
    if siret.startswith("26"):
        return PublicCategory.SANTE
    if siret.startswith("2"):
        return PublicCategory.COLLECTIVITE
    return PublicCategory.ENTREPRISE_PUBLIQUE


def structure_cleaner(positions: dict[str, int]) -> Cleaner:
    """The check of one structure row, for a file whose columns are at ``positions``: the values
    of ``formats.STRUCTURE_VALUES`` (the category "" when the file does not give it)."""
    kind_at, siret_at, name_at = (
        positions["TypeIdentifiant"],
        positions["Identifiant"],
        positions["RaisonSociale"],
    )
    country_at, email_at, city_at = positions["CodePays"], positions["Courriel"], positions["Ville"]
    category_at = positions.get("Categorie")
    flags = [(column, positions[column]) for column in FLAG_COLUMNS]
    address_at, complement1_at = positions["Adresse"], positions["ComplementAdresse1"]
    complement2_at, postcode_at = positions["ComplementAdresse2"], positions["CodePostal"]
    phone_at, country_label_at = positions["NumTelephone"], positions["LibellePays"]

    def clean(cells: Cells) -> Values:
        kind = cells[kind_at]
        if kind not in _SIRET_KINDS and kind.upper() not in _SIRET_KINDS:
            raise _RowError(
                _(
                    "colonne TypeIdentifiant : « %(value)s » non pris en charge, un destinataire public est "
                    "identifié par son SIRET"
                )
                % {"value": kind}
            )
        siret = _siret(cells[siret_at])
        name = _required(cells[name_at], "RaisonSociale")
        country = cells[country_at].upper() or "FR"
        if len(country) != 2 or not country.isalpha():
            raise _RowError(
                _("colonne CodePays : « %(value)s » n'est pas un code pays à 2 lettres")
                % {"value": cells[country_at]}
            )
        email = _limit(cells[email_at], "Courriel")
        if email and "@" not in email:
            raise _RowError(
                _("colonne Courriel : « %(value)s » n'est pas une adresse e-mail") % {"value": email}
            )
        category = _category(cells[category_at]) if category_at is not None else ""
        city = _limit(cells[city_at], "Ville")
        emitter, receiver, payment, engagement, service, either, moa, moa_only, active = _booleans(
            cells, flags
        )
        return (
            siret,
            "SIRET",
            name,
            search_key(name)[:255],
            emitter,
            receiver,
            # GestionStatutMiseEnPaiement: the structure reports the "mise en paiement" status; our
            # flag is Chorus Pro's opposite parameter statutMiseEnPaiementNestPasRemonte.
            _NEGATION[payment],
            engagement,
            service,
            either,
            moa,
            moa_only,
            active,
            _limit(cells[address_at], "Adresse"),
            _limit(cells[complement1_at], "ComplementAdresse1"),
            _limit(cells[complement2_at], "ComplementAdresse2"),
            _limit(cells[postcode_at], "CodePostal"),
            city,
            search_key(city)[:100],
            _limit(cells[phone_at], "NumTelephone"),
            email,
            country,
            _limit(cells[country_label_at], "LibellePays"),
            category,
        )

    return clean


def service_cleaner(positions: dict[str, int]) -> Cleaner:
    """The check of one service row: the values of ``formats.SERVICE_VALUES`` (dates ISO or "")."""
    siret_at, code_at, name_at = (
        positions["Identifiant"],
        positions["CodeService"],
        positions["LibelleService"],
    )
    from_at, to_at = positions["DateDebutValidite"], positions["DateFinValidite"]
    flags = [(column, positions[column]) for column in ("GestionEngagement", "ServiceActif")]

    def clean(cells: Cells) -> Values:
        siret = _siret(cells[siret_at])
        code = _required(cells[code_at], "CodeService")
        valid_from = _date(cells[from_at], "DateDebutValidite")
        valid_to = _date(cells[to_at], "DateFinValidite")
        if valid_from and valid_to and valid_to < valid_from:
            raise _RowError(_("la date de fin de validité précède la date de début"))
        name = _required(cells[name_at], "LibelleService")
        engagement, active = _booleans(cells, flags)
        return (
            siret,
            code,
            name,
            engagement,
            active,
            valid_from.isoformat() if valid_from else "",
            valid_to.isoformat() if valid_to else "",
        )

    return clean
