"""``structures/v1/rechercher``: public structures from the directory, and private ones under the
rule of ``restreindreStructuresPrivees``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entities.selectors import directory_search
from suppliers.models import SupplierStructure

from ..base import CproView, list_ok, uncounted_page
from ..fields import cpro_schema, opt_bool, opt_str, page_params, page_reply_out, read_page, shape
from .common import TAG, structure_ids


# --- rechercher ---------------------------------------------------------------------------------
class RechercherStructuresRequest(serializers.Serializer):
    structure = inline_serializer(
        "CriteresRechercheStructure",
        {
            "identifiantStructure": opt_str(80),
            "typeIdentifiantStructure": opt_str(20),
            "raisonSocialeStructure": opt_str(255),
            "libelleStructure": opt_str(255),
            "nomStructure": opt_str(255),
            "prenomStructure": opt_str(255),
            "adresseCodePostal": opt_str(10),
            "adresseVille": opt_str(100),
            "adresseCodePays": opt_str(2),
            "estMOA": opt_bool(),
            "estMOAUniquement": opt_bool(),
            "statutStructure": opt_str(20),
            "typeStructure": opt_str(20),
        },
        required=False,
        allow_null=True,
    )
    restreindreStructuresPrivees = opt_bool()
    parametres = page_params("RechercherStructuresPagination")


StructureFoundOut = shape(
    "StructureTrouvee",
    {
        "idStructureCPP": serializers.IntegerField(),
        "identifiantStructure": serializers.CharField(),
        "typeIdentifiantStructure": serializers.CharField(),
        "designationStructure": serializers.CharField(),
        "statut": serializers.CharField(),
    },
)


def _found_row(structure: Any, *, supplier: bool) -> dict[str, Any]:
    cpp_id, identifier = structure_ids(structure, supplier=supplier)
    return {
        "idStructureCPP": cpp_id,
        "identifiantStructure": identifier,
        "typeIdentifiantStructure": structure.identifier_type,
        "designationStructure": structure.name,
        "statut": "ACTIF" if structure.active else "INACTIF",
    }


class RechercherStructuresView(CproView):
    @cpro_schema(
        request=RechercherStructuresRequest,
        response=page_reply_out(
            "RechercherStructuresReponse", "listeStructures", StructureFoundOut(many=True)
        ),
        summary="Rechercher des structures",
        tag=TAG,
        operation_id="structures_rechercher",
        description="Toutes les structures publiques correspondantes ; parmi les structures privées, "
        "seulement la sienne (restreindreStructuresPrivees absent ou vrai), ou celle dont "
        "l'identifiant exact est donné (faux).",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(RechercherStructuresRequest)
        criteria = data.get("structure") or {}
        page, size = read_page(data.get("parametres"), max_size=100)
        identifier = (criteria.get("identifiantStructure") or "").replace(" ", "").strip()
        name = (
            criteria.get("raisonSocialeStructure")
            or criteria.get("libelleStructure")
            or criteria.get("nomStructure")
            or ""
        ).strip()
        type_id = (criteria.get("typeIdentifiantStructure") or "").strip()
        rows: list[dict[str, Any]] = []
        # Private structures: the caller's own, or (restreindreStructuresPrivees false) the one
        # whose exact identifier is asked (PASTELL quotes the rule, reference §4.2).
        restrict = data.get("restreindreStructuresPrivees")
        restrict = True if restrict is None else restrict
        privates: list[SupplierStructure] = []
        own = self.principal.supplier
        if (
            own is not None
            and (not identifier or own.identifier == identifier)
            and (not name or name.lower() in own.name.lower())
        ):
            privates.append(own)
        if not restrict and identifier:
            privates += [
                s
                for s in SupplierStructure.objects.filter(identifier=identifier, active=True)
                if own is None or s.pk != own.pk
            ]
        if criteria.get("estMOA") or criteria.get("estMOAUniquement"):
            privates = []
        for s in privates:
            if type_id and s.identifier_type != type_id:
                continue
            rows.append(_found_row(s, supplier=True))
        offset = (page - 1) * size
        publics: list[Any] = []
        if (
            (not type_id or type_id == "SIRET")
            and offset <= 2000
            and (identifier.isdigit() or not identifier)
        ):
            publics = directory_search(
                siret=identifier,
                query=name,
                postcode=(criteria.get("adresseCodePostal") or "").strip(),
                city=(criteria.get("adresseVille") or "").strip(),
                limit=size + 1,
                offset=offset,
            )
            if criteria.get("estMOA"):
                publics = [p for p in publics if p.is_moa]
            if criteria.get("estMOAUniquement"):
                publics = [p for p in publics if p.is_moa_only]
        more = len(publics) > size
        rows += [_found_row(p, supplier=False) for p in publics[:size]]
        return list_ok(
            rows,
            {
                "listeStructures": rows,
                "parametresRetour": uncounted_page(page=page, size=size, shown=len(rows), more=more),
            },
        )
