"""What the ``/cpro/structures/v1/`` endpoints share: finding a structure the caller may see,
and the address and service shapes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from suppliers.models import SupplierStructure

from ...ids import parse_cpp_id, public_cpp_id, supplier_cpp_id
from ...selectors import public_structure_by_pk
from ..auth import SUPPLIER, ApiPrincipal
from ..errors import unknown
from ..fields import fmt_day_start, shape

TAG = "Structures"


def unknown_structure() -> Exception:
    return unknown(_("La structure demandée est inconnue."))


def resolve_structure(principal: ApiPrincipal, cpp_id: int) -> Any:
    """The structure behind ``idStructureCPP`` if the caller may see it, else ``unknown``."""
    kind, pk = parse_cpp_id(cpp_id)
    if kind == SUPPLIER:
        supplier = principal.supplier
        if supplier is not None and supplier.pk == pk:
            return supplier
        raise unknown_structure()
    structure = public_structure_by_pk(pk=pk)
    if structure is None:
        raise unknown_structure()
    return structure


def is_supplier(structure: Any) -> bool:

    return isinstance(structure, SupplierStructure)


def structure_ids(structure: Any, *, supplier: bool) -> tuple[int, str]:
    """``idStructureCPP`` and ``identifiantStructure``: the two kinds of structure have their own
    id ranges (``cpro.ids``); a supplier is known by its identifier, a public structure by its SIRET."""
    if supplier:
        return supplier_cpp_id(structure.pk), structure.identifier
    return public_cpp_id(structure.pk), structure.siret


AdresseOut = inline_serializer(
    "AdressePostale",
    {
        "adresse": serializers.CharField(),
        "complementAdresse1": serializers.CharField(),
        "complementAdresse2": serializers.CharField(),
        "codePostal": serializers.CharField(),
        "ville": serializers.CharField(),
        "pays": serializers.CharField(),
        "telephone": serializers.CharField(),
        "fax": serializers.CharField(),
        "indicatifTelephone": serializers.CharField(),
        "indicatifFax": serializers.CharField(),
    },
)


def address_of(structure: Any) -> dict[str, str]:
    supplier = is_supplier(structure)
    return {
        "adresse": structure.address,
        "complementAdresse1": structure.address_complement if supplier else structure.address_complement1,
        "complementAdresse2": "" if supplier else structure.address_complement2,
        "codePostal": structure.postcode,
        "ville": structure.city,
        "pays": structure.country_code,
        "telephone": structure.phone,
        "fax": "",
        "indicatifTelephone": "",
        "indicatifFax": "",
    }


ServiceFoundOut = shape(
    "ServiceTrouve",
    {
        "idService": serializers.IntegerField(),
        "codeService": serializers.CharField(),
        "libelleService": serializers.CharField(),
        "estActif": serializers.BooleanField(),
        "statutService": serializers.CharField(),
        "dateDbtService": serializers.CharField(allow_null=True),
        "dateFinService": serializers.CharField(allow_null=True),
    },
)


def service_row(service: Any) -> dict[str, Any]:
    return {
        "idService": service.pk,
        "codeService": service.code,
        "libelleService": service.name,
        "estActif": service.active,
        "statutService": "ACTIF" if service.active else "INACTIF",
        "dateDbtService": fmt_day_start(service.valid_from),
        "dateFinService": fmt_day_start(service.valid_to),
    }
