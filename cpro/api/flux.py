"""``POST /cpro/factures/v1/deposer/flux``: a structured file or a ``.tar.gz``/``.zip`` batch.

The answer comes at once with ``numeroFluxDepot``; the integration runs in a worker. Follow it with
``transverses/v1/consulterCRDetaille`` until ``IN_INTEGRE``, ``IN_INTEGRE_PARTIEL`` or
``IN_REJETE``, then find the invoices with ``rechercher/fournisseur {numeroFluxDepot}``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.validation.limits import MAX_API_FILE_BYTES

from ..flux import ACCEPTED_SYNTAXES, flow_deposit
from .auth import SUPPLIER
from .base import DEPOSIT_MAX_BODY, CproView, idempotent, ok
from .errors import ApiError, Code
from .factures.common import TAG_SUPPLIER
from .fields import Base64Text, b64decode_field, cpro_schema, fmt_date, opt_bool, opt_int, reply_out


class DeposerFluxRequest(serializers.Serializer):
    fichierFlux = Base64Text(
        help_text="Le fichier (XML, PDF Factur-X, ou archive .tar.gz / .zip), en base64 : "
        "20 Mo au plus une fois décodé (corps de la requête : 28 Mo au plus)."
    )
    nomFichier = serializers.CharField(max_length=255)
    syntaxeFlux = serializers.ChoiceField(choices=ACCEPTED_SYNTAXES)
    avecSignature = opt_bool()
    idUtilisateurCourant = opt_int()


class DeposerFluxView(CproView):
    side = SUPPLIER
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=DeposerFluxRequest,
        response=reply_out(
            "DeposerFluxReponse",
            {
                "numeroFluxDepot": serializers.CharField(),
                "dateDepot": serializers.CharField(),
                "syntaxeFlux": serializers.CharField(),
            },
        ),
        summary="Déposer un flux de factures (CII, UBL, Factur-X, ou un lot .tar.gz)",
        tag=TAG_SUPPLIER,
        operation_id="factures_deposer_flux",
        description="Honore l'en-tête Idempotency-Key : un nouvel essai avec la même clé et le même "
        "corps renvoie le même numeroFluxDepot sans déposer une seconde fois.",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, endpoint="deposer/flux", handler=self._deposit)

    def _deposit(self) -> Response:
        data = self.validated(DeposerFluxRequest)
        content = b64decode_field(data["fichierFlux"], field="fichierFlux", max_bytes=MAX_API_FILE_BYTES)
        name = data["nomFichier"].strip().replace("/", "_").replace("\\", "_")
        if not name:
            raise ApiError(Code.INVALID_REQUEST, _("nomFichier est obligatoire."))
        flow = flow_deposit(
            principal=self.principal, content=content, filename=name, syntax=data["syntaxeFlux"]
        )
        return ok(
            {
                "numeroFluxDepot": flow.number,
                "dateDepot": fmt_date(flow.created_at),
                "syntaxeFlux": flow.syntax,
            }
        )
