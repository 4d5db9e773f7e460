"""The invoices a supplier validates for a subcontractor or a co-contractor (frameworks A9 and
A12): ``rechercher/valideur`` and ``traiter/factureAValider``."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.services import invoice_validator_process

from ...ids import supplier_cpp_id
from ...selectors import invoices_for_validator
from ..auth import SUPPLIER
from ..base import CproView, paginate
from ..fields import cpro_schema, opt_int, opt_str, page_params, page_reply_out, read_page, req_int
from .common import (
    TAG_BUYER,
    ProcessedReply,
    RecipientRowOut,
    apply_common_filters,
    common_search_fields,
    get_invoice,
    lifecycle_call,
    recipient_row,
    search_reply,
)

S = serializers


# --- rechercher/valideur ------------------------------------------------------------------------
RechercherValideurRequest = type(
    "RechercherValideurRequest",
    (serializers.Serializer,),
    {
        **common_search_fields(),
        "idFournisseur": opt_int(),
        "idDestinataire": opt_int(),
        "numeroEngagement": opt_str(50),
        "pagination": page_params("RechercherValideurPagination"),
    },
)


class RechercherValideurView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=RechercherValideurRequest,
        response=page_reply_out("RechercherValideurReponse", "listeFactures", RecipientRowOut(many=True)),
        summary="Rechercher les factures à valider (sous-traitance, cotraitance)",
        tag=TAG_BUYER,
        operation_id="factures_rechercher_valideur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherValideurRequest)
        page, size = read_page(data.get("pagination"))
        qs = apply_common_filters(invoices_for_validator(validator=self.principal.supplier), data)
        if data.get("idFournisseur"):
            qs = qs.filter(supplier_id=data["idFournisseur"] - supplier_cpp_id(0))
        if data.get("numeroEngagement"):
            qs = qs.filter(engagement_number=data["numeroEngagement"])
        rows, meta = paginate(qs.order_by("-created_at", "-id"), page=page, size=size)
        return search_reply(rows, meta, recipient_row)


# --- traiter/factureAValider --------------------------------------------------------------------
class TraiterFactureAValiderRequest(serializers.Serializer):
    idFacture = req_int()
    action = serializers.ChoiceField(choices=["VALIDATION", "REFUS"])
    motifRefus = opt_str(255)
    complementInfo = opt_str(255)
    idValideur = opt_int()
    typeValideur = opt_str(20)
    idPieceJointe = opt_int()


class TraiterFactureAValiderView(CproView):
    side = SUPPLIER
    answer = ProcessedReply(
        "TraiterFactureAValiderReponse",
        id_key="idFacture",
        date_key="dateTraitement",
        status_key="statutFacture",
    )

    @cpro_schema(
        request=TraiterFactureAValiderRequest,
        response=answer.serializer(),
        summary="Valider ou refuser une facture de sous-traitant ou de cotraitant",
        tag=TAG_BUYER,
        operation_id="factures_traiter_facture_a_valider",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(TraiterFactureAValiderRequest)
        invoice = get_invoice(self.principal, data["idFacture"], side="valideur")
        event = lifecycle_call(
            invoice_validator_process,
            invoice_id=invoice.pk,
            actor=self.principal.actor,
            action=data["action"],
            comment=data.get("motifRefus") or data.get("complementInfo") or "",
        )
        return self.answer.response(invoice, event)
