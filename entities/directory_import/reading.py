"""Reading and checking the rows of the files (one French reason per rejected row)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.identifiers import validate_siret

from ..models import PublicCategory
from ..normalize import search_key
from .formats import _LIMITS, FALSE, TRUE, DirectoryImportError, _RowError

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
) -> tuple[Iterator[tuple[int, dict[str, str] | str]], int]:
    """(line number, row as a dict, or a reason string for a malformed row), and the row count."""
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
    wanted = [c for c in (*required, *optional) if c in header]
    positions = {c: header.index(c) for c in wanted}
    width = len(header)

    def generate() -> Iterator[tuple[int, dict[str, str] | str]]:
        try:
            for row in reader:
                line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) > width and not any(cell.strip() for cell in row[width:]):
                    row = row[:width]  # a trailing separator
                if len(row) != width:
                    yield (
                        line,
                        _("%(n)d colonnes au lieu de %(expected)d") % {"n": len(row), "expected": width},
                    )
                    continue
                yield line, {c: row[i].strip() for c, i in positions.items()}
        except csv.Error as exc:
            raise DirectoryImportError(
                _("Le fichier %(path)s est mal formé ligne %(line)d : %(error)s")
                % {"path": path.name, "line": reader.line_num, "error": exc}
            ) from None

    return generate(), total


def _bool(row: dict[str, str], column: str) -> bool:
    value = row[column].strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise _RowError(
        _("colonne %(column)s : valeur « %(value)s » invalide (attendu true ou false)")
        % {"column": column, "value": row[column]}
    )


def _text(row: dict[str, str], column: str, *, required: bool = False) -> str:
    value = row.get(column, "").strip()
    if required and not value:
        raise _RowError(_("colonne %(column)s : valeur obligatoire") % {"column": column})
    limit = _LIMITS.get(column)
    if limit and len(value) > limit:
        raise _RowError(
            _("colonne %(column)s : %(n)d caractères, %(limit)d au plus")
            % {"column": column, "n": len(value), "limit": limit}
        )
    return value


def _siret(row: dict[str, str]) -> str:
    try:
        return validate_siret(row["Identifiant"])
    except ValidationError as exc:
        raise _RowError(_("colonne Identifiant : %(error)s") % {"error": exc.messages[0]}) from None


def _date(row: dict[str, str], column: str) -> date | None:
    value = row[column].strip()
    if not value:
        return None
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
    "ETAT": PublicCategory.ETAT,
    "COLLECTIVITE TERRITORIALE": PublicCategory.COLLECTIVITE,
    "ETABLISSEMENT PUBLIC DE SANTE": PublicCategory.SANTE,
    "SANTE": PublicCategory.SANTE,
}


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


def _structure_values(row: dict[str, str]) -> dict[str, Any]:
    kind = row["TypeIdentifiant"].strip().upper()
    if kind not in ("SIRET", "1", ""):
        raise _RowError(
            _(
                "colonne TypeIdentifiant : « %(value)s » non pris en charge, un destinataire public est "
                "identifié par son SIRET"
            )
            % {"value": row["TypeIdentifiant"]}
        )
    siret = _siret(row)
    name = _text(row, "RaisonSociale", required=True)
    country = _text(row, "CodePays").upper() or "FR"
    if len(country) != 2 or not country.isalpha():
        raise _RowError(
            _("colonne CodePays : « %(value)s » n'est pas un code pays à 2 lettres")
            % {"value": row["CodePays"]}
        )
    email = _text(row, "Courriel")
    if email and "@" not in email:
        raise _RowError(_("colonne Courriel : « %(value)s » n'est pas une adresse e-mail") % {"value": email})
    category = row.get("Categorie", "").strip()
    if category:
        category = _CATEGORY_ALIASES.get(search_key(category).replace(" ", "_"), "") or _CATEGORY_ALIASES.get(
            search_key(category), ""
        )
        if not category:
            raise _RowError(
                _(
                    "colonne Categorie : « %(value)s » inconnue (ETAT, COLLECTIVITE, SANTE ou "
                    "ENTREPRISE_PUBLIQUE)"
                )
                % {"value": row["Categorie"]}
            )
    city = _text(row, "Ville")
    return {
        "siret": siret,
        "identifier_type": "SIRET",
        "name": name,
        "search_name": search_key(name)[:255],
        "edi_emitter": _bool(row, "EmetteurEdi"),
        "edi_receiver": _bool(row, "RecepteurEdi"),
        # GestionStatutMiseEnPaiement: the structure reports the "mise en paiement" status; our
        # flag is Chorus Pro's opposite parameter statutMiseEnPaiementNestPasRemonte.
        "payment_status_not_reported": not _bool(row, "GestionStatutMiseEnPaiement"),
        "engagement_required": _bool(row, "GestionEngagement"),
        "service_code_required": _bool(row, "GestionService"),
        "engagement_or_service_required": _bool(row, "GestionServiceEngagement"),
        "is_moa": _bool(row, "EstMOA"),
        "is_moa_only": _bool(row, "EstMOAUniquement"),
        "active": _bool(row, "StructureActive"),
        "address": _text(row, "Adresse"),
        "address_complement1": _text(row, "ComplementAdresse1"),
        "address_complement2": _text(row, "ComplementAdresse2"),
        "postcode": _text(row, "CodePostal"),
        "city": city,
        "search_city": search_key(city)[:100],
        "phone": _text(row, "NumTelephone"),
        "email": email,
        "country_code": country,
        "country_label": _text(row, "LibellePays"),
        "category": category or None,
    }


def _service_values(row: dict[str, str]) -> dict[str, Any]:
    siret = _siret(row)
    code = _text(row, "CodeService", required=True)
    valid_from = _date(row, "DateDebutValidite")
    valid_to = _date(row, "DateFinValidite")
    if valid_from and valid_to and valid_to < valid_from:
        raise _RowError(_("la date de fin de validité précède la date de début"))
    return {
        "siret": siret,
        "code": code,
        "name": _text(row, "LibelleService", required=True),
        "engagement_required": _bool(row, "GestionEngagement"),
        "active": _bool(row, "ServiceActif"),
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
