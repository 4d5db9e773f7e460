"""Deposit reports of a flow: ``consulterCR`` and ``consulterCRDetaille``."""

from __future__ import annotations

import base64
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ...selectors import flow_get_for_supplier
from ..auth import SUPPLIER
from ..base import CproView, ok
from ..errors import unknown
from ..fields import cpro_schema, fmt_datetime, opt_str, reply_out, shape
from .common import TAG


# --- Deposit reports ----------------------------------------------------------------------------
class ConsulterCRRequest(serializers.Serializer):
    numeroFluxDepot = serializers.CharField(max_length=40)
    syntaxeFlux = opt_str(40)
    dateDepot = opt_str(30)


ErreurTechniqueOut = shape(
    "ErreurTechnique",
    {
        "codeErreur": serializers.CharField(),
        "libelleErreur": serializers.CharField(),
        "numeroDP": serializers.CharField(),
    },
)
ErreurDPOut = shape(
    "ErreurDP",
    {
        "identifiantFournisseur": serializers.CharField(),
        "identifiantDestinataire": serializers.CharField(),
        "numeroDP": serializers.CharField(),
        "codeErreurDP": serializers.CharField(),
        "libelleErreurDP": serializers.CharField(),
    },
)


def _flow_for_request(view: CproView, data: dict[str, Any]) -> Any:
    flow = None
    if view.principal.kind == SUPPLIER:
        flow = flow_get_for_supplier(number=data["numeroFluxDepot"], supplier=view.principal.supplier)
    if flow is None:
        raise unknown(_("Le flux demandé est inconnu (numeroFluxDepot)."))
    return flow


class ConsulterCRView(CproView):
    @cpro_schema(
        request=ConsulterCRRequest,
        response=reply_out(
            "ConsulterCRReponse",
            {
                "numeroFluxDepot": serializers.CharField(),
                "nomFichierFlux": serializers.CharField(),
                "dateDepotFlux": serializers.CharField(),
                "dateHeureEtatCourantFlux": serializers.CharField(allow_null=True),
                "etatCourantFlux": serializers.CharField(),
                "codeInterfaceFlux": serializers.CharField(),
                "fichierCR": serializers.CharField(),
            },
        ),
        summary="Compte rendu d'un flux déposé",
        tag=TAG,
        operation_id="transverses_consulter_cr",
    )
    def post(self, request: Request) -> Response:
        flow = _flow_for_request(self, self.validated(ConsulterCRRequest))
        lines = [f"{flow.number};{flow.status}"]
        lines += [f"ERREUR;{e.get('libelleErreur', '')}" for e in flow.technical_errors or []]
        lines += [
            f"ERREUR_DP;{e.get('numeroDP', '')};{e.get('libelleErreurDP', '')}"
            for e in flow.invoice_errors or []
        ]
        return ok(
            {
                "numeroFluxDepot": flow.number,
                "nomFichierFlux": flow.filename,
                "dateDepotFlux": fmt_datetime(flow.created_at),
                "dateHeureEtatCourantFlux": fmt_datetime(flow.processed_at or flow.created_at),
                "etatCourantFlux": flow.status,
                "codeInterfaceFlux": flow.syntax,
                "fichierCR": base64.b64encode("\n".join(lines).encode()).decode(),
            }
        )


class ConsulterCRDetailleView(CproView):
    @cpro_schema(
        request=ConsulterCRRequest,
        response=reply_out(
            "ConsulterCRDetailleReponse",
            {
                "numeroFluxDepot": serializers.CharField(),
                "nomFichier": serializers.CharField(),
                "dateDepotFlux": serializers.CharField(),
                "dateHeureEtatCourantFlux": serializers.CharField(allow_null=True),
                "etatCourantDepotFlux": serializers.CharField(),
                "codeInterfaceDepotFlux": serializers.CharField(),
                "listeErreurTechnique": ErreurTechniqueOut(many=True),
                "listeErreurDP": ErreurDPOut(many=True),
            },
        ),
        summary="Compte rendu détaillé d'un flux (état et erreurs)",
        tag=TAG,
        operation_id="transverses_consulter_cr_detaille",
    )
    def post(self, request: Request) -> Response:
        flow = _flow_for_request(self, self.validated(ConsulterCRRequest))
        return ok(
            {
                "numeroFluxDepot": flow.number,
                "nomFichier": flow.filename,
                "dateDepotFlux": fmt_datetime(flow.created_at),
                "dateHeureEtatCourantFlux": fmt_datetime(flow.processed_at or flow.created_at),
                "etatCourantDepotFlux": flow.status,
                "codeInterfaceDepotFlux": flow.syntax,
                "listeErreurTechnique": [
                    {
                        "codeErreur": str(e.get("codeErreur", "")),
                        "libelleErreur": str(e.get("libelleErreur", "")),
                        "numeroDP": str(e.get("numeroDP", "")),
                    }
                    for e in flow.technical_errors or []
                ],
                "listeErreurDP": [
                    {
                        key: str(e.get(key, ""))
                        for key in (
                            "identifiantFournisseur",
                            "identifiantDestinataire",
                            "numeroDP",
                            "codeErreurDP",
                            "libelleErreurDP",
                        )
                    }
                    for e in flow.invoice_errors or []
                ],
            }
        )
