"""Files: ``ajouter/fichier`` (an attachment for ``soumettre`` or ``completer``) and
``telecharger/pieceJointe``."""

from __future__ import annotations

import base64

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import ATTACHMENT_MAX_BYTES

from ...services import api_attachment_create
from ..base import DEPOSIT_MAX_BODY, CproView, ok
from ..errors import ApiError, Code, unknown
from ..factures import download_invoices
from ..factures.common import attachment_content
from ..fields import Base64Text, b64decode_field, cpro_schema, opt_int, opt_list, opt_str, reply_out, req_int
from .common import TAG


# --- Files --------------------------------------------------------------------------------------
class AjouterFichierRequest(serializers.Serializer):
    pieceJointeFichier = Base64Text(
        help_text="Le fichier, encodé en base64 (10 Mo au plus une fois décodé ; 120 Mo au plus pour "
        "la facture et toutes ses pièces jointes)."
    )
    pieceJointeNom = serializers.CharField(max_length=255)
    pieceJointeTypeMime = opt_str(100)
    pieceJointeExtension = opt_str(10)
    idUtilisateurCourant = opt_int()


class AjouterFichierView(CproView):
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=AjouterFichierRequest,
        response=reply_out("AjouterFichierReponse", {"pieceJointeId": serializers.IntegerField()}),
        summary="Ajouter une pièce jointe à utiliser dans soumettre ou completer",
        tag=TAG,
        operation_id="transverses_ajouter_fichier",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(AjouterFichierRequest)
        content = b64decode_field(
            data["pieceJointeFichier"], field="pieceJointeFichier", max_bytes=ATTACHMENT_MAX_BYTES
        )
        name = data["pieceJointeNom"].strip()
        extension = (data.get("pieceJointeExtension") or "").strip().lstrip(".").lower()
        if extension and not name.lower().endswith("." + extension):
            name = f"{name}.{extension}"
        attachment = api_attachment_create(principal=self.principal, name=name, content=content)
        return ok({"pieceJointeId": attachment.pk})


class TelechargerPieceJointeRequest(serializers.Serializer):
    objetPieceJointe = serializers.ChoiceField(
        choices=["DEMANDE_PAIEMENT", "PIECE_JOINTE"], required=False, allow_null=True, allow_blank=True
    )
    pieceJointeId = opt_int(help_text="Une pièce jointe ajoutée par ajouter/fichier ou deposer/pdf.")
    demandePaiement = inline_serializer(
        "TelechargerPJDemandePaiement",
        {
            "idFacture": opt_int(),
            "listeFacture": opt_list(inline_serializer("TelechargerPJFacture", {"idFacture": req_int()}), 50),
            "format": opt_str(10),
            "avecPiecesJointesComplementaires": opt_str(3),
        },
        required=False,
        allow_null=True,
    )


class TelechargerPieceJointeView(CproView):
    @cpro_schema(
        request=TelechargerPieceJointeRequest,
        response=reply_out(
            "TelechargerPieceJointeReponse",
            {"pieceJointe": serializers.CharField(), "pieceJointeNom": serializers.CharField()},
        ),
        summary="Télécharger une pièce jointe (la sienne, ou les documents d'une facture visible)",
        tag=TAG,
        operation_id="transverses_telecharger_piece_jointe",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(TelechargerPieceJointeRequest)
        if data.get("pieceJointeId"):
            error = unknown(_("La pièce jointe demandée est inconnue (pieceJointeId)."))
            attachment, content = attachment_content(self.principal, data["pieceJointeId"], error=error)
            return ok({"pieceJointe": base64.b64encode(content).decode(), "pieceJointeNom": attachment.name})
        dp = data.get("demandePaiement") or {}
        ids = [f["idFacture"] for f in dp.get("listeFacture") or []] or (
            [dp["idFacture"]] if dp.get("idFacture") else []
        )
        if not ids:
            raise ApiError(
                Code.INVALID_REQUEST,
                _("Indiquez pieceJointeId, ou demandePaiement.listeFacture[].idFacture."),
            )

        name, content = download_invoices(
            principal=self.principal,
            ids=ids,
            fmt=dp.get("format") or "PDF",
            with_attachments=(dp.get("avecPiecesJointesComplementaires") == "OUI"),
        )
        return ok({"pieceJointe": base64.b64encode(content).decode(), "pieceJointeNom": name})
