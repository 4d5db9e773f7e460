"""The columns of the two files, the fields they fill, the report of an import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

# The flags of a structure: the file's columns and the fields they fill, in the file's order
# (``GestionStatutMiseEnPaiement`` is read and written inverted: the field says "not reported").
FLAG_COLUMNS = (
    "EmetteurEdi",
    "RecepteurEdi",
    "GestionStatutMiseEnPaiement",
    "GestionEngagement",
    "GestionService",
    "GestionServiceEngagement",
    "EstMOA",
    "EstMOAUniquement",
    "StructureActive",
)
FLAG_FIELDS = (
    "edi_emitter",
    "edi_receiver",
    "payment_status_not_reported",
    "engagement_required",
    "service_code_required",
    "engagement_or_service_required",
    "is_moa",
    "is_moa_only",
    "active",
)
STRUCTURE_COLUMNS = (
    "TypeIdentifiant",
    "Identifiant",
    "RaisonSociale",
    *FLAG_COLUMNS,
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
    *FLAG_FIELDS,
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
# What the checks of a row give (reading.structure_cleaner, reading.service_cleaner): strings in
# PostgreSQL's text form; for a structure, "category" is the file's category or "".
STRUCTURE_VALUES = ("siret", *STRUCTURE_FIELDS, "category")
SERVICE_VALUES = ("siret", "code", *SERVICE_FIELDS)
# The services' booleans (engagement_required, active) are structure flags too.
_BOOLEAN_FIELDS = frozenset(FLAG_FIELDS)
_DATE_FIELDS = frozenset({"valid_from", "valid_to"})

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


def typed(names: tuple[str, ...], values: tuple[str, ...]) -> dict[str, Any]:
    """The values of a checked row as Python values for the ORM (booleans, dates or None)."""
    row: dict[str, Any] = dict(zip(names, values, strict=True))
    for name in _BOOLEAN_FIELDS.intersection(row):
        row[name] = row[name] == "t"
    for name in _DATE_FIELDS.intersection(row):
        row[name] = date.fromisoformat(row[name]) if row[name] else None
    return row


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
    # Wall seconds per phase ("structures.prefetch", "structures.copy", "structures.update", the
    # same for services, "commit"), printed by bench/directory.py.
    timings: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]


class _RowError(Exception):
    pass


class _Abort(Exception):
    """Rolls the transaction back (strict mode with rejected rows, or dry run)."""
