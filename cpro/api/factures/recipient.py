"""The invoices a public structure receives: ``rechercher/recipiendaire``,
``consulter/recipiendaire`` and ``traiter/recue`` (the buyer's status changes)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import WORKS_FRAMEWORKS, InvoiceKind
from invoices.lifecycle.statuses import InvoiceStatus
from tracking.services import invoice_buyer_process

from ...ids import public_cpp_id, supplier_cpp_id
from ...selectors import invoices_for_recipient
from ..auth import BUYER
from ..base import CproView, empty_page, paginate
from ..fields import (
    TOTAL_HELP,
    cpro_schema,
    opt_bool,
    opt_int,
    opt_list,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    req_int,
)
from .common import (
    RECIPIENT_ROW_COLUMNS,
    TAG_BUYER,
    DetailOut,
    ProcessedReply,
    RecipientRowOut,
    apply_common_filters,
    common_search_fields,
    detail_reply,
    get_invoice,
    lifecycle_call,
    recipient_row,
    search_reply,
    with_row_columns,
)

# --- rechercher/recipiendaire -------------------------------------------------------------------
RechercherRecipiendaireRequest = type(
    "RechercherRecipiendaireRequest",
    (serializers.Serializer,),
    {
        **common_search_fields(),
        "typeDemandePaiement": opt_str(50),
        "idDestinataire": opt_int(),
        "idServiceExecutant": opt_int(),
        "listeFournisseurs": opt_list(
            inline_serializer(
                "RechercheFournisseurParam",
                {"idFournisseur": opt_int(), "listeIdService": opt_list(opt_int(), 50)},
            ),
            50,
        ),
        "factureTelechargeeParDestinataire": opt_bool(),
        "listeTypeFacture": opt_list(serializers.ChoiceField(choices=InvoiceKind.values), 3),
        "rechercheSirenFournisseur": opt_bool(),
        "recupererTaille": opt_bool(),
        "paramRecherche": page_params("RechercherRecipiendairePagination"),
    },
)


class RechercherRecipiendaireView(CproView):
    side = BUYER

    @cpro_schema(
        request=RechercherRecipiendaireRequest,
        # The real API also repeats the pagination at the top level of this answer.
        response=page_reply_out(
            "RechercherRecipiendaireReponse",
            "listeFactures",
            RecipientRowOut(many=True),
            {
                "pageCourante": serializers.IntegerField(),
                "pages": serializers.IntegerField(),
                "nbResultatsParPage": serializers.IntegerField(),
                "total": serializers.IntegerField(help_text=TOTAL_HELP),
            },
        ),
        summary="Rechercher les factures reçues",
        tag=TAG_BUYER,
        operation_id="factures_rechercher_recipiendaire",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherRecipiendaireRequest)
        page, size = read_page(data.get("paramRecherche"))
        recipient = self.principal.buyer
        if data.get("idDestinataire") and data["idDestinataire"] != public_cpp_id(recipient.pk):
            rows: list[Any] = []
            meta = empty_page(page=page, size=size)
        else:
            qs = apply_common_filters(invoices_for_recipient(recipient=recipient), data)
            if data.get("idServiceExecutant"):
                qs = qs.filter(recipient_service_id=data["idServiceExecutant"])
            suppliers = [
                f["idFournisseur"] - supplier_cpp_id(0)
                for f in data.get("listeFournisseurs") or []
                if f.get("idFournisseur")
            ]
            if suppliers:
                qs = qs.filter(supplier_id__in=suppliers)
            if data.get("factureTelechargeeParDestinataire") is not None:
                qs = qs.filter(downloaded_by_recipient=data["factureTelechargeeParDestinataire"])
            kinds = [k for k in data.get("listeTypeFacture") or [] if k]
            if kinds:
                qs = qs.filter(kind__in=kinds)
            if data.get("typeDemandePaiement") in ("FACTURE_TRAVAUX", "FACTURE"):
                works = {"framework__in": list(WORKS_FRAMEWORKS)}
                works_only = data["typeDemandePaiement"] == "FACTURE_TRAVAUX"
                qs = qs.filter(**works) if works_only else qs.exclude(**works)
            rows, meta = paginate(
                with_row_columns(qs, RECIPIENT_ROW_COLUMNS).order_by("-deposited_at", "-id"),
                page=page,
                size=size,
            )
        return search_reply(rows, meta, recipient_row, **meta)


# --- consulter/recipiendaire --------------------------------------------------------------------
class ConsulterRecipiendaireRequest(serializers.Serializer):
    # go-choruspro sends ``identifiantFactureCPP`` here, the official documentation ``idFacture``.
    aliases = {"identifiantFactureCPP": "idFacture"}  # see ``lenient``
    idFacture = req_int()
    idUtilisateurCourant = opt_int()


class ConsulterRecipiendaireView(CproView):
    side = BUYER

    @cpro_schema(
        request=ConsulterRecipiendaireRequest,
        response=DetailOut,
        summary="Consulter une facture reçue",
        tag=TAG_BUYER,
        operation_id="factures_consulter_recipiendaire",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterRecipiendaireRequest)
        return detail_reply(self.principal, data["idFacture"], side=BUYER)


# --- traiter/recue ------------------------------------------------------------------------------
BUYER_TARGETS = (
    InvoiceStatus.MISE_A_DISPOSITION,
    InvoiceStatus.SUSPENDUE,
    InvoiceStatus.A_RECYCLER,
    InvoiceStatus.REJETEE,
    InvoiceStatus.SERVICE_FAIT,
    InvoiceStatus.MANDATEE,
    InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
    InvoiceStatus.COMPTABILISEE,
    InvoiceStatus.MISE_EN_PAIEMENT,
)


class TraiterRecueRequest(serializers.Serializer):
    idFacture = req_int()
    nouveauStatut = serializers.ChoiceField(choices=[s.value for s in BUYER_TARGETS])
    motif = opt_str(255)
    numeroDPMandat = opt_str(50)
    idUtilisateurCourant = opt_int()


class TraiterRecueView(CproView):
    side = BUYER
    answer = ProcessedReply(
        "TraiterRecueReponse", id_key="idFacture", date_key="dateTraitement", status_key="nouveauStatut"
    )

    @cpro_schema(
        request=TraiterRecueRequest,
        response=answer.serializer(),
        summary="Changer le statut d'une facture reçue (motif obligatoire pour SUSPENDUE et REJETEE)",
        tag=TAG_BUYER,
        operation_id="factures_traiter_recue",
        description="Un passage refusé par le cycle de vie répond codeRetour 20002.",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(TraiterRecueRequest)
        invoice = get_invoice(self.principal, data["idFacture"], side=BUYER)
        event = lifecycle_call(
            invoice_buyer_process,
            api_fields={"comment": "motif"},
            invoice_id=invoice.pk,
            to=data["nouveauStatut"],
            actor=self.principal.actor,
            comment=data.get("motif") or "",
            mandate_number=data.get("numeroDPMandat") or "",
        )
        return self.answer.response(invoice, event)
