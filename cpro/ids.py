"""``idStructureCPP``: one number space for the two kinds of structure.

Chorus Pro has a single structure table; this portal keeps public structures (recipients) and
supplier structures apart. Public structures keep their primary key; supplier structures are
numbered from ``SUPPLIER_ID_BASE`` (far above the ~150,000 public structures), so an id always
says which table it names and the two can never be confused.
"""

from __future__ import annotations

from entities.models import PublicStructure
from suppliers.models import SupplierStructure

SUPPLIER_ID_BASE = 1_000_000_000


def public_cpp_id(pk: int) -> int:
    return pk


def supplier_cpp_id(pk: int) -> int:
    return SUPPLIER_ID_BASE + pk


def structure_cpp_id(structure: SupplierStructure | PublicStructure) -> int:
    if isinstance(structure, SupplierStructure):
        return supplier_cpp_id(structure.pk)
    return public_cpp_id(structure.pk)


def parse_cpp_id(value: int) -> tuple[str, int]:
    """``("fournisseur", pk)`` or ``("public", pk)``."""
    if value > SUPPLIER_ID_BASE:
        return "fournisseur", value - SUPPLIER_ID_BASE
    return "public", value
