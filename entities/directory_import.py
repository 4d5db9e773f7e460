"""Import of the official directory export (annuaire des destinataires, reference §3.2).

Two semicolon-separated files:

- structures, with the columns of Chorus Pro's export ``telecharger/annuaire/destinataire``:
  ``TypeIdentifiant; Identifiant; RaisonSociale; EmetteurEdi; RecepteurEdi;
  GestionStatutMiseEnPaiement; GestionEngagement; GestionService; GestionServiceEngagement; EstMOA;
  EstMOAUniquement; StructureActive; Adresse; ComplementAdresse1; ComplementAdresse2; CodePostal;
  Ville; NumTelephone; Courriel; CodePays; LibellePays`` (+ an optional ``Categorie``);
- services, in the same spirit: ``Identifiant; CodeService; LibelleService; GestionEngagement;
  ServiceActif; DateDebutValidite; DateFinValidite`` (``Identifiant`` is the structure's SIRET).

Rules:
- every row is checked; a wrong row is rejected with its line number and the reason, the others
  are imported (``strict=True`` imports nothing when any row is wrong);
- a structure is identified by its SIRET and a service by (SIRET, code): importing again updates
  them, never duplicates them; unchanged rows are not rewritten;
- the whole import is one transaction: stopped or failing half-way, it leaves the database as it
  was (never half-imported);
- rows are written by batches with ``INSERT … ON CONFLICT DO UPDATE`` so that the real
  directory's ~150,000 structures import in seconds on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from common.identifiers import validate_siret

from .models import PublicCategory, PublicStructure, Service
from .normalize import search_key

STRUCTURE_COLUMNS = (
    "TypeIdentifiant",
    "Identifiant",
    "RaisonSociale",
    "EmetteurEdi",
    "RecepteurEdi",
    "GestionStatutMiseEnPaiement",
    "GestionEngagement",
    "GestionService",
    "GestionServiceEngagement",
    "EstMOA",
    "EstMOAUniquement",
    "StructureActive",
    "Adresse",
    "ComplementAdresse1",
    "ComplementAdresse2",
    "CodePostal",
    "Ville",
    "NumTelephone",
    "Courriel",
    "CodePays",
    "LibellePays",
)
SERVICE_COLUMNS = (
    "Identifiant",
    "CodeService",
    "LibelleService",
    "GestionEngagement",
    "ServiceActif",
    "DateDebutValidite",
    "DateFinValidite",
)
OPTIONAL_STRUCTURE_COLUMNS = ("Categorie",)
BATCH = 5000

TRUE = {"true", "1", "oui", "o", "vrai", "yes", "y", "x"}
FALSE = {"false", "0", "non", "n", "faux", "no", ""}

# Structure fields written by the import (the category only when given or for a new structure,
# so that a category fixed by the administration survives a re-import).
STRUCTURE_FIELDS = (
    "identifier_type",
    "name",
    "search_name",
    "edi_emitter",
    "edi_receiver",
    "payment_status_not_reported",
    "engagement_required",
    "service_code_required",
    "engagement_or_service_required",
    "is_moa",
    "is_moa_only",
    "active",
    "address",
    "address_complement1",
    "address_complement2",
    "postcode",
    "city",
    "search_city",
    "phone",
    "email",
    "country_code",
    "country_label",
)
SERVICE_FIELDS = ("name", "engagement_required", "active", "valid_from", "valid_to")

_LIMITS = {
    "RaisonSociale": 255,
    "Adresse": 255,
    "ComplementAdresse1": 255,
    "ComplementAdresse2": 255,
    "CodePostal": 10,
    "Ville": 100,
    "NumTelephone": 30,
    "Courriel": 255,
    "LibellePays": 100,
    "CodeService": 100,
    "LibelleService": 255,
}


class DirectoryImportError(Exception):
    """The file cannot be imported at all (unreadable, wrong columns): nothing was written."""


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return _("%(file)s, ligne %(line)d : %(reason)s") % {
            "file": self.file,
            "line": self.line,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    rows_read: int = 0
    structures_created: int = 0
    structures_updated: int = 0
    structures_unchanged: int = 0
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    committed: bool = False


Progress = Callable[[str, int, int], None]


class _RowError(Exception):
    pass


class _Abort(Exception):
    """Rolls the transaction back (strict mode with rejected rows, or dry run)."""


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


# --- Writing -----------------------------------------------------------------------------------


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _upsert(model: type[Model], rows: list[dict[str, Any]], *, unique: list[str], update: list[str]) -> None:
    """Insert the rows, or update the existing ones (same ``unique`` columns), in one statement.

    On PostgreSQL the rows go through COPY into a temporary table, then one ``INSERT … SELECT …
    ON CONFLICT DO UPDATE``: several times faster than a parameterised multi-row INSERT, which is
    what makes the real directory import in well under a minute. Elsewhere (SQLite, the embedded
    default), Django's ``bulk_create(update_conflicts=True)`` does the same.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=unique,
            update_fields=[*update, "updated_at"],
            batch_size=BATCH,
        )
        return
    quote = connection.ops.quote_name
    table = model._meta.db_table
    temp = quote(f"import_{table}")
    names = list(rows[0])
    columns = ", ".join(quote(model._meta.get_field(n).column) for n in names)
    conflict = ", ".join(quote(model._meta.get_field(n).column) for n in unique)
    assignments = ", ".join(
        f"{quote(c)} = EXCLUDED.{quote(c)}"
        for c in (*(model._meta.get_field(n).column for n in update), "updated_at")
    )
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(row[n]) for n in names))
        buffer.write("\n")
    buffer.seek(0)
    # Only quoted table and column names of the model are formatted into the SQL; the data goes
    # through COPY.
    source = f"SELECT {columns} FROM {quote(table)}"  # noqa: S608
    create = f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS {source} WITH NO DATA"
    insert = (
        f"INSERT INTO {quote(table)} ({columns}, created_at, updated_at) "  # noqa: S608
        f"SELECT {columns}, now(), now() FROM {temp} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
    )
    with connection.cursor() as cursor:
        # The temporary table is dropped at the end of the import's transaction.
        cursor.execute(create)
        cursor.execute(f"TRUNCATE {temp}")
        cursor.copy_expert(f"COPY {temp} ({columns}) FROM STDIN", buffer)
        cursor.execute(insert)


def _write_structures(batch: list[dict[str, Any]], report: ImportReport) -> None:
    sirets = [values["siret"] for values in batch]
    compared = (*STRUCTURE_FIELDS, "category")
    existing = {
        row[0]: row[1:]
        for row in PublicStructure.objects.filter(siret__in=sirets).values_list("siret", *compared)
    }
    keep_category: list[dict[str, Any]] = []
    set_category: list[dict[str, Any]] = []
    for values in batch:
        current = existing.get(values["siret"])
        given_category = values.pop("category")
        if current is None:
            values["category"] = given_category or category_from_siren(values["siret"])
            report.structures_created += 1
        else:
            values["category"] = given_category or current[-1]
            if tuple(values[f] for f in compared) == current:
                report.structures_unchanged += 1
                continue
            report.structures_updated += 1
        (set_category if given_category or current is None else keep_category).append(values)
    _upsert(PublicStructure, keep_category, unique=["siret"], update=list(STRUCTURE_FIELDS))
    _upsert(PublicStructure, set_category, unique=["siret"], update=[*STRUCTURE_FIELDS, "category"])


def _write_services(batch: list[tuple[int, dict[str, Any]]], report: ImportReport, file_name: str) -> None:
    ids = dict(
        PublicStructure.objects.filter(siret__in={v["siret"] for _line, v in batch}).values_list(
            "siret", "pk"
        )
    )
    existing = {
        (row[0], row[1]): row[2:]
        for row in Service.objects.filter(structure_id__in=ids.values()).values_list(
            "structure_id", "code", *SERVICE_FIELDS
        )
    }
    rows: list[dict[str, Any]] = []
    for line, values in batch:
        structure_id = ids.get(values["siret"])
        if structure_id is None:
            report.rejected.append(
                Rejection(
                    file_name,
                    line,
                    _(
                        "colonne Identifiant : la structure %(siret)s n'est pas dans l'annuaire (ni en "
                        "base, ni dans le fichier des structures)"
                    )
                    % {"siret": values["siret"]},
                )
            )
            continue
        current = existing.get((structure_id, values["code"]))
        if current is None:
            report.services_created += 1
        elif tuple(values[f] for f in SERVICE_FIELDS) == current:
            report.services_unchanged += 1
            continue
        else:
            report.services_updated += 1
        rows.append(
            {"structure_id": structure_id, "code": values["code"], **{f: values[f] for f in SERVICE_FIELDS}}
        )
    _upsert(Service, rows, unique=["structure", "code"], update=list(SERVICE_FIELDS))


def _import_file(
    path: Path,
    *,
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    clean: Callable[[dict[str, str]], dict[str, Any]],
    key: Callable[[dict[str, Any]], tuple],
    write: Callable[[list[tuple[int, dict[str, Any]]]], None],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    rows, total = _rows(path, columns, optional)
    seen: dict[tuple, int] = {}
    batch: list[tuple[int, dict[str, Any]]] = []
    done = 0
    for line, row in rows:
        done += 1
        report.rows_read += 1
        if isinstance(row, str):
            report.rejected.append(Rejection(path.name, line, row))
            continue
        try:
            values = clean(row)
        except _RowError as exc:
            report.rejected.append(Rejection(path.name, line, str(exc)))
            continue
        first = seen.setdefault(key(values), line)
        if first != line:
            report.rejected.append(
                Rejection(path.name, line, _("doublon de la ligne %(line)d") % {"line": first})
            )
            continue
        batch.append((line, values))
        if len(batch) >= BATCH:
            write(batch)
            batch = []
            if progress:
                progress(path.name, done, max(total, done))
    if batch:
        write(batch)
    if progress:
        progress(path.name, done, done)


def directory_import(
    *,
    structures_file: str | Path | None,
    services_file: str | Path | None = None,
    strict: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update public structures and services from the directory export files.

    Raises ``DirectoryImportError`` (nothing written) when a file cannot be read at all.
    """
    report = ImportReport()
    try:
        with transaction.atomic():
            if structures_file:
                _import_file(
                    Path(structures_file),
                    columns=STRUCTURE_COLUMNS,
                    optional=OPTIONAL_STRUCTURE_COLUMNS,
                    clean=_structure_values,
                    key=lambda v: (v["siret"],),
                    write=lambda batch: _write_structures([v for _line, v in batch], report),
                    report=report,
                    progress=progress,
                )
            if services_file:
                name = Path(services_file).name
                _import_file(
                    Path(services_file),
                    columns=SERVICE_COLUMNS,
                    optional=(),
                    clean=_service_values,
                    key=lambda v: (v["siret"], v["code"]),
                    write=lambda batch: _write_services(batch, report, name),
                    report=report,
                    progress=progress,
                )
            if dry_run or (strict and report.rejected):
                raise _Abort
    except _Abort:
        report.committed = False
        return report
    report.committed = True
    return report
