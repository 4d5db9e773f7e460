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
- on PostgreSQL, the rows are checked while ``COPY`` writes them, and only new and changed rows
  are written (see ``writing``), so that the real directory's ~150,000 structures import in
  seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .formats import (
    BATCH,
    FLAG_FIELDS,
    OPTIONAL_STRUCTURE_COLUMNS,
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    DirectoryImportError,
    ImportReport,
    Progress,
    Rejection,
    _Abort,
    _RowError,
)
from .reading import Cleaner, Values, _rows, category_from_siren, service_cleaner, structure_cleaner
from .writing import write_services, write_structures

__all__ = [
    "FLAG_FIELDS",
    "SERVICE_COLUMNS",
    "STRUCTURE_COLUMNS",
    "DirectoryImportError",
    "ImportReport",
    "Rejection",
    "category_from_siren",
    "directory_import",
]


def _checked_rows(
    path: Path,
    *,
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    cleaner: Callable[[dict[str, int]], Cleaner],
    key: Callable[[Values], Any],
    report: ImportReport,
    progress: Progress | None,
) -> Iterator[tuple[int, Values]]:
    """The good rows of the file, as (line number, values), read as they are consumed; the others
    go into ``report.rejected`` with their line number and reason. The header is checked now."""
    positions, rows, total = _rows(path, columns, optional)
    clean = cleaner(positions)
    name = path.name

    def generate() -> Iterator[tuple[int, Values]]:
        rejected = report.rejected
        seen: dict[Any, int] = {}
        done = 0
        for line, cells in rows:
            done += 1
            report.rows_read += 1
            if progress and done % BATCH == 0:
                # 100 % is only reported once the rows are written (``directory_import``).
                progress(name, done, max(total, done + 1))
            if isinstance(cells, str):
                rejected.append(Rejection(name, line, cells))
                continue
            try:
                values = clean(cells)
            except _RowError as exc:
                rejected.append(Rejection(name, line, str(exc)))
                continue
            first = seen.setdefault(key(values), line)
            if first != line:
                rejected.append(Rejection(name, line, _("doublon de la ligne %(line)d") % {"line": first}))
                continue
            yield line, values

    return generate()


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
                path = Path(structures_file)
                before = report.rows_read
                write_structures(
                    _checked_rows(
                        path,
                        columns=STRUCTURE_COLUMNS,
                        optional=OPTIONAL_STRUCTURE_COLUMNS,
                        cleaner=structure_cleaner,
                        key=itemgetter(0),  # the SIRET
                        report=report,
                        progress=progress,
                    ),
                    report,
                )
                if progress:
                    progress(path.name, report.rows_read - before, report.rows_read - before)
            if services_file:
                path = Path(services_file)
                before = report.rows_read
                write_services(
                    _checked_rows(
                        path,
                        columns=SERVICE_COLUMNS,
                        optional=(),
                        cleaner=service_cleaner,
                        key=itemgetter(0, 1),  # the SIRET and the service code
                        report=report,
                        progress=progress,
                    ),
                    report,
                    path.name,
                )
                if progress:
                    progress(path.name, report.rows_read - before, report.rows_read - before)
            if dry_run or (strict and report.rejected):
                raise _Abort
            ending = time.perf_counter()
    except _Abort:
        report.committed = False
        return report
    report.timings["commit"] = time.perf_counter() - ending  # deferred foreign-key checks included
    report.committed = True
    return report
