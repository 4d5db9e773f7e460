"""The supplier's own invoices: ``rechercher/fournisseur``, ``consulter/fournisseur``, and the
supplier's status changes ``completer``, ``recycler`` and ``traiterRejet``."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import Channel
from tracking.services import invoice_complete, invoice_recycle, invoice_rejection_acknowledge

from ...selectors import invoices_for_supplier
from ..auth import SUPPLIER
from ..base import CproView, ok, paginate
from ..fields import (
    cpro_schema,
    opt_bool,
    opt_int,
    opt_list,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    reply_out,
    req_int,
    shape,
)
from .common import (
    SUPPLIER_ROW_COLUMNS,
    TAG_SUPPLIER,
    DetailOut,
    ProcessedReply,
    SupplierRowOut,
    apply_common_filters,
    attachments_from_ids,
    common_search_fields,
    detail_reply,
    get_invoice,
    lifecycle_call,
    search_reply,
    supplier_row,
    with_row_columns,
)

# --- rechercher/fournisseur ---------------------------------------------------------------------
RechercherFournisseurRequest = type(
    "RechercherFournisseurRequest",
    (serializers.Serializer,),
    {
        **common_search_fields(),
        "numeroFluxDepot": opt_str(40),
        "modeDepot": serializers.ChoiceField(
            choices=Channel.values, required=False, allow_null=True, allow_blank=True
        ),
        "rejetTraite": opt_bool(),
        "listeDestinataire": opt_list(
            inline_serializer(
                "RechercheDestinataireParam",
                {
                    "idDestinataire": opt_int(),
                    "listeIdServiceExecutant": opt_list(opt_int(), 50),
                    "raisonSocialeStuctDmd": opt_str(255),
                },
            ),
            50,
        ),
        "idFournisseur": opt_int(),
        "idServiceFournisseur": opt_int(),
        "coordonneeBancaire": opt_int(),
        "rechercheFactureParFournisseur": page_params("RechercheFactureParFournisseurPagination"),
    },
)


class RechercherFournisseurView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=RechercherFournisseurRequest,
        response=page_reply_out("RechercherFournisseurReponse", "listeFactures", SupplierRowOut(many=True)),
        summary="Rechercher ses factures émises (par numeroFluxDepot, numeroFacture, statut, dates…)",
        tag=TAG_SUPPLIER,
        operation_id="factures_rechercher_fournisseur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherFournisseurRequest)
        page, size = read_page(data.get("rechercheFactureParFournisseur"))
        qs = apply_common_filters(invoices_for_supplier(supplier=self.principal.supplier), data)
        if data.get("numeroFluxDepot"):
            qs = qs.filter(flow__number=data["numeroFluxDepot"].strip())
        if data.get("modeDepot"):
            qs = qs.filter(channel=data["modeDepot"])
        if data.get("rejetTraite") is not None:
            qs = qs.filter(rejection_acknowledged_at__isnull=not data["rejetTraite"])
        recipients = [
            d["idDestinataire"] for d in data.get("listeDestinataire") or [] if d.get("idDestinataire")
        ]
        if recipients:
            qs = qs.filter(recipient_id__in=recipients)
        rows, meta = paginate(
            with_row_columns(qs, SUPPLIER_ROW_COLUMNS).order_by("-created_at", "-id"), page=page, size=size
        )
        return search_reply(rows, meta, supplier_row)


# --- consulter/fournisseur ----------------------------------------------------------------------
class ConsulterFournisseurRequest(serializers.Serializer):
    aliases = {"idFacture": "identifiantFactureCPP"}  # see ``lenient``
    identifiantFactureCPP = req_int()
    idUtilisateurCourant = opt_int()
    rechercherPieceJointe = page_params("ConsulterFournisseurPJPagination")


class ConsulterFournisseurView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=ConsulterFournisseurRequest,
        response=DetailOut,
        summary="Consulter une facture émise",
        tag=TAG_SUPPLIER,
        operation_id="factures_consulter_fournisseur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterFournisseurRequest)
        return detail_reply(self.principal, data["identifiantFactureCPP"], side=SUPPLIER)


# --- completer ----------------------------------------------------------------------------------
PJ_COMPLEMENTAIRE_FIELDS = {
    "pieceJointeComplementaireId": req_int(),
    "pieceJointeComplementaireDesignation": opt_str(255),
    "pieceJointeComplementaireType": opt_str(20),
    "pieceJointeComplementaireIdLiaison": opt_int(),
    "pieceJointeComplementaireNumeroLigneFacture": opt_int(),
}
PJComplementaireIn = shape("PieceJointeComplementaire", PJ_COMPLEMENTAIRE_FIELDS)


class CompleterRequest(serializers.Serializer):
    identifiantFactureCPP = req_int()
    commentaire = opt_str(255)
    pieceJointeComplementaire = opt_list(PJComplementaireIn(), 20)
    idUtilisateurCourant = opt_int()


class CompleterView(CproView):
    side = SUPPLIER
    answer = ProcessedReply("CompleterReponse", id_key="identifiantFactureCPP", date_key="dateTraitement")

    @cpro_schema(
        request=CompleterRequest,
        response=answer.serializer(),
        summary="Compléter une facture suspendue",
        tag=TAG_SUPPLIER,
        operation_id="factures_completer",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(CompleterRequest)
        invoice = get_invoice(self.principal, data["identifiantFactureCPP"], side=SUPPLIER)
        files = attachments_from_ids(
            self.principal, data.get("pieceJointeComplementaire") or [], id_key="pieceJointeComplementaireId"
        )
        event = lifecycle_call(
            invoice_complete,
            invoice_id=invoice.pk,
            actor=self.principal.actor,
            comment=data.get("commentaire") or "",
            attachments=files,
        )
        return self.answer.response(invoice, event)


# --- recycler -----------------------------------------------------------------------------------
class RecyclerRequest(serializers.Serializer):
    identifiantFactureCPP = req_int()
    destinataire = inline_serializer(
        "RecyclerDestinataire",
        {"codeDestinataire": serializers.CharField(max_length=20), "codeServiceExecutant": opt_str(100)},
    )
    reference = inline_serializer(
        "RecyclerReference", {"numeroBonCommande": opt_str(50)}, required=False, allow_null=True
    )
    commentaire = opt_str(255)
    idUtilisateurCourant = opt_int()


class RecyclerView(CproView):
    side = SUPPLIER
    answer = ProcessedReply(
        "RecyclerReponse", id_key="identifiantFactureCPP", date_key="dateDepot", status_key="statutFacture"
    )

    @cpro_schema(
        request=RecyclerRequest,
        response=answer.serializer(),
        summary="Réacheminer une facture à recycler",
        tag=TAG_SUPPLIER,
        operation_id="factures_recycler",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(RecyclerRequest)
        invoice = get_invoice(self.principal, data["identifiantFactureCPP"], side=SUPPLIER)
        reference = data.get("reference") or {}
        event = lifecycle_call(
            invoice_recycle,
            invoice_id=invoice.pk,
            actor=self.principal.actor,
            recipient=data["destinataire"]["codeDestinataire"].strip(),
            service=(data["destinataire"].get("codeServiceExecutant") or "").strip(),
            engagement_number=reference.get("numeroBonCommande") or invoice.engagement_number,
            comment=data.get("commentaire") or "",
        )
        return self.answer.response(invoice, event)


# --- traiterRejet -------------------------------------------------------------------------------
class TraiterRejetRequest(serializers.Serializer):
    listeDemandePaiement = serializers.ListField(
        child=inline_serializer("DemandePaiementParam", {"idDemandePaiement": req_int()}),
        min_length=1,
        max_length=100,
    )
    motifRejet = opt_str(255)
    cpltInfos = opt_str(255)


class TraiterRejetView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=TraiterRejetRequest,
        response=reply_out("TraiterRejetReponse"),
        summary="Prendre acte du rejet de factures",
        tag=TAG_SUPPLIER,
        operation_id="factures_traiter_rejet",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(TraiterRejetRequest)
        # Every id is checked first: one unknown id and nothing is acknowledged.
        invoices = [
            get_invoice(self.principal, item["idDemandePaiement"], side=SUPPLIER)
            for item in data["listeDemandePaiement"]
        ]
        for invoice in invoices:
            lifecycle_call(invoice_rejection_acknowledge, invoice_id=invoice.pk, actor=self.principal.actor)
        return ok()
