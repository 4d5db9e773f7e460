"""The health check and the reference lists of ``/cpro/transverses/v1/`` (VAT rates, currencies,
countries, frameworks, payment and deposit modes, the statuses a recipient may give…)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.lifecycle.machine import allowed_targets
from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.statuses import InvoiceStatus

from ... import referentials
from ..auth import CproAuthentication, authenticate_token
from ..base import CproView, ok
from ..fields import ErrorOut, cpro_schema, opt_str, reply_out, shape
from .common import TAG

logger = logging.getLogger(__name__)

LANG = {"codeLangue": opt_str(2, help_text="FR ou EN (les libellés restent en français).")}


def _list_out(name: str, key: str, item: dict[str, serializers.Field]) -> serializers.Serializer:
    return reply_out(name, {key: shape(f"{name}Element", item)(many=True)})


# --- Health check (GET, token only) -------------------------------------------------------------
class HealthCheckAuthentication(CproAuthentication):
    """The health check answers to any valid token: monitoring needs no technical account."""

    def authenticate(self, request: Any) -> tuple[Any, Any]:
        token = authenticate_token(request.headers.get("Authorization", ""))
        return None, token


class HealthCheckView(CproView):
    authentication_classes = [HealthCheckAuthentication]
    throttle_classes: list = []

    @extend_schema(
        summary="Vérifier que l'API répond",
        tags=[TAG],
        operation_id="transverses_health_check",
        responses={
            200: reply_out(
                "HealthCheck",
                {
                    "body": serializers.CharField(),
                    "statusCode": serializers.CharField(),
                    "statusCodeValue": serializers.IntegerField(),
                },
            ),
            401: ErrorOut,
            503: ErrorOut,
        },
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            # Health check: the cause goes to the log, the client gets a plain 503.
            logger.exception("Health check: the database does not answer")
            return Response({"codeRetour": 50300, "libelle": _("Base de données indisponible.")}, status=503)
        return ok({"body": "OK", "statusCode": "OK", "statusCodeValue": 200})


# --- Reference lists ----------------------------------------------------------------------------
def _reference_view(
    name: str,
    key: str,
    item: dict[str, serializers.Field],
    producer: Any,
    summary: str,
    request_fields: dict[str, serializers.Field] | None = None,
) -> type[CproView]:
    request_serializer = inline_serializer(f"{name}Requete", request_fields or dict(LANG))

    class View(CproView):
        @cpro_schema(
            request=request_serializer,
            response=_list_out(name, key, item),
            summary=summary,
            tag=TAG,
            operation_id=f"transverses_{name}",
        )
        def post(self, request: Request) -> Response:
            data = self.validated(type(request_serializer))
            return ok({key: producer(data)})

    View.__name__ = f"{name}View"
    return View


TauxTvaView = _reference_view(
    "RecupererTauxTva",
    "listeTauxTva",
    {
        "codeTauxTva": serializers.CharField(),
        "libelleTauxTva": serializers.CharField(),
        "valeurTauxTva": serializers.FloatField(),
    },
    lambda d: referentials.vat_rates(),
    "Taux de TVA de référence",
)
DevisesView = _reference_view(
    "RecupererDevises",
    "listeDevises",
    {"codeDevise": serializers.CharField(), "libelleDevise": serializers.CharField()},
    lambda d: referentials.currencies(),
    "Devises (ISO 4217)",
)
PaysView = _reference_view(
    "RecupererPays",
    "listePays",
    {"codePays": serializers.CharField(), "libellePays": serializers.CharField()},
    lambda d: referentials.countries(),
    "Pays (ISO 3166-1)",
)
CadreFacturationView = _reference_view(
    "RecupererCadreFacturation",
    "listeCadreFacturation",
    {"codeCadreFacturation": serializers.CharField(), "libelleCadreFacturation": serializers.CharField()},
    lambda d: referentials.frameworks(d.get("typeDemandePaiement")),
    "Cadres de facturation",
    {"typeDemandePaiement": opt_str(50)},
)
ModeReglementsView = _reference_view(
    "RecupererModesReglement",
    "listeModePaiement",
    {"modePaiement": serializers.CharField(), "libelleModePaiement": serializers.CharField()},
    lambda d: referentials.payment_modes(),
    "Modes de règlement",
    {},
)
TypeDpView = _reference_view(
    "RecupererTypesDemandePaiement",
    "listeTypeDemandePaiement",
    {"typeDemandePaiement": serializers.CharField()},
    lambda d: referentials.payment_request_types(),
    "Types de demande de paiement",
    {},
)
ModeDepotView = _reference_view(
    "RecupererModesDepot",
    "listeModeDepot",
    {"modeDepot": serializers.CharField()},
    lambda d: referentials.deposit_modes(),
    "Modes de dépôt",
    {},
)
MotifsExonerationView = _reference_view(
    "RecupererMotifsExonerationTva",
    "listeMotifsExonerationTva",
    {
        "codeMotifExonerationTva": serializers.CharField(),
        "libelleMotifExonerationTva": serializers.CharField(),
    },
    lambda d: referentials.vat_exemptions(),
    "Motifs d'exonération de TVA",
)
FormatFluxView = _reference_view(
    "RecupererFormatFlux",
    "listeFormatFlux",
    {"formatFlux": serializers.CharField()},
    lambda d: [
        {"formatFlux": s} for s in ("IN_DP_E1_CII_16B", "IN_DP_E1_UBL_INVOICE", "IN_DP_E2_CII_FACTURX")
    ],
    "Syntaxes de flux acceptées par deposer/flux",
    {},
)


class EtatsTraitementRequest(serializers.Serializer):
    statutCourant = serializers.ChoiceField(choices=InvoiceStatus.values)


class EtatsTraitementView(CproView):
    @cpro_schema(
        request=EtatsTraitementRequest,
        response=_list_out(
            "RecupererEtatsTraitement",
            "listeStatutsPossiblesPourTraitement",
            {"statutPossiblePourTraitement": serializers.CharField()},
        ),
        summary="Statuts qu'un destinataire peut donner depuis un statut",
        tag=TAG,
        operation_id="transverses_recuperer_etats_traitement",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(EtatsTraitementRequest)
        targets = allowed_targets(status=data["statutCourant"], role=ActorRole.BUYER)
        return ok(
            {"listeStatutsPossiblesPourTraitement": [{"statutPossiblePourTraitement": t} for t in targets]}
        )
