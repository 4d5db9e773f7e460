"""``/cpro/factures/v1/``: deposits, searches, details, history, downloads and status changes.

Each view validates its JSON with its own input serializer, loads the invoice through a selector
scoped to the technical account's structure (another structure's invoice answers exactly like an
unknown id: 400, ``codeRetour`` 20003, "GDP_MSG_11.008 – La demande de paiement est inconnue du
système"), then calls one service of ``invoices`` or ``tracking``.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import Channel, Framework, InvoiceKind, PaymentMode, VatRegime
from tracking.statuses import InvoiceStatus

from ..ids import public_cpp_id, supplier_cpp_id
from ..selectors import (
    api_attachment_get,
    invoice_for_principal,
    invoices_for_recipient,
    invoices_for_supplier,
    invoices_for_validator,
)
from ..services import invoices_mark_downloaded
from .auth import BUYER, SUPPLIER, ApiPrincipal
from .base import DEPOSIT_MAX_BODY, CproView, idempotent, no_result_or_ok, ok, paginate
from .errors import TRANSITION_LIBELLE, ApiError, Code, unknown_invoice
from .fields import (
    LenientDateField,
    LenientDateTimeField,
    PaginationOut,
    b64decode_field,
    cpro_schema,
    envelope_fields,
    fmt_date,
    fmt_datetime,
    fmt_minute,
    money,
    opt_bool,
    opt_int,
    opt_list,
    opt_str,
    page_params,
    read_page,
    req_int,
    shape,
)

TAG_SUPPLIER = "Factures – fournisseur"
TAG_BUYER = "Factures – destinataire et valideur"
S = serializers
MONEY_FIELD = {"max_digits": 17, "decimal_places": 6, "required": False, "allow_null": True}


def _money_filter(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=17, decimal_places=2, required=False, allow_null=True, coerce_to_string=False, **kwargs
    )


# --- Errors of the lifecycle services → the API's error shape ----------------------------------
def lifecycle_error(exc: Exception) -> ApiError:
    from tracking.machine import TransitionError
    from tracking.services import InvalidRequest

    if isinstance(exc, InvalidRequest):
        return ApiError(
            Code.INVALID_REQUEST,
            exc.message,
            errors=[{"champ": k, "message": v} for k, v in exc.errors.items()],
        )
    if isinstance(exc, TransitionError):
        return ApiError(Code.TRANSITION_REFUSED, f"{TRANSITION_LIBELLE} : {exc.message}")
    raise exc


def check_errors_to_api(errors: list[Any], *, code: int = Code.INVOICE_REJECTED) -> ApiError:
    """``InvoiceRejected`` (the business checks) → 400 20004 with each check's French message."""
    items = [{"champ": e.field or e.bt, "message": f"[{e.code}] {e.message}"} for e in errors]
    libelle = _("La facture est refusée : %(first)s") % {"first": items[0]["message"] if items else ""}
    if len(items) > 1:
        libelle += _(" (et %(n)d autre(s) erreur(s), voir listeErreurs)") % {"n": len(items) - 1}
    return ApiError(code, libelle, errors=items)


# --- Rows and details ---------------------------------------------------------------------------
def _type_dp(invoice: Any) -> str:
    from invoices.choices import WORKS_FRAMEWORKS

    return "FACTURE_TRAVAUX" if invoice.framework in WORKS_FRAMEWORKS else "FACTURE"


def _common_row(invoice: Any) -> dict[str, Any]:
    recipient, service, supplier = invoice.recipient, invoice.recipient_service, invoice.supplier
    return {
        "numeroFacture": invoice.number,
        "dateFacture": fmt_date(invoice.invoice_date),
        "dateDepot": fmt_date(invoice.deposited_at),
        "dateHeureEtatCourant": fmt_datetime(invoice.status_changed_at),
        "statut": invoice.status,
        "typeFacture": invoice.kind,
        "typeDemandePaiement": _type_dp(invoice),
        "cadreFacturation": invoice.framework,
        "idDestinataire": public_cpp_id(recipient.pk) if recipient else None,
        "codeDestinataire": recipient.siret if recipient else "",
        "designationDestinataire": recipient.name if recipient else "",
        "idServiceExecutant": service.pk if service else None,
        "codeServiceExecutant": service.code if service else "",
        "nomServiceExecutant": service.name if service else "",
        "idFournisseur": supplier_cpp_id(supplier.pk),
        "codeFournisseur": supplier.identifier,
        "designationFournisseur": supplier.name,
        "typeIdentifiantFournisseur": supplier.identifier_type,
        "codeServiceFournisseur": invoice.supplier_service_code,
        "montantHT": money(invoice.total_ht),
        "montantTTC": money(invoice.total_ttc),
        "montantAPayer": money(invoice.amount_due),
        "devise": invoice.currency,
        "numeroBonCommande": invoice.engagement_number,
        "numeroMarche": invoice.market_number,
    }


ROW_FIELDS: dict[str, serializers.Field] = {
    "numeroFacture": S.CharField(),
    "dateFacture": S.CharField(allow_null=True),
    "dateDepot": S.CharField(allow_null=True),
    "dateHeureEtatCourant": S.CharField(allow_null=True),
    "statut": S.CharField(),
    "typeFacture": S.CharField(),
    "typeDemandePaiement": S.CharField(),
    "cadreFacturation": S.CharField(),
    "idDestinataire": S.IntegerField(allow_null=True),
    "codeDestinataire": S.CharField(),
    "designationDestinataire": S.CharField(),
    "idServiceExecutant": S.IntegerField(allow_null=True),
    "codeServiceExecutant": S.CharField(),
    "nomServiceExecutant": S.CharField(),
    "idFournisseur": S.IntegerField(),
    "codeFournisseur": S.CharField(),
    "designationFournisseur": S.CharField(),
    "typeIdentifiantFournisseur": S.CharField(),
    "codeServiceFournisseur": S.CharField(),
    "montantHT": S.FloatField(),
    "montantTTC": S.FloatField(),
    "montantAPayer": S.FloatField(),
    "devise": S.CharField(),
    "numeroBonCommande": S.CharField(),
    "numeroMarche": S.CharField(),
}


def supplier_row(invoice: Any) -> dict[str, Any]:
    return {
        "identifiantFactureCPP": invoice.pk,
        **_common_row(invoice),
        "numeroFluxDepot": invoice.flow.number if invoice.flow_id else "",
        "modeDepot": invoice.channel,
        "rejetTraite": invoice.rejection_acknowledged_at is not None,
    }


SupplierRowOut = shape(
    "FactureFournisseur",
    {
        "identifiantFactureCPP": S.IntegerField(),
        **ROW_FIELDS,
        "numeroFluxDepot": S.CharField(),
        "modeDepot": S.CharField(),
        "rejetTraite": S.BooleanField(),
    },
)


def recipient_row(invoice: Any) -> dict[str, Any]:
    return {
        "idFacture": invoice.pk,
        **_common_row(invoice),
        "factureTelechargeeParDestinataire": invoice.downloaded_by_recipient,
    }


RecipientRowOut = shape(
    "FactureRecipiendaire",
    {
        "idFacture": S.IntegerField(),
        **ROW_FIELDS,
        "factureTelechargeeParDestinataire": S.BooleanField(),
    },
)


def invoice_detail(invoice: Any) -> dict[str, Any]:
    """The full invoice: routing, references, lines, VAT breakdown, totals, documents."""
    from invoices.choices import DocumentRole

    recipient, service, supplier = invoice.recipient, invoice.recipient_service, invoice.supplier
    documents = list(invoice.documents.all())
    return {
        "identifiantFactureCPP": invoice.pk,
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "dateFacture": fmt_date(invoice.invoice_date),
        "dateDepot": fmt_date(invoice.deposited_at),
        "dateHeureEtatCourant": fmt_datetime(invoice.status_changed_at),
        "statut": invoice.status,
        "modeDepot": invoice.channel,
        "numeroFluxDepot": invoice.flow.number if invoice.flow_id else "",
        "commentaire": invoice.comment,
        "empreinteCertificatDepot": invoice.fingerprint,
        "cadreDeFacturation": {
            "codeCadreFacturation": invoice.framework,
            "codeStructureValideur": invoice.validator.identifier if invoice.validator_id else "",
            "codeServiceValideur": invoice.validator_service_code,
        },
        "fournisseur": {
            "idFournisseur": supplier_cpp_id(supplier.pk),
            "identifiantFournisseur": supplier.identifier,
            "typeIdentifiantFournisseur": supplier.identifier_type,
            "raisonSocialeFournisseur": supplier.name,
            "codeServiceFournisseur": invoice.supplier_service_code,
            "ibanFournisseur": invoice.iban,
        },
        "destinataire": {
            "idDestinataire": public_cpp_id(recipient.pk) if recipient else None,
            "codeDestinataire": recipient.siret if recipient else "",
            "designationDestinataire": recipient.name if recipient else "",
            "idServiceExecutant": service.pk if service else None,
            "codeServiceExecutant": service.code if service else "",
            "nomServiceExecutant": service.name if service else "",
        },
        "references": {
            "deviseFacture": invoice.currency,
            "typeFacture": invoice.kind,
            "typeTva": invoice.vat_regime,
            "modePaiement": invoice.payment_mode,
            "numeroBonCommande": invoice.engagement_number,
            "numeroMarche": invoice.market_number,
            "numeroFactureOrigine": invoice.original_invoice_number,
            "motifExonerationTva": invoice.vat_exemption_reason,
            "dateEcheancePaiement": fmt_date(invoice.due_date),
            "numeroDpMandat": invoice.mandate_number,
            "tailleTotalePiecesJointes": sum(d.size for d in documents),
        },
        "lignePoste": [
            {
                "lignePosteNumero": line.position,
                "lignePosteReference": line.reference,
                "lignePosteDenomination": line.designation,
                "lignePosteQuantite": float(line.quantity),
                "lignePosteUnite": line.unit,
                "lignePosteMontantUnitaireHT": float(line.unit_price),
                "lignePosteMontantRemiseHT": money(line.discount),
                "lignePosteTauxTva": format(line.vat_rate.normalize(), "f"),
                "lignePosteMontantHtApresRemise": money(line.total_ht),
            }
            for line in invoice.lines.all()
        ],
        "ligneTva": [
            {
                "ligneTvaTauxRefCode": vat.category,
                "ligneTvaTauxRefValeur": float(vat.rate),
                "ligneTvaMontantBaseHtParTaux": money(vat.base),
                "ligneTvaMontantTvaParTaux": money(vat.amount),
            }
            for vat in invoice.vat_lines.all()
        ],
        "montantTotal": {
            "montantHtTotal": money(invoice.total_ht),
            "montantTVA": money(invoice.total_vat),
            "montantTtcTotal": money(invoice.total_ttc),
            "montantRemiseGlobaleTTC": money(invoice.global_discount),
            "motifRemiseGlobaleTTC": invoice.global_discount_reason,
            "montantAPayer": money(invoice.amount_due),
        },
        "pieceJointe": [
            {
                "pieceJointeId": d.pk,
                "pieceJointeDesignation": d.name,
                "pieceJointeType": "01" if d.role == DocumentRole.INVOICE else "02",
                "pieceJointeTypeMime": d.content_type,
                "pieceJointeTaille": d.size,
            }
            for d in documents
            if d.role != DocumentRole.RENDERING
        ],
    }


DetailOut = inline_serializer(
    "FactureDetail",
    {
        **envelope_fields(),
        "identifiantFactureCPP": S.IntegerField(),
        "idFacture": S.IntegerField(),
        "numeroFacture": S.CharField(),
        "dateFacture": S.CharField(allow_null=True),
        "dateDepot": S.CharField(allow_null=True),
        "dateHeureEtatCourant": S.CharField(allow_null=True),
        "statut": S.CharField(),
        "modeDepot": S.CharField(),
        "numeroFluxDepot": S.CharField(),
        "commentaire": S.CharField(),
        "empreinteCertificatDepot": S.CharField(),
        "cadreDeFacturation": S.DictField(),
        "fournisseur": S.DictField(),
        "destinataire": S.DictField(),
        "references": S.DictField(),
        "lignePoste": S.ListField(child=S.DictField()),
        "ligneTva": S.ListField(child=S.DictField()),
        "montantTotal": S.DictField(),
        "pieceJointe": S.ListField(child=S.DictField()),
    },
)


def _detail_qs_prefetch(invoice: Any) -> Any:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([invoice], "lines", "vat_lines", "documents")
    return invoice


def get_invoice(principal: ApiPrincipal, pk: int | None, *, side: str | None = None) -> Any:
    invoice = invoice_for_principal(principal=principal, pk=pk, side=side) if pk else None
    if invoice is None:
        raise unknown_invoice()
    return invoice


# --- Shared filters of the searches -------------------------------------------------------------
def _apply_common_filters(qs: QuerySet, data: dict[str, Any]) -> QuerySet:
    if data.get("numeroFacture"):
        qs = qs.filter(number=data["numeroFacture"].strip())
    if data.get("numeroBonCommande"):
        qs = qs.filter(engagement_number=data["numeroBonCommande"].strip())
    if data.get("numeroMarche"):
        qs = qs.filter(market_number=data["numeroMarche"].strip())
    statuses = [s for s in (data.get("statutCourant") or []) if s]
    if statuses:
        qs = qs.filter(status__in=statuses)
    if data.get("typeFacture"):
        qs = qs.filter(kind=data["typeFacture"])
    if data.get("cadreFacturation"):
        qs = qs.filter(framework=data["cadreFacturation"])
    for field, lookup in (
        ("periodeDateDepotDu", "deposited_at__date__gte"),
        ("periodeDateDepotAu", "deposited_at__date__lte"),
        ("periodeDateFactureDu", "invoice_date__gte"),
        ("periodeDateFactureAu", "invoice_date__lte"),
        ("periodeDateHeureEtatCourantDu", "status_changed_at__gte"),
        ("periodeDateHeureEtatCourantAu", "status_changed_at__lte"),
    ):
        if data.get(field):
            qs = qs.filter(**{lookup: data[field]})
    for field, lookup in (
        ("montantHTMin", "total_ht__gte"),
        ("montantHTMax", "total_ht__lte"),
        ("montantTTCMin", "total_ttc__gte"),
        ("montantTTCMax", "total_ttc__lte"),
        ("montantApayerMin", "amount_due__gte"),
        ("montantApayerMax", "amount_due__lte"),
    ):
        if data.get(field) is not None:
            qs = qs.filter(**{lookup: data[field]})
    return qs


def _common_search_fields() -> dict[str, serializers.Field]:
    return {
        "numeroFacture": opt_str(60),
        "numeroBonCommande": opt_str(50),
        "numeroMarche": opt_str(50),
        "statutCourant": opt_list(S.ChoiceField(choices=InvoiceStatus.values), 30),
        "typeFacture": S.ChoiceField(
            choices=InvoiceKind.values, required=False, allow_null=True, allow_blank=True
        ),
        "cadreFacturation": S.ChoiceField(
            choices=Framework.values, required=False, allow_null=True, allow_blank=True
        ),
        "periodeDateDepotDu": LenientDateField(),
        "periodeDateDepotAu": LenientDateField(),
        "periodeDateFactureDu": LenientDateField(),
        "periodeDateFactureAu": LenientDateField(),
        "periodeDateHeureEtatCourantDu": LenientDateTimeField(),
        "periodeDateHeureEtatCourantAu": LenientDateTimeField(),
        "montantHTMin": _money_filter(),
        "montantHTMax": _money_filter(),
        "montantTTCMin": _money_filter(),
        "montantTTCMax": _money_filter(),
        "montantApayerMin": _money_filter(),
        "montantApayerMax": _money_filter(),
        "idUtilisateurCourant": opt_int(),
    }


def _status_arg(rows: list[Any]) -> dict[str, Any]:
    status = no_result_or_ok(rows)
    return {"code": status["code"], "libelle": status["libelle"]}


# --- rechercher/fournisseur ---------------------------------------------------------------------
RechercherFournisseurRequest = type(
    "RechercherFournisseurRequest",
    (serializers.Serializer,),
    {
        **_common_search_fields(),
        "numeroFluxDepot": opt_str(40),
        "modeDepot": S.ChoiceField(choices=Channel.values, required=False, allow_null=True, allow_blank=True),
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
        response=inline_serializer(
            "RechercherFournisseurReponse",
            {
                **envelope_fields(),
                "listeFactures": SupplierRowOut(many=True),
                "parametresRetour": PaginationOut,
            },
        ),
        summary="Rechercher ses factures émises (par numeroFluxDepot, numeroFacture, statut, dates…)",
        tag=TAG_SUPPLIER,
        operation_id="factures_rechercher_fournisseur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherFournisseurRequest)
        page, size = read_page(data.get("rechercheFactureParFournisseur"))
        qs = _apply_common_filters(invoices_for_supplier(supplier=self.principal.supplier), data)
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
        rows, meta = paginate(qs.order_by("-created_at", "-id"), page=page, size=size)
        return ok(
            {"listeFactures": [supplier_row(i) for i in rows], "parametresRetour": meta}, **_status_arg(rows)
        )


# --- consulter/fournisseur ----------------------------------------------------------------------
class ConsulterFournisseurRequest(serializers.Serializer):
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
        invoice = get_invoice(self.principal, data["identifiantFactureCPP"], side=SUPPLIER)
        return ok(invoice_detail(_detail_qs_prefetch(invoice)))


# --- consulter/historique -----------------------------------------------------------------------
class ConsulterHistoriqueRequest(serializers.Serializer):
    idFacture = req_int()
    nbResultatsMaximum = opt_int()


HistoOut = shape(
    "HistoStatut",
    {
        "histoStatutId": S.IntegerField(),
        "histoStatutCode": S.CharField(),
        "histoStatutDatePassage": S.CharField(),
        "histoStatutCommentaire": S.CharField(),
        "histoStatutUtilisateurNom": S.CharField(),
        "histoStatutUtilisateurPrenom": S.CharField(),
    },
)


class ConsulterHistoriqueView(CproView):
    @cpro_schema(
        request=ConsulterHistoriqueRequest,
        response=inline_serializer(
            "ConsulterHistoriqueReponse",
            {
                **envelope_fields(),
                "idFacture": S.IntegerField(),
                "numeroFacture": S.CharField(),
                "statutCourantCode": S.CharField(),
                "historiquesDesStatuts": inline_serializer(
                    "HistoriquesDesStatuts", {"histoStatut": HistoOut(many=True)}
                ),
            },
        ),
        summary="Historique des statuts d'une facture (émise ou reçue)",
        tag=TAG_SUPPLIER,
        operation_id="factures_consulter_historique",
    )
    def post(self, request: Request) -> Response:
        from tracking.models import StatusEvent

        data = self.validated(ConsulterHistoriqueRequest)
        invoice = get_invoice(self.principal, data["idFacture"])
        limit = min(data.get("nbResultatsMaximum") or 100, 500)
        events = StatusEvent.objects.filter(invoice_id=invoice.pk).order_by("-at", "-id")[:limit]
        return ok(
            {
                "idFacture": invoice.pk,
                "numeroFacture": invoice.number,
                "statutCourantCode": invoice.status,
                "historiquesDesStatuts": {
                    "histoStatut": [
                        {
                            "histoStatutId": e.pk,
                            "histoStatutCode": e.status,
                            "histoStatutDatePassage": fmt_minute(e.at),
                            "histoStatutCommentaire": e.comment,
                            "histoStatutUtilisateurNom": e.actor_last_name,
                            "histoStatutUtilisateurPrenom": e.actor_first_name,
                        }
                        for e in events
                    ]
                },
            }
        )


# --- supplier actions ---------------------------------------------------------------------------
def _attachments_from_ids(
    principal: ApiPrincipal, items: list[dict[str, Any]], *, id_key: str, name_key: str
) -> list[ContentFile]:
    files = []
    for item in items:
        attachment = api_attachment_get(principal=principal, pk=item.get(id_key) or 0)
        if attachment is None:
            raise ApiError(
                Code.UNKNOWN,
                _(
                    "La pièce jointe %(id)s est inconnue : ajoutez-la d'abord avec "
                    "transverses/v1/ajouter/fichier."
                )
                % {"id": item.get(id_key)},
                errors=[{"champ": id_key, "message": str(item.get(id_key))}],
            )
        with attachment.file.open("rb") as handle:
            content = handle.read()
        name = attachment.name
        files.append(ContentFile(content, name=name))
    return files


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

    @cpro_schema(
        request=CompleterRequest,
        response=inline_serializer(
            "CompleterReponse",
            {
                **envelope_fields(),
                "identifiantFactureCPP": S.IntegerField(),
                "numeroFacture": S.CharField(),
                "dateTraitement": S.CharField(),
            },
        ),
        summary="Compléter une facture suspendue",
        tag=TAG_SUPPLIER,
        operation_id="factures_completer",
    )
    def post(self, request: Request) -> Response:
        from tracking.services import invoice_complete

        data = self.validated(CompleterRequest)
        invoice = get_invoice(self.principal, data["identifiantFactureCPP"], side=SUPPLIER)
        files = _attachments_from_ids(
            self.principal,
            data.get("pieceJointeComplementaire") or [],
            id_key="pieceJointeComplementaireId",
            name_key="pieceJointeComplementaireDesignation",
        )
        try:
            event = invoice_complete(
                invoice_id=invoice.pk,
                actor=self.principal.actor,
                comment=data.get("commentaire") or "",
                attachments=files,
            )
        except Exception as exc:
            raise lifecycle_error(exc) from exc
        return ok(
            {
                "identifiantFactureCPP": invoice.pk,
                "numeroFacture": invoice.number,
                "dateTraitement": fmt_date(event.at),
            }
        )


class RecyclerRequest(serializers.Serializer):
    identifiantFactureCPP = req_int()
    destinataire = inline_serializer(
        "RecyclerDestinataire",
        {"codeDestinataire": S.CharField(max_length=20), "codeServiceExecutant": opt_str(100)},
    )
    reference = inline_serializer(
        "RecyclerReference", {"numeroBonCommande": opt_str(50)}, required=False, allow_null=True
    )
    commentaire = opt_str(255)
    idUtilisateurCourant = opt_int()


class RecyclerView(CproView):
    side = SUPPLIER

    @cpro_schema(
        request=RecyclerRequest,
        response=inline_serializer(
            "RecyclerReponse",
            {
                **envelope_fields(),
                "identifiantFactureCPP": S.IntegerField(),
                "numeroFacture": S.CharField(),
                "dateDepot": S.CharField(),
                "statutFacture": S.CharField(),
            },
        ),
        summary="Réacheminer une facture à recycler",
        tag=TAG_SUPPLIER,
        operation_id="factures_recycler",
    )
    def post(self, request: Request) -> Response:
        from tracking.services import invoice_recycle

        data = self.validated(RecyclerRequest)
        invoice = get_invoice(self.principal, data["identifiantFactureCPP"], side=SUPPLIER)
        reference = data.get("reference") or {}
        try:
            event = invoice_recycle(
                invoice_id=invoice.pk,
                actor=self.principal.actor,
                recipient=data["destinataire"]["codeDestinataire"].strip(),
                service=(data["destinataire"].get("codeServiceExecutant") or "").strip(),
                engagement_number=reference.get("numeroBonCommande") or invoice.engagement_number,
                comment=data.get("commentaire") or "",
            )
        except Exception as exc:
            raise lifecycle_error(exc) from exc
        return ok(
            {
                "identifiantFactureCPP": invoice.pk,
                "numeroFacture": invoice.number,
                "dateDepot": fmt_date(event.at),
                "statutFacture": event.status,
            }
        )


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
        response=inline_serializer("TraiterRejetReponse", envelope_fields()),
        summary="Prendre acte du rejet de factures",
        tag=TAG_SUPPLIER,
        operation_id="factures_traiter_rejet",
    )
    def post(self, request: Request) -> Response:
        from tracking.services import invoice_rejection_acknowledge

        data = self.validated(TraiterRejetRequest)
        # Every id is checked first: one unknown id and nothing is acknowledged.
        invoices = [
            get_invoice(self.principal, item["idDemandePaiement"], side=SUPPLIER)
            for item in data["listeDemandePaiement"]
        ]
        for invoice in invoices:
            try:
                invoice_rejection_acknowledge(invoice_id=invoice.pk, actor=self.principal.actor)
            except Exception as exc:
                raise lifecycle_error(exc) from exc
        return ok()


# --- telecharger/groupe -------------------------------------------------------------------------
FORMATS = ("PDF", "PIVOT", "ORIGINAL")


def _legal_document(invoice: Any) -> Any:
    from invoices.choices import DocumentRole

    document = invoice.documents.filter(role=DocumentRole.INVOICE).first()
    if document is None:
        from invoices.services import invoice_generate_document

        invoice_generate_document(invoice_id=invoice.pk)
        document = invoice.documents.filter(role=DocumentRole.INVOICE).first()
    return document


def _invoice_file(invoice: Any, fmt: str) -> tuple[str, bytes]:
    document = _legal_document(invoice)
    if document is None:
        raise ApiError(
            Code.UNKNOWN, _("Le document de la facture %(n)s n'est pas disponible.") % {"n": invoice.number}
        )
    with document.file.open("rb") as handle:
        content = handle.read()
    if fmt == "PIVOT" and content.startswith(b"%PDF"):
        from invoices.validation import validate_document

        verdict = validate_document(content=content, filename=document.name)
        if verdict.xml:
            return f"{invoice.number or invoice.pk}.xml", verdict.xml
    if fmt == "PDF" and not content.startswith(b"%PDF"):
        from invoices.choices import DocumentRole

        rendering = invoice.documents.filter(role=DocumentRole.RENDERING).first()
        if rendering is not None:
            with rendering.file.open("rb") as handle:
                return rendering.name, handle.read()
    return document.name, content


def download_invoices(
    *, principal: ApiPrincipal, ids: list[int], fmt: str, with_attachments: bool = False
) -> tuple[str, bytes]:
    """One invoice → its file; several → a ZIP. A buyer's download sets
    ``factureTelechargeeParDestinataire`` (reference §1.5)."""
    fmt = (fmt or "PDF").upper()
    if fmt not in FORMATS:
        raise ApiError(
            Code.INVALID_REQUEST,
            _("format : choisissez PDF, PIVOT ou ORIGINAL."),
            errors=[{"champ": "format", "message": fmt}],
        )
    invoices = [get_invoice(principal, pk) for pk in dict.fromkeys(ids)]
    files = [_invoice_file(invoice, fmt) for invoice in invoices]
    if with_attachments:
        from invoices.choices import DocumentRole

        for invoice in invoices:
            for document in invoice.documents.filter(role=DocumentRole.ATTACHMENT):
                with document.file.open("rb") as handle:
                    files.append((f"{invoice.pk}-{document.name}", handle.read()))
    if principal.kind == BUYER:
        invoices_mark_downloaded(invoice_ids=[i.pk for i in invoices], recipient=principal.buyer)
    if len(files) == 1:
        return files[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        seen: set[str] = set()
        for index, (name, content) in enumerate(files):
            unique = name if name not in seen else f"{index}-{name}"
            seen.add(unique)
            archive.writestr(unique, content)
    return "factures.zip", buffer.getvalue()


class TelechargerGroupeRequest(serializers.Serializer):
    listeFacture = serializers.ListField(
        child=inline_serializer("TelechargerFacture", {"idFacture": req_int()}), min_length=1, max_length=50
    )
    format = serializers.ChoiceField(choices=FORMATS, required=False, allow_null=True)
    avecPiecesJointesComplementaires = opt_str(3)


class TelechargerGroupeView(CproView):
    @cpro_schema(
        request=TelechargerGroupeRequest,
        response=inline_serializer(
            "TelechargerGroupeReponse",
            {**envelope_fields(), "fichierResultat": S.CharField(), "nomFichier": S.CharField()},
        ),
        summary="Télécharger des factures (PDF, PIVOT = XML, ORIGINAL = fichier déposé)",
        tag=TAG_SUPPLIER,
        operation_id="factures_telecharger_groupe",
    )
    def post(self, request: Request) -> Response:
        import base64

        data = self.validated(TelechargerGroupeRequest)
        name, content = download_invoices(
            principal=self.principal,
            ids=[f["idFacture"] for f in data["listeFacture"]],
            fmt=data.get("format") or "PDF",
            with_attachments=data.get("avecPiecesJointesComplementaires") == "OUI",
        )
        return ok({"fichierResultat": base64.b64encode(content).decode(), "nomFichier": name})


# --- recipient ----------------------------------------------------------------------------------
RechercherRecipiendaireRequest = type(
    "RechercherRecipiendaireRequest",
    (serializers.Serializer,),
    {
        **_common_search_fields(),
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
        "listeTypeFacture": opt_list(S.ChoiceField(choices=InvoiceKind.values), 3),
        "rechercheSirenFournisseur": opt_bool(),
        "recupererTaille": opt_bool(),
        "paramRecherche": page_params("RechercherRecipiendairePagination"),
    },
)


class RechercherRecipiendaireView(CproView):
    side = BUYER

    @cpro_schema(
        request=RechercherRecipiendaireRequest,
        response=inline_serializer(
            "RechercherRecipiendaireReponse",
            {
                **envelope_fields(),
                "listeFactures": RecipientRowOut(many=True),
                "pageCourante": S.IntegerField(),
                "pages": S.IntegerField(),
                "nbResultatsParPage": S.IntegerField(),
                "total": S.IntegerField(),
                "parametresRetour": PaginationOut,
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
            meta = {"pageCourante": page, "pages": 0, "nbResultatsParPage": size, "total": 0}
        else:
            qs = _apply_common_filters(invoices_for_recipient(recipient=recipient), data)
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
            if data.get("typeDemandePaiement") == "FACTURE_TRAVAUX":
                from invoices.choices import WORKS_FRAMEWORKS

                qs = qs.filter(framework__in=list(WORKS_FRAMEWORKS))
            elif data.get("typeDemandePaiement") == "FACTURE":
                from invoices.choices import WORKS_FRAMEWORKS

                qs = qs.exclude(framework__in=list(WORKS_FRAMEWORKS))
            rows, meta = paginate(qs.order_by("-deposited_at", "-id"), page=page, size=size)
        return ok(
            {"listeFactures": [recipient_row(i) for i in rows], **meta, "parametresRetour": meta},
            **_status_arg(rows),
        )


class ConsulterRecipiendaireRequest(serializers.Serializer):
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
        invoice = get_invoice(self.principal, data["idFacture"], side=BUYER)
        return ok(invoice_detail(_detail_qs_prefetch(invoice)))


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

    @cpro_schema(
        request=TraiterRecueRequest,
        response=inline_serializer(
            "TraiterRecueReponse",
            {
                **envelope_fields(),
                "idFacture": S.IntegerField(),
                "numeroFacture": S.CharField(),
                "dateTraitement": S.CharField(),
                "nouveauStatut": S.CharField(),
            },
        ),
        summary="Changer le statut d'une facture reçue (motif obligatoire pour SUSPENDUE et REJETEE)",
        tag=TAG_BUYER,
        operation_id="factures_traiter_recue",
        description="Un passage refusé par le cycle de vie répond codeRetour 20002.",
    )
    def post(self, request: Request) -> Response:
        from tracking.services import invoice_buyer_process

        data = self.validated(TraiterRecueRequest)
        invoice = get_invoice(self.principal, data["idFacture"], side=BUYER)
        try:
            event = invoice_buyer_process(
                invoice_id=invoice.pk,
                to=data["nouveauStatut"],
                actor=self.principal.actor,
                comment=data.get("motif") or "",
                mandate_number=data.get("numeroDPMandat") or "",
            )
        except Exception as exc:
            raise lifecycle_error(exc) from exc
        return ok(
            {
                "idFacture": invoice.pk,
                "numeroFacture": invoice.number,
                "dateTraitement": fmt_date(event.at),
                "nouveauStatut": event.status,
            }
        )


# --- validator (A9 / A12) -----------------------------------------------------------------------
RechercherValideurRequest = type(
    "RechercherValideurRequest",
    (serializers.Serializer,),
    {
        **_common_search_fields(),
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
        response=inline_serializer(
            "RechercherValideurReponse",
            {
                **envelope_fields(),
                "listeFactures": RecipientRowOut(many=True),
                "parametresRetour": PaginationOut,
            },
        ),
        summary="Rechercher les factures à valider (sous-traitance, cotraitance)",
        tag=TAG_BUYER,
        operation_id="factures_rechercher_valideur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherValideurRequest)
        page, size = read_page(data.get("pagination"))
        qs = _apply_common_filters(invoices_for_validator(validator=self.principal.supplier), data)
        if data.get("idFournisseur"):
            qs = qs.filter(supplier_id=data["idFournisseur"] - supplier_cpp_id(0))
        if data.get("numeroEngagement"):
            qs = qs.filter(engagement_number=data["numeroEngagement"])
        rows, meta = paginate(qs.order_by("-created_at", "-id"), page=page, size=size)
        return ok(
            {"listeFactures": [recipient_row(i) for i in rows], "parametresRetour": meta}, **_status_arg(rows)
        )


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

    @cpro_schema(
        request=TraiterFactureAValiderRequest,
        response=inline_serializer(
            "TraiterFactureAValiderReponse",
            {
                **envelope_fields(),
                "idFacture": S.IntegerField(),
                "numeroFacture": S.CharField(),
                "dateTraitement": S.CharField(),
                "statutFacture": S.CharField(),
            },
        ),
        summary="Valider ou refuser une facture de sous-traitant ou de cotraitant",
        tag=TAG_BUYER,
        operation_id="factures_traiter_facture_a_valider",
    )
    def post(self, request: Request) -> Response:
        from tracking.services import invoice_validator_process

        data = self.validated(TraiterFactureAValiderRequest)
        invoice = get_invoice(self.principal, data["idFacture"], side="valideur")
        try:
            event = invoice_validator_process(
                invoice_id=invoice.pk,
                actor=self.principal.actor,
                action=data["action"],
                comment=data.get("motifRefus") or data.get("complementInfo") or "",
            )
        except Exception as exc:
            raise lifecycle_error(exc) from exc
        return ok(
            {
                "idFacture": invoice.pk,
                "numeroFacture": invoice.number,
                "dateTraitement": fmt_date(event.at),
                "statutFacture": event.status,
            }
        )


# --- soumettre (structured data, "saisie API") ----------------------------------------------------
LignePosteIn = inline_serializer(
    "LignePoste",
    {
        "lignePosteNumero": opt_int(),
        "lignePosteReference": opt_str(100),
        "lignePosteDenomination": S.CharField(max_length=512),
        "lignePosteQuantite": S.DecimalField(max_digits=19, decimal_places=4),
        "lignePosteUnite": opt_str(20),
        "lignePosteMontantUnitaireHT": S.DecimalField(max_digits=19, decimal_places=6),
        "lignePosteMontantRemiseHT": S.DecimalField(**MONEY_FIELD),
        "lignePosteTauxTva": opt_str(10),
        "lignePosteTauxTvaManuel": S.DecimalField(**MONEY_FIELD),
    },
)
LigneTvaIn = inline_serializer(
    "LigneTva",
    {
        "ligneTvaTaux": opt_str(10),
        "ligneTvaTauxManuel": S.DecimalField(**MONEY_FIELD),
        "ligneTvaMontantBaseHtParTaux": S.DecimalField(max_digits=17, decimal_places=2),
        "ligneTvaMontantTvaParTaux": S.DecimalField(max_digits=17, decimal_places=2),
    },
)


class SoumettreRequest(serializers.Serializer):
    modeDepot = S.ChoiceField(
        choices=["SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API"],
        required=False,
        allow_null=True,
        allow_blank=True,
    )
    numeroFactureSaisi = S.CharField(max_length=60)
    dateFacture = LenientDateField(required=True, allow_null=False)
    destinataire = inline_serializer(
        "SoumettreDestinataire",
        {"codeDestinataire": S.CharField(max_length=20), "codeServiceExecutant": opt_str(100)},
    )
    fournisseur = inline_serializer(
        "SoumettreFournisseur",
        {
            "idFournisseur": opt_int(),
            "idServiceFournisseur": opt_int(),
            "codeCoordonneesBancairesFournisseur": opt_int(),
        },
        required=False,
        allow_null=True,
    )
    cadreDeFacturation = inline_serializer(
        "SoumettreCadre",
        {
            "codeCadreFacturation": S.ChoiceField(
                choices=Framework.values, required=False, allow_null=True, allow_blank=True
            ),
            "codeStructureValideur": opt_str(20),
            "codeServiceValideur": opt_str(100),
        },
        required=False,
        allow_null=True,
    )
    references = inline_serializer(
        "SoumettreReferences",
        {
            "deviseFacture": opt_str(3),
            "typeFacture": S.ChoiceField(
                choices=InvoiceKind.values, required=False, allow_null=True, allow_blank=True
            ),
            "typeTva": S.ChoiceField(
                choices=VatRegime.values, required=False, allow_null=True, allow_blank=True
            ),
            "modePaiement": S.ChoiceField(
                choices=PaymentMode.values, required=False, allow_null=True, allow_blank=True
            ),
            "numeroBonCommande": opt_str(50),
            "numeroMarche": opt_str(50),
            "numeroFactureOrigine": opt_str(60),
            "motifExonerationTva": opt_str(255),
        },
        required=False,
        allow_null=True,
    )
    lignePoste = S.ListField(child=LignePosteIn, min_length=1, max_length=1000)
    ligneTva = opt_list(LigneTvaIn, 20)
    montantTotal = inline_serializer(
        "SoumettreMontantTotal",
        {
            "montantHtTotal": S.DecimalField(**MONEY_FIELD),
            "montantTVA": S.DecimalField(**MONEY_FIELD),
            "montantTtcTotal": S.DecimalField(**MONEY_FIELD),
            "montantRemiseGlobaleTTC": S.DecimalField(**MONEY_FIELD),
            "motifRemiseGlobaleTTC": opt_str(255),
            "montantAPayer": S.DecimalField(**MONEY_FIELD),
        },
        required=False,
        allow_null=True,
    )
    pieceJointePrincipale = opt_list(
        inline_serializer(
            "PieceJointePrincipale",
            {"pieceJointePrincipaleDesignation": opt_str(255), "pieceJointePrincipaleId": req_int()},
        ),
        1,
    )
    pieceJointeComplementaire = opt_list(PJComplementaireIn(), 20)
    commentaire = opt_str(1000)
    idUtilisateurCourant = opt_int()


def _rate(code: str | None, manual: Decimal | None) -> tuple[Decimal, bool]:
    if manual is not None:
        return manual, True
    text = (code or "0").upper().replace("TVA", "").replace("%", "").replace(",", ".").strip() or "0"
    try:
        return Decimal(text), False
    except ArithmeticError:
        raise ApiError(
            Code.INVALID_REQUEST, _("Taux de TVA « %(c)s » inconnu : voir recuperer/tauxtva.") % {"c": code}
        ) from None


def invoice_data_from_request(data: dict[str, Any], *, channel: str) -> Any:
    from invoices.data import InvoiceData, LineData, VatLineData

    references = data.get("references") or {}
    frame = data.get("cadreDeFacturation") or {}
    totals = data.get("montantTotal") or {}
    lines = []
    for line in data["lignePoste"]:
        rate, manual = _rate(line.get("lignePosteTauxTva"), line.get("lignePosteTauxTvaManuel"))
        lines.append(
            LineData(
                designation=line["lignePosteDenomination"],
                quantity=line["lignePosteQuantite"],
                unit_price=line["lignePosteMontantUnitaireHT"],
                vat_rate=rate,
                vat_rate_manual=manual,
                reference=line.get("lignePosteReference") or "",
                unit=line.get("lignePosteUnite") or "",
                discount=line.get("lignePosteMontantRemiseHT") or Decimal("0"),
            )
        )
    vat_lines = None
    if data.get("ligneTva"):
        vat_lines = []
        for vat in data["ligneTva"]:
            rate, manual = _rate(vat.get("ligneTvaTaux"), vat.get("ligneTvaTauxManuel"))
            vat_lines.append(
                VatLineData(
                    rate=rate,
                    rate_manual=manual,
                    base=vat["ligneTvaMontantBaseHtParTaux"],
                    amount=vat["ligneTvaMontantTvaParTaux"],
                )
            )
    return InvoiceData(
        kind=references.get("typeFacture") or InvoiceKind.FACTURE,
        framework=frame.get("codeCadreFacturation") or Framework.A1,
        number=data["numeroFactureSaisi"].strip(),
        invoice_date=data["dateFacture"],
        recipient_siret=data["destinataire"]["codeDestinataire"].replace(" ", ""),
        service_code=(data["destinataire"].get("codeServiceExecutant") or "").strip(),
        engagement_number=(references.get("numeroBonCommande") or "").strip(),
        market_number=(references.get("numeroMarche") or "").strip(),
        validator_identifier=(frame.get("codeStructureValideur") or "").strip(),
        validator_service_code=(frame.get("codeServiceValideur") or "").strip(),
        currency=(references.get("deviseFacture") or "EUR").upper(),
        vat_regime=references.get("typeTva") or VatRegime.TVA_SUR_DEBIT,
        vat_exemption_reason=references.get("motifExonerationTva") or "",
        payment_mode=references.get("modePaiement") or "",
        global_discount=totals.get("montantRemiseGlobaleTTC") or Decimal("0"),
        global_discount_reason=totals.get("motifRemiseGlobaleTTC") or "",
        original_invoice_number=(references.get("numeroFactureOrigine") or "").strip(),
        comment=data.get("commentaire") or "",
        lines=lines,
        declared_vat_lines=vat_lines,
        declared_total_ht=totals.get("montantHtTotal"),
        declared_total_vat=totals.get("montantTVA"),
        declared_total_ttc=totals.get("montantTtcTotal"),
        declared_amount_due=totals.get("montantAPayer"),
        channel=channel,
    )


class SoumettreView(CproView):
    side = SUPPLIER
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=SoumettreRequest,
        response=inline_serializer(
            "SoumettreReponse",
            {
                **envelope_fields(),
                "identifiantFactureCPP": S.IntegerField(),
                "numeroFacture": S.CharField(),
                "dateDepot": S.CharField(),
                "statutFacture": S.CharField(),
                "identifiantStructure": S.CharField(),
                "empreinteCertificatDepot": S.CharField(),
            },
        ),
        summary="Déposer une facture à partir de ses données (saisie API)",
        tag=TAG_SUPPLIER,
        operation_id="factures_soumettre",
        description="Honore l'en-tête Idempotency-Key : un nouvel essai avec la même clé et le même corps "
        "renvoie la première réponse sans créer de seconde facture.",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, endpoint="soumettre", handler=self._deposit)

    def _deposit(self) -> Response:
        from invoices.checks import InvoiceRejected
        from invoices.data import AttachmentData
        from invoices.services import invoice_deposit

        data = self.validated(SoumettreRequest)
        mode = data.get("modeDepot") or "SAISIE_API"
        channel = Channel.DEPOT_PDF_API if mode.startswith("DEPOT_PDF") else Channel.SAISIE_API
        invoice_data = invoice_data_from_request(data, channel=channel)
        principal = self.principal
        for item in (data.get("pieceJointePrincipale") or []) + (data.get("pieceJointeComplementaire") or []):
            pk = item.get("pieceJointePrincipaleId") or item.get("pieceJointeComplementaireId")
            attachment = api_attachment_get(principal=principal, pk=pk)
            if attachment is None:
                raise ApiError(Code.UNKNOWN, _("La pièce jointe %(id)s est inconnue.") % {"id": pk})
            with attachment.file.open("rb") as handle:
                invoice_data.attachments.append(
                    AttachmentData(
                        name=attachment.name, content=handle.read(), content_type=attachment.content_type
                    )
                )
        try:
            invoice = invoice_deposit(
                supplier=principal.supplier, data=invoice_data, actor=principal.account, channel=channel
            )
        except InvoiceRejected as exc:
            raise check_errors_to_api(exc.errors) from exc
        return ok(
            {
                "identifiantFactureCPP": invoice.pk,
                "numeroFacture": invoice.number,
                "dateDepot": fmt_date(invoice.deposited_at),
                "statutFacture": invoice.status,
                "identifiantStructure": principal.supplier.identifier,
                "empreinteCertificatDepot": invoice.fingerprint,
            }
        )


# --- deposer/pdf --------------------------------------------------------------------------------
class DeposerPdfRequest(serializers.Serializer):
    fichierFacture = S.CharField(help_text="Le PDF, encodé en base64.")
    nomFichier = S.CharField(max_length=50)
    formatDepot = S.ChoiceField(
        choices=["PDF_NON_SIGNE", "PDF_SIGNE"], required=False, allow_null=True, allow_blank=True
    )
    idUtilisateurCourant = opt_int()


class DeposerPdfView(CproView):
    """Store a PDF (``pieceJointeId`` for ``soumettre``) and return what it says. Chorus Pro runs
    OCR; here a Factur-X PDF gives its embedded data, a plain PDF gives nothing to pre-fill."""

    side = SUPPLIER
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=DeposerPdfRequest,
        response=inline_serializer(
            "DeposerPdfReponse",
            {
                **envelope_fields(),
                "pieceJointeId": S.IntegerField(),
                "dateFacture": S.CharField(allow_null=True),
                "numeroFacture": S.CharField(),
                "codeDestinataire": S.CharField(),
                "codeFournisseur": S.CharField(),
                "codeServiceExecutant": S.CharField(),
                "numeroBonCommande": S.CharField(),
                "typeFacture": S.CharField(),
                "codeDeviseFacture": S.CharField(),
                "montantHtTotal": S.FloatField(allow_null=True),
                "montantTVA": S.FloatField(allow_null=True),
                "montantAPayer": S.FloatField(allow_null=True),
            },
        ),
        summary="Déposer un PDF de facture (à compléter par soumettre)",
        tag=TAG_SUPPLIER,
        operation_id="factures_deposer_pdf",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, endpoint="deposer/pdf", handler=self._deposit)

    def _deposit(self) -> Response:
        from invoices.choices import ATTACHMENT_MAX_BYTES
        from invoices.validation import validate_document

        data = self.validated(DeposerPdfRequest)
        content = b64decode_field(
            data["fichierFacture"], field="fichierFacture", max_bytes=ATTACHMENT_MAX_BYTES
        )
        name = data["nomFichier"].strip()
        if not content.startswith(b"%PDF-") or not name.lower().endswith(".pdf"):
            raise ApiError(
                Code.INVALID_FILE, _("fichierFacture doit être un PDF et nomFichier finir par .pdf.")
            )
        from ..services import api_attachment_create

        attachment = api_attachment_create(principal=self.principal, name=name, content=content)
        verdict = validate_document(content=content, filename=name)
        parsed = verdict.parsed

        def amount(value: Any) -> float | None:
            return float(value) if value is not None else None

        return ok(
            {
                "pieceJointeId": attachment.pk,
                "dateFacture": fmt_date(parsed.issue_date) if parsed else None,
                "numeroFacture": (parsed.number or "") if parsed else "",
                "codeDestinataire": (parsed.buyer_siret or "") if parsed else "",
                "codeFournisseur": (parsed.seller_siret or "") if parsed else "",
                "codeServiceExecutant": (parsed.buyer_reference or "") if parsed else "",
                "numeroBonCommande": (parsed.purchase_order or "") if parsed else "",
                "typeFacture": ("AVOIR" if parsed.is_credit_note else "FACTURE") if parsed else "FACTURE",
                "codeDeviseFacture": (parsed.currency or "EUR") if parsed else "EUR",
                "montantHtTotal": amount(parsed.total_ht) if parsed else None,
                "montantTVA": amount(parsed.total_vat) if parsed else None,
                "montantAPayer": amount(parsed.amount_due) if parsed else None,
            }
        )
