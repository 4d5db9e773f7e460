"""Writing the checked rows: COPY on PostgreSQL, batches through the ORM elsewhere.

On PostgreSQL (production), for each file:

1. the table is locked against other writers (``SHARE ROW EXCLUSIVE``): searches, reads and
   foreign-key checks go on; an edit of a structure and a second import wait for the commit;
   an autovacuum of the table is cancelled (after ``deadlock_timeout``) and runs again later.
   So what is read in 2 stays true until the commit, and no SIRET created meanwhile can make
   the COPY fail on the unique index;
2. one query reads the key of every row in the table and an MD5 of its imported columns;
3. the rows of the file are checked as PostgreSQL reads them: the new ones go straight into the
   table through one ``COPY`` (PostgreSQL maintains the indexes while Python checks the next
   rows, on the other core), a changed one (its MD5 differs) is kept for step 4, an unchanged one
   is only counted: a re-import of the same file writes nothing;
4. the changed rows are copied into a temporary table and written by one ``UPDATE … FROM``.

Elsewhere (SQLite, the embedded default and the tests), the rows go by batches through
``bulk_create(update_conflicts=True)``, compared with the existing ones first.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils.translation import gettext as _

from ..models import PublicStructure, Service
from .formats import (
    BATCH,
    SERVICE_FIELDS,
    SERVICE_VALUES,
    STRUCTURE_FIELDS,
    STRUCTURE_VALUES,
    ImportReport,
    Rejection,
    typed,
)
from .reading import Values, category_from_siren

CheckedRows = Iterable[tuple[int, Values]]

# Between the compared values of a row when they are hashed: PostgreSQL's concat_ws(chr(31), …)
# and Python's join give the same text (booleans are "t"/"f" on both sides, dates ISO or "").
_UNIT_SEPARATOR = "\x1f"
_NULL = "\\N"


def _lap(report: ImportReport, phase: str, started: float) -> float:
    now = time.perf_counter()
    report.timings[phase] = report.timings.get(phase, 0.0) + now - started
    return now


def _digest(values: tuple[str, ...]) -> str:
    return hashlib.md5(_UNIT_SEPARATOR.join(values).encode(), usedforsecurity=False).hexdigest()


def _copy_text(values: tuple[str, ...]) -> str:
    """Values as one line of PostgreSQL's COPY text format (without the newline)."""
    line = "\t".join(values)
    if "\\" in line or "\n" in line or "\r" in line or line.count("\t") != len(values) - 1:
        line = "\t".join(
            v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            for v in values
        )
    return line


class _CopySource:
    """The file that ``copy_expert`` reads: each ``read()`` runs the import's loop until it has
    1,000 lines to send, so the rows are checked while PostgreSQL writes the previous ones.

    psycopg2 swallows an exception raised inside ``read()`` (it aborts the COPY and raises its
    own error); the exception is kept here and raised again by ``_copy``.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> str:
        try:
            return "".join(islice(self.lines, 1000))
        except BaseException as exc:
            self.error = exc
            raise


def _copy(cursor: CursorWrapper, sql: str, lines: Iterator[str]) -> None:
    source = _CopySource(lines)
    try:
        cursor.copy_expert(sql, source)
    except Exception:
        if source.error is not None:
            raise source.error from None
        raise


def _columns(model: type[Model], names: Iterable[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(model._meta.get_field(n).column) for n in names)


def _update_changed(
    cursor: CursorWrapper, model: type[Model], *, key: list[str], fields: list[str], lines: list[str]
) -> None:
    """Step 4: the changed rows (COPY lines of ``key + fields``) through a temporary table."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    temp = quote(f"import_{model._meta.db_table}")
    columns = _columns(model, [*key, *fields])
    matches = " AND ".join(f"t.{c} = s.{c}" for c in (quote(model._meta.get_field(n).column) for n in key))
    assignments = ", ".join(f"{c} = s.{c}" for c in (quote(model._meta.get_field(n).column) for n in fields))
    # Only quoted table and column names of the model are formatted into the SQL; the data goes
    # through COPY. The temporary table is dropped at the end of the import's transaction.
    create = f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS SELECT {columns} FROM {table}"  # noqa: S608
    cursor.execute(create + " WITH NO DATA")
    cursor.execute(f"TRUNCATE {temp}")
    cursor.copy_expert(f"COPY {temp} ({columns}) FROM STDIN", io.StringIO("".join(lines)))
    cursor.execute(f"ANALYZE {temp}")  # the join below is planned on its true size
    cursor.execute(
        f"UPDATE {table} AS t SET {assignments}, updated_at = now() FROM {temp} AS s WHERE {matches}"  # noqa: S608
    )


def _structures_postgresql(rows: CheckedRows, report: ImportReport) -> None:
    quote = connection.ops.quote_name
    table = quote(PublicStructure._meta.db_table)
    fields = _columns(PublicStructure, STRUCTURE_FIELDS)
    changed: list[str] = []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT now()::text")
        tail = "\t{now}\t{now}\n".format(now=cursor.fetchone()[0])
        cursor.execute(
            f"SELECT siret, category, md5(concat_ws(chr(31), {fields})) FROM {table}"  # noqa: S608
        )
        existing = {siret: (category, digest) for siret, category, digest in cursor}
        started = _lap(report, "structures.prefetch", started)

        def new_lines() -> Iterator[str]:
            for _line, values in rows:
                siret, given = values[0], values[-1]
                current = existing.get(siret)
                if current is None:
                    report.structures_created += 1
                    yield _copy_text(values[:-1]) + "\t" + (given or category_from_siren(siret)) + tail
                # A category given by the file replaces the current one; without it, the one an
                # administrator may have chosen stays.
                elif (given and given != current[0]) or _digest(values[1:-1]) != current[1]:
                    report.structures_updated += 1
                    changed.append(_copy_text(values[:-1]) + "\t" + (given or current[0]) + "\n")
                else:
                    report.structures_unchanged += 1

        columns = _columns(PublicStructure, (*STRUCTURE_VALUES, "created_at", "updated_at"))
        _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", new_lines())
        started = _lap(report, "structures.copy", started)
        if changed:
            _update_changed(
                cursor, PublicStructure, key=["siret"], fields=[*STRUCTURE_FIELDS, "category"], lines=changed
            )
        _lap(report, "structures.update", started)


def _services_postgresql(rows: CheckedRows, report: ImportReport, file_name: str) -> None:
    quote = connection.ops.quote_name
    table = quote(Service._meta.db_table)
    unknown = _(
        "colonne Identifiant : la structure %(siret)s n'est pas dans l'annuaire (ni en base, ni dans le "
        "fichier des structures)"
    )
    changed: list[str] = []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT now()::text")
        tail = "\t{now}\t{now}\n".format(now=cursor.fetchone()[0])
        cursor.execute(f"SELECT siret, id FROM {quote(PublicStructure._meta.db_table)}")  # noqa: S608
        ids: dict[str, int] = dict(cursor.fetchall())
        # The same text as reading.service_cleaner's values: flags "t"/"f", dates ISO or "".
        compared = (
            "name, engagement_required, active, coalesce(to_char(valid_from, 'YYYY-MM-DD'), ''), "
            "coalesce(to_char(valid_to, 'YYYY-MM-DD'), '')"
        )
        cursor.execute(f"SELECT structure_id, code, md5(concat_ws(chr(31), {compared})) FROM {table}")  # noqa: S608
        existing = {(structure_id, code): digest for structure_id, code, digest in cursor}
        started = _lap(report, "services.prefetch", started)

        def new_lines() -> Iterator[str]:
            for line, values in rows:
                siret, code, name, engagement, active, valid_from, valid_to = values
                structure_id = ids.get(siret)
                if structure_id is None:
                    report.rejected.append(Rejection(file_name, line, unknown % {"siret": siret}))
                    continue
                digest = existing.get((structure_id, code))
                if digest is not None and _digest(values[2:]) == digest:
                    report.services_unchanged += 1
                    continue
                text = "\t".join(
                    (
                        str(structure_id),
                        _copy_text((code, name)),
                        engagement,
                        active,
                        valid_from or _NULL,
                        valid_to or _NULL,
                    )
                )
                if digest is None:
                    report.services_created += 1
                    yield text + tail
                else:
                    report.services_updated += 1
                    changed.append(text + "\n")

        columns = _columns(Service, ("structure", "code", *SERVICE_FIELDS, "created_at", "updated_at"))
        _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", new_lines())
        started = _lap(report, "services.copy", started)
        if changed:
            _update_changed(
                cursor, Service, key=["structure", "code"], fields=list(SERVICE_FIELDS), lines=changed
            )
        _lap(report, "services.update", started)


# --- Elsewhere: the ORM ------------------------------------------------------------------------


def _batches(rows: CheckedRows) -> Iterator[list[tuple[int, Values]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _upsert(model: type[Model], rows: list[dict[str, Any]], *, unique: list[str], update: list[str]) -> None:
    """Insert the rows, or update the existing ones (same ``unique`` columns), in one statement."""
    if rows:
        model.objects.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=unique,
            update_fields=[*update, "updated_at"],
            batch_size=BATCH,
        )


def _structures_orm(batch: list[dict[str, Any]], report: ImportReport) -> None:
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


def _services_orm(batch: list[tuple[int, dict[str, Any]]], report: ImportReport, file_name: str) -> None:
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


# --- Entry points ------------------------------------------------------------------------------


def write_structures(rows: CheckedRows, report: ImportReport) -> None:
    """Create, update or leave each checked structure row (counted in ``report``)."""
    if connection.vendor == "postgresql":
        _structures_postgresql(rows, report)
        return
    started = time.perf_counter()
    for batch in _batches(rows):
        _structures_orm([typed(STRUCTURE_VALUES, values) for _line, values in batch], report)
    _lap(report, "structures.copy", started)


def write_services(rows: CheckedRows, report: ImportReport, file_name: str) -> None:
    """Create, update or leave each checked service row; reject those of an unknown structure."""
    if connection.vendor == "postgresql":
        _services_postgresql(rows, report, file_name)
        return
    started = time.perf_counter()
    for batch in _batches(rows):
        _services_orm([(line, typed(SERVICE_VALUES, values)) for line, values in batch], report, file_name)
    _lap(report, "services.copy", started)
