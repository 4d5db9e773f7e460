"""The invoices a supplier validates for a subcontractor or a co-contractor (frameworks A9 and
A12): ``rechercher/valideur`` and ``traiter/factureAValider``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.lifecycle.statuses import InvoiceStatus
from invoices.services.validator import InvalidValidator, invoice_validator_correct
from suppliers.models import SupplierStructure
from tracking.services import invoice_validator_process

from ...ids import parse_cpp_id, supplier_cpp_id
from ...selectors import invoices_for_validator
from ..auth import SUPPLIER
from ..base import CproView, ok, paginate
from ..errors import TRANSITION_LIBELLE, ApiError, Code
from ..fields import (
    cpro_schema,
    opt_int,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    reply_out,
    req_int,
    shape,
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
        rows, meta = paginate(
            with_row_columns(qs, RECIPIENT_ROW_COLUMNS).order_by("-created_at", "-id"), page=page, size=size
        )
        return search_reply(rows, meta, recipient_row)


# --- traiter/factureAValider --------------------------------------------------------------------
class TraiterFactureAValiderRequest(serializers.Serializer):
    aliases = {"identifiantFactureCPP": "idFacture"}  # see ``lenient``
    idFacture = req_int()
    action = serializers.ChoiceField(choices=["VALIDATION", "REFUS"])
    motifRefus = opt_str(255)
    complementInfo = opt_str(255)
    idValideur = opt_int()
    typeValideur = opt_str(20)
    idPieceJointe = opt_int()
    # The maître d'œuvre's correction of a works document's amount to pay (TTC), with its reason in
    # ``complementInfo`` or ``motifRefus``. No official field name exists for it in the reference
    # (§2, §4: the official API has no such field documented): this one is the portal's, in the
    # official style (``montant…``, the role in capitals as in ``typeValideur`` MOE).
    montantValideMOE = serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="Maître d'œuvre (typeValideur MOE) qui valide en corrigeant le montant à payer "
        "TTC du projet de décompte : le montant qu'il valide, motif obligatoire.",
    )


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
            api_fields={"comment": "motifRefus", "validated_amount": "montantValideMOE"},
            invoice_id=invoice.pk,
            actor=self.principal.actor,
            action=data["action"],
            comment=data.get("motifRefus") or data.get("complementInfo") or "",
            validator_type=data.get("typeValideur") or "",
            validated_amount=data.get("montantValideMOE"),
        )
        return self.answer.response(invoice, event)


# --- consulter/valideur -------------------------------------------------------------------------
class ConsulterValideurRequest(serializers.Serializer):
    aliases = {"idFacture": "identifiantFactureCPP"}  # see ``lenient``
    identifiantFactureCPP = req_int()
    idUtilisateurCourant = opt_int()
    codeLangue = opt_str(2)


class ConsulterValideurView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=ConsulterValideurRequest,
        response=DetailOut,
        summary="Consulter une facture à valider (sous-traitance, cotraitance)",
        tag=TAG_BUYER,
        operation_id="factures_consulter_valideur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterValideurRequest)
        return detail_reply(self.principal, data["identifiantFactureCPP"], side="valideur")


# --- recuperer/statutsFactureVisibles/valideur --------------------------------------------------
def validator_visible_statuses() -> list[str]:
    """What a validator sees of an invoice: its validation statuses, then the recipient's (once
    validated, the invoice goes on to the recipient and the validator keeps following it)."""

    hidden = {InvoiceStatus.BROUILLON, InvoiceStatus.DEPOSEE, InvoiceStatus.EN_COURS_ACHEMINEMENT}
    first = [
        InvoiceStatus.A_VALIDER_1,
        InvoiceStatus.VALIDEE_1,
        InvoiceStatus.REFUSEE_1,
        InvoiceStatus.A_VALIDER_MOE,
        InvoiceStatus.REFUSEE_MOE,
        InvoiceStatus.TRANSMISE_MOA,
    ]
    return [*first, *(s for s in InvoiceStatus.values if s not in hidden and s not in first)]


class StatutsVisiblesValideurRequest(serializers.Serializer):
    idUtilisateurCourant = opt_int()


class StatutsVisiblesValideurView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=StatutsVisiblesValideurRequest,
        response=reply_out(
            "StatutsVisiblesValideurReponse",
            {
                "listeStatutFacture": shape(
                    "StatutFactureVisible", {"codeStatutFacture": serializers.CharField()}
                )(many=True)
            },
        ),
        summary="Statuts de facture visibles par un valideur",
        tag=TAG_BUYER,
        operation_id="factures_statuts_visibles_valideur",
    )
    def post(self, request: Request) -> Response:
        self.validated(StatutsVisiblesValideurRequest)
        return ok({"listeStatutFacture": [{"codeStatutFacture": s} for s in validator_visible_statuses()]})


# --- corriger/valideur/facture ------------------------------------------------------------------
class CorrigerValideurRequest(serializers.Serializer):
    aliases = {"identifiantFactureCPP": "idFacture", "idStructureCPP": "idStructure"}  # see ``lenient``
    idFacture = req_int()
    idStructure = opt_int(help_text="idStructureCPP du nouveau valideur…")
    identifiantStructure = opt_str(80, help_text="…ou son identifiant (SIRET)…")
    typeIdentifiantStructure = opt_str(20, help_text="…et son type (SIRET par défaut).")


class CorrigerValideurView(CproView):
    """The supplier of an A9/A12 invoice, or its validator, names another validator while the
    invoice waits for validation: the invoice goes to the new validator."""

    side = SUPPLIER

    @cpro_schema(
        request=CorrigerValideurRequest,
        response=reply_out("CorrigerValideurReponse", {"idFacture": serializers.IntegerField()}),
        summary="Corriger le valideur d'une facture de sous-traitant ou de cotraitant",
        tag=TAG_BUYER,
        operation_id="factures_corriger_valideur_facture",
        description="Le nouveau valideur est désigné par idStructure, ou par identifiantStructure "
        "et typeIdentifiantStructure. Une facture hors circuit de validation répond codeRetour 20002.",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(CorrigerValideurRequest)
        # The invoice's supplier or its current validator (who hands it over to another one).
        invoice = get_invoice(self.principal, data["idFacture"])
        structures = SupplierStructure.objects.filter(active=True)
        validator = None
        if data.get("idStructure"):
            kind, pk = parse_cpp_id(data["idStructure"])
            validator = structures.filter(pk=pk).first() if kind == "fournisseur" else None
        elif data.get("identifiantStructure"):
            validator = structures.filter(
                identifier=data["identifiantStructure"].strip(),
                identifier_type=(data.get("typeIdentifiantStructure") or "SIRET").strip().upper(),
            ).first()
        if validator is None:
            raise ApiError(
                Code.UNKNOWN,
                _("Le valideur désigné est inconnu : indiquez idStructure ou identifiantStructure."),
                errors=[{"champ": "idStructure", "message": str(data.get("idStructure") or "")}],
            )
        try:
            invoice_validator_correct(invoice_id=invoice.pk, validator=validator, actor=self.principal.actor)
        except InvalidValidator as exc:
            raise ApiError(Code.TRANSITION_REFUSED, f"{TRANSITION_LIBELLE} : {exc}") from exc
        return ok({"idFacture": invoice.pk})
