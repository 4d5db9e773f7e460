"""The services of a structure (services exécutants): ``rechercher/services`` and
``consulter/service``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ...selectors import service_by_pk, services_page
from ..base import CproView, empty_page, list_ok, ok, paginate
from ..errors import unknown
from ..fields import (
    cpro_schema,
    fmt_day_start,
    fmt_minute,
    opt_int,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    reply_out,
    req_int,
)
from .common import TAG, AdresseOut, ServiceFoundOut, address_of, is_supplier, resolve_structure, service_row


# --- services -----------------------------------------------------------------------------------
class RechercherServicesRequest(serializers.Serializer):
    idStructure = req_int()
    idUtilisateurCourant = opt_int()
    parametresRechercherServicesStructure = page_params("RechercherServicesPagination")


class RechercherServicesView(CproView):
    @cpro_schema(
        request=RechercherServicesRequest,
        response=page_reply_out("RechercherServicesReponse", "listeServices", ServiceFoundOut(many=True)),
        summary="Services d'une structure",
        tag=TAG,
        operation_id="structures_rechercher_services",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherServicesRequest)
        structure = resolve_structure(self.principal, data["idStructure"])
        page, size = read_page(data.get("parametresRechercherServicesStructure"))
        if is_supplier(structure):
            rows, meta = [], empty_page(page=page, size=size)
        else:
            rows, meta = paginate(services_page(structure=structure), page=page, size=size)
        return list_ok(rows, {"listeServices": [service_row(s) for s in rows], "parametresRetour": meta})


class ConsulterServiceRequest(serializers.Serializer):
    idStructure = req_int()
    idService = req_int()
    codeLangue = opt_str(2)


class ConsulterServiceView(CproView):
    @cpro_schema(
        request=ConsulterServiceRequest,
        response=reply_out(
            "ConsulterServiceReponse",
            {
                "informationsGenerales": inline_serializer(
                    "InformationsGeneralesService",
                    {
                        "codeService": serializers.CharField(),
                        "nomService": serializers.CharField(),
                        "descriptionService": serializers.CharField(),
                    },
                ),
                "parametres": inline_serializer(
                    "ParametresService",
                    {
                        "dateCreation": serializers.CharField(allow_null=True),
                        "dateDebutValidite": serializers.CharField(allow_null=True),
                        "dateFinValidite": serializers.CharField(allow_null=True),
                        "dateModification": serializers.CharField(allow_null=True),
                        "miseEnPaiement": serializers.BooleanField(),
                        "numeroEngagement": serializers.BooleanField(),
                    },
                ),
                "adressePostale": AdresseOut,
            },
        ),
        summary="Consulter un service",
        tag=TAG,
        operation_id="structures_consulter_service",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterServiceRequest)
        structure = resolve_structure(self.principal, data["idStructure"])
        service = None if is_supplier(structure) else service_by_pk(structure=structure, pk=data["idService"])
        if service is None:
            raise unknown(_("Le service demandé est inconnu."))
        return ok(
            {
                "informationsGenerales": {
                    "codeService": service.code,
                    "nomService": service.name,
                    "descriptionService": service.name,
                },
                "parametres": {
                    "dateCreation": fmt_minute(service.created_at),
                    "dateDebutValidite": fmt_day_start(service.valid_from),
                    "dateFinValidite": fmt_day_start(service.valid_to),
                    "dateModification": fmt_minute(service.updated_at),
                    "miseEnPaiement": not structure.payment_status_not_reported,
                    "numeroEngagement": service.engagement_required,
                },
                "adressePostale": address_of(structure),
            }
        )
