"""``structures/v1/consulter``: one structure the caller may see."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ..base import CproView, ok
from ..fields import cpro_schema, fmt_datetime, opt_str, reply_out, req_int
from .common import TAG, AdresseOut, address_of, is_supplier, resolve_structure, structure_ids


# --- consulter ----------------------------------------------------------------------------------
class ConsulterStructureRequest(serializers.Serializer):
    aliases = {"idStructureCPP": "idStructure"}  # see ``lenient``
    idStructure = req_int()
    codeLangue = opt_str(2)


class ConsulterStructureView(CproView):
    @cpro_schema(
        request=ConsulterStructureRequest,
        response=reply_out(
            "ConsulterStructureReponse",
            {
                "informationGenerales": inline_serializer(
                    "InformationGeneralesStructure",
                    {
                        "idStructureCPP": serializers.IntegerField(),
                        "identifiantStructure": serializers.CharField(),
                        "typeIdentifiantStructure": serializers.CharField(),
                        "raisonSocialeStructure": serializers.CharField(),
                        "libelleStructure": serializers.CharField(),
                        "nomStructure": serializers.CharField(),
                        "prenomStructure": serializers.CharField(),
                        "emailStructure": serializers.CharField(),
                        "numeroTVA": serializers.CharField(),
                        "numeroRcsStructure": serializers.CharField(),
                        "structurePriveePublique": serializers.CharField(),
                        "estValideurDeleguee": serializers.BooleanField(),
                        "dateExpirationMotPasseCompteTech": serializers.CharField(allow_null=True),
                        "idStructureOrigine": serializers.IntegerField(allow_null=True),
                        "listeStructureDupliquees": serializers.ListField(child=serializers.DictField()),
                    },
                ),
                "adressePostaleDuSiege": AdresseOut,
                "parametres": inline_serializer(
                    "ParametresStructure",
                    {
                        name: serializers.BooleanField()
                        for name in (
                            "codeServiceDoitEtreRenseigne",
                            "numeroEJDoitEtreRenseigne",
                            "gestionNumeroEJOuCodeService",
                            "statutMiseEnPaiementNestPasRemonte",
                            "connexionEDI",
                            "recevoirDonneesViaEDI",
                            "estMoaUniquement",
                            "getaMoa",
                            "estValideurDelegue",
                            "nonDiffusibleInsee",
                        )
                    },
                ),
            },
        ),
        summary="Consulter une structure",
        tag=TAG,
        operation_id="structures_consulter",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterStructureRequest)
        structure = resolve_structure(self.principal, data["idStructure"])
        supplier = is_supplier(structure)
        account = self.principal.account
        own = (account.supplier_structure_id if supplier else account.public_structure_id) == structure.pk
        cpp_id, identifier = structure_ids(structure, supplier=supplier)
        return ok(
            {
                "informationGenerales": {
                    "idStructureCPP": cpp_id,
                    "identifiantStructure": identifier,
                    "typeIdentifiantStructure": structure.identifier_type,
                    "raisonSocialeStructure": structure.name,
                    "libelleStructure": structure.name,
                    "nomStructure": "",
                    "prenomStructure": "",
                    "emailStructure": structure.email,
                    "numeroTVA": structure.vat_number if supplier else "",
                    "numeroRcsStructure": "",
                    "structurePriveePublique": "PRIVEE"
                    if supplier and not structure.is_public
                    else "PUBLIQUE",
                    "estValideurDeleguee": False,
                    # Only the structure itself learns when its technical password expires.
                    # RFC 3339, as the official type (go-choruspro decodes it as time.Time; issue 12).
                    "dateExpirationMotPasseCompteTech": fmt_datetime(account.expires_at) if own else None,
                    "idStructureOrigine": None,
                    "listeStructureDupliquees": [],
                },
                "adressePostaleDuSiege": address_of(structure),
                "parametres": {
                    "codeServiceDoitEtreRenseigne": not supplier and structure.service_code_required,
                    "numeroEJDoitEtreRenseigne": not supplier and structure.engagement_required,
                    "gestionNumeroEJOuCodeService": not supplier and structure.engagement_or_service_required,
                    "statutMiseEnPaiementNestPasRemonte": not supplier
                    and structure.payment_status_not_reported,
                    "connexionEDI": not supplier and structure.edi_emitter,
                    "recevoirDonneesViaEDI": not supplier and structure.edi_receiver,
                    "estMoaUniquement": not supplier and structure.is_moa_only,
                    "getaMoa": not supplier and structure.is_moa,
                    "estValideurDelegue": False,
                    "nonDiffusibleInsee": False,
                },
            }
        )
