"""What the invoice endpoints share: error mapping, the row and detail builders of an invoice
(one of each, for every side), the loader scoped to the caller, the common search filters and
the reply shapes of searches and status changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response

from invoices.choices import WORKS_FRAMEWORKS, DocumentRole, Framework, InvoiceKind
from invoices.lifecycle.machine import TransitionError
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from tracking.services import InvalidRequest

from ...ids import public_cpp_id, supplier_cpp_id
from ...selectors import api_attachment_get, invoice_for_principal
from ..auth import ApiPrincipal
from ..base import list_ok, ok
from ..errors import TRANSITION_LIBELLE, ApiError, Code, unknown_invoice
from ..fields import (
    LenientDateField,
    LenientDateTimeField,
    fmt_date,
    fmt_datetime,
    money,
    money_or_null,
    opt_int,
    opt_list,
    opt_str,
    reply_out,
    shape,
)
from .field_names import api_field, lifecycle_field
from .official import FactureOut, official_facture

TAG_SUPPLIER = "Factures – fournisseur"
TAG_BUYER = "Factures – destinataire et valideur"


def _money_filter(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=17, decimal_places=2, required=False, allow_null=True, coerce_to_string=False, **kwargs
    )


# --- Errors of the lifecycle services → the API's error shape ----------------------------------
def lifecycle_error(exc: Exception, fields: dict[str, str] | None = None) -> ApiError:

    if isinstance(exc, InvalidRequest):
        return ApiError(
            Code.INVALID_REQUEST,
            exc.message,
            errors=[{"champ": lifecycle_field(k, fields), "message": v} for k, v in exc.errors.items()],
        )
    if isinstance(exc, TransitionError):
        return ApiError(Code.TRANSITION_REFUSED, f"{TRANSITION_LIBELLE} : {exc.message}")
    raise exc


def lifecycle_call(
    operation: Callable[..., Any], /, *, api_fields: dict[str, str] | None = None, **kwargs: Any
) -> Any:
    """Run one ``tracking`` service; its refusals become the API's error shape (20001/20002).
    ``operation`` is positional-only: the services take keywords such as ``service=``.
    ``api_fields`` names the endpoint's own fields for the service's (``comment`` → ``motif``)."""
    try:
        return operation(**kwargs)
    except Exception as exc:
        raise lifecycle_error(exc, api_fields) from exc


def check_errors_to_api(errors: list[Any], *, code: int = Code.INVOICE_REJECTED) -> ApiError:
    """``InvoiceRejected`` (the business checks) → 400 20004 with each check's French message."""
    # API field names, never the form's (``lignePoste[0].lignePosteUnite``, not ``lines-0-unit``).
    items = [
        {"champ": api_field(e.field) if e.field else e.bt, "message": f"[{e.code}] {e.message}"}
        for e in errors
    ]
    libelle = _("La facture est refusée : %(first)s") % {"first": items[0]["message"] if items else ""}
    if len(items) > 1:
        libelle += _(" (et %(n)d autre(s) erreur(s), voir listeErreurs)") % {"n": len(items) - 1}
    return ApiError(code, libelle, errors=items)


# --- Rows and details ---------------------------------------------------------------------------
def _type_dp(invoice: Any) -> str:

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


# The columns the rows read (``_common_row`` and each side's own): a page of 50 rows brings ≈ 30
# columns instead of five whole joined tables, and no instance of a table the row does not show.
_COMMON_ROW_COLUMNS = (
    "number",
    "invoice_date",
    "deposited_at",
    "status_changed_at",
    "status",
    "kind",
    "framework",
    "supplier_service_code",
    "total_ht",
    "total_ttc",
    "amount_due",
    "currency",
    "engagement_number",
    "market_number",
    "recipient__siret",
    "recipient__name",
    "recipient_service__code",
    "recipient_service__name",
    "supplier__identifier",
    "supplier__name",
    "supplier__identifier_type",
)
RECIPIENT_ROW_COLUMNS = (*_COMMON_ROW_COLUMNS, "downloaded_by_recipient")
SUPPLIER_ROW_COLUMNS = (*_COMMON_ROW_COLUMNS, "channel", "rejection_acknowledged_at", "flow__number")


def with_row_columns(qs: QuerySet[Invoice], columns: tuple[str, ...]) -> QuerySet[Invoice]:
    """``qs`` reading only ``columns`` (``RECIPIENT_ROW_COLUMNS``, ``SUPPLIER_ROW_COLUMNS``), with
    the joins they name and no other."""
    joined = sorted({column.split("__")[0] for column in columns if "__" in column})
    return qs.select_related(None).select_related(*joined).only(*columns)


ROW_FIELDS: dict[str, serializers.Field] = {
    "numeroFacture": serializers.CharField(),
    "dateFacture": serializers.CharField(allow_null=True),
    "dateDepot": serializers.CharField(allow_null=True),
    "dateHeureEtatCourant": serializers.CharField(allow_null=True),
    "statut": serializers.CharField(),
    "typeFacture": serializers.CharField(),
    "typeDemandePaiement": serializers.CharField(),
    "cadreFacturation": serializers.CharField(),
    "idDestinataire": serializers.IntegerField(allow_null=True),
    "codeDestinataire": serializers.CharField(),
    "designationDestinataire": serializers.CharField(),
    "idServiceExecutant": serializers.IntegerField(allow_null=True),
    "codeServiceExecutant": serializers.CharField(),
    "nomServiceExecutant": serializers.CharField(),
    "idFournisseur": serializers.IntegerField(),
    "codeFournisseur": serializers.CharField(),
    "designationFournisseur": serializers.CharField(),
    "typeIdentifiantFournisseur": serializers.CharField(),
    "codeServiceFournisseur": serializers.CharField(),
    "montantHT": serializers.FloatField(),
    "montantTTC": serializers.FloatField(),
    "montantAPayer": serializers.FloatField(),
    "devise": serializers.CharField(),
    "numeroBonCommande": serializers.CharField(),
    "numeroMarche": serializers.CharField(),
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
        "identifiantFactureCPP": serializers.IntegerField(),
        **ROW_FIELDS,
        "numeroFluxDepot": serializers.CharField(),
        "modeDepot": serializers.CharField(),
        "rejetTraite": serializers.BooleanField(),
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
        "idFacture": serializers.IntegerField(),
        **ROW_FIELDS,
        "factureTelechargeeParDestinataire": serializers.BooleanField(),
    },
)


def invoice_detail(invoice: Any) -> dict[str, Any]:
    """The full invoice: routing, references, lines, VAT breakdown, totals, documents."""

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
            # Works documents: the amount to pay the maître d'œuvre validated (null: none).
            "montantValideMOE": money_or_null(invoice.moe_amount_due),
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


DetailOut = reply_out(
    "FactureDetail",
    {
        # The official shape (issue 12): what go-choruspro and the other connectors decode.
        "facture": FactureOut(),
        # The flat fields below are this portal's earlier shape, kept for its existing clients.
        "identifiantFactureCPP": serializers.IntegerField(),
        "idFacture": serializers.IntegerField(),
        "numeroFacture": serializers.CharField(),
        "dateFacture": serializers.CharField(allow_null=True),
        "dateDepot": serializers.CharField(allow_null=True),
        "dateHeureEtatCourant": serializers.CharField(allow_null=True),
        "statut": serializers.CharField(),
        "modeDepot": serializers.CharField(),
        "numeroFluxDepot": serializers.CharField(),
        "commentaire": serializers.CharField(),
        "empreinteCertificatDepot": serializers.CharField(),
        "cadreDeFacturation": serializers.DictField(),
        "fournisseur": serializers.DictField(),
        "destinataire": serializers.DictField(),
        "references": serializers.DictField(),
        "lignePoste": serializers.ListField(child=serializers.DictField()),
        "ligneTva": serializers.ListField(child=serializers.DictField()),
        "montantTotal": serializers.DictField(),
        "pieceJointe": serializers.ListField(child=serializers.DictField()),
    },
)


def get_invoice(principal: ApiPrincipal, pk: int | None, *, side: str | None = None) -> Any:
    invoice = invoice_for_principal(principal=principal, pk=pk, side=side) if pk else None
    if invoice is None:
        raise unknown_invoice()
    return invoice


def detail_reply(principal: ApiPrincipal, pk: int | None, *, side: str) -> Response:
    """``consulter/fournisseur`` and ``consulter/recipiendaire``: the same detail, loaded on one side
    (lines, VAT lines and documents in three queries, whatever their number)."""
    from django.db.models import prefetch_related_objects

    invoice = get_invoice(principal, pk, side=side)
    prefetch_related_objects([invoice], "lines", "vat_lines", "documents")
    return ok({"facture": official_facture(invoice), **invoice_detail(invoice)})


# --- Shared filters of the searches -------------------------------------------------------------
def apply_common_filters(qs: QuerySet, data: dict[str, Any]) -> QuerySet:
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
    # Deposit days are days of Paris: compare the timestamp with local midnights, so that the
    # (recipient, -deposited_at) index serves the range (a ``__date`` lookup casts every row).
    if data.get("periodeDateDepotDu"):
        qs = qs.filter(deposited_at__gte=_local_midnight(data["periodeDateDepotDu"]))
    if data.get("periodeDateDepotAu"):
        qs = qs.filter(deposited_at__lt=_local_midnight(data["periodeDateDepotAu"] + dt.timedelta(days=1)))
    for field, lookup in (
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


def common_search_fields() -> dict[str, serializers.Field]:
    return {
        "numeroFacture": opt_str(60),
        "numeroBonCommande": opt_str(50),
        "numeroMarche": opt_str(50),
        "statutCourant": opt_list(serializers.ChoiceField(choices=InvoiceStatus.values), 30),
        "typeFacture": serializers.ChoiceField(
            choices=InvoiceKind.values, required=False, allow_null=True, allow_blank=True
        ),
        "cadreFacturation": serializers.ChoiceField(
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


# --- Replies shared by several use cases -------------------------------------------------------
def search_reply(
    rows: list[Any], meta: dict[str, int], row: Callable[[Any], dict[str, Any]], **extra: Any
) -> Response:
    """A page of invoices; an empty page keeps HTTP 200 with ``codeRetour`` 20000."""
    return list_ok(rows, {"listeFactures": [row(i) for i in rows], **extra, "parametresRetour": meta})


@dataclass(frozen=True)
class ProcessedReply:
    """The answer of a status change: the invoice, the date of the change and, when the endpoint
    names it, the status reached. Each endpoint keeps the field names of the real API, declared
    once here for both its output serializer and its payload."""

    name: str
    id_key: str
    date_key: str
    status_key: str | None = None

    def serializer(self) -> serializers.Serializer:
        fields: dict[str, serializers.Field] = {
            self.id_key: serializers.IntegerField(),
            "numeroFacture": serializers.CharField(),
            self.date_key: serializers.CharField(),
        }
        if self.status_key:
            fields[self.status_key] = serializers.CharField()
        return reply_out(self.name, fields)

    def response(self, invoice: Any, event: Any) -> Response:
        payload = {
            self.id_key: invoice.pk,
            "numeroFacture": invoice.number,
            self.date_key: fmt_date(event.at),
        }
        if self.status_key:
            payload[self.status_key] = event.status
        return ok(payload)


def attachment_content(principal: ApiPrincipal, pk: int | None, *, error: ApiError) -> tuple[Any, bytes]:
    """An attachment added by ``transverses/v1/ajouter/fichier`` and its bytes, or ``error``."""
    attachment = api_attachment_get(principal=principal, pk=pk or 0)
    if attachment is None:
        raise error
    with attachment.file.open("rb") as handle:
        return attachment, handle.read()


def attachments_from_ids(
    principal: ApiPrincipal, items: list[dict[str, Any]], *, id_key: str
) -> list[ContentFile]:
    files = []
    for item in items:
        error = ApiError(
            Code.UNKNOWN,
            _("La pièce jointe %(id)s est inconnue : ajoutez-la d'abord avec transverses/v1/ajouter/fichier.")
            % {"id": item.get(id_key)},
            errors=[{"champ": id_key, "message": str(item.get(id_key))}],
        )
        attachment, content = attachment_content(principal, item.get(id_key), error=error)
        files.append(ContentFile(content, name=attachment.name))
    return files


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
