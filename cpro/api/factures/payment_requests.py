"""``rechercher/demandePaiement``: one search over every payment request the caller's structure
takes part in, by role (``roleUtilisateur``: FOURNISSEUR, DESTINATAIRE, VALIDATEUR; MOA and MOE
are the works-invoice roles, with no invoice until works invoices exist), with the row shape
go-choruspro decodes (``DemandePaiement``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import WORKS_FRAMEWORKS, Framework, InvoiceKind
from invoices.lifecycle.statuses import InvoiceStatus

from ...ids import public_cpp_id, supplier_cpp_id
from ...selectors import invoices_for_recipient, invoices_for_supplier, invoices_for_validator
from ..auth import SUPPLIER
from ..base import CproView, empty_page, list_ok, paginate
from ..fields import (
    LenientDateField,
    LenientDateTimeField,
    cpro_schema,
    fmt_date,
    fmt_datetime,
    money,
    opt_bool,
    opt_int,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    shape,
)
from .common import TAG_BUYER, _money_filter, apply_common_filters

ROLES = ("FOURNISSEUR", "DESTINATAIRE", "VALIDATEUR", "MOA", "MOE")


def _structure_param(name: str, suffix: str) -> serializers.Serializer:
    return shape(
        name,
        {
            f"idStructure{suffix}": opt_int(),
            f"identifiantStructure{suffix}": opt_str(80),
            f"typeIdentifiantStructure{suffix}": opt_str(20),
        },
    )(required=False, allow_null=True)


class RechercherDemandePaiementRequest(serializers.Serializer):
    roleUtilisateur = serializers.ChoiceField(
        choices=ROLES,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Par défaut FOURNISSEUR pour un compte fournisseur, DESTINATAIRE sinon.",
    )
    typeDemandePaiement = opt_str(30)
    cadreFacturation = serializers.ChoiceField(
        choices=Framework.values, required=False, allow_null=True, allow_blank=True
    )
    typeFacture = serializers.ChoiceField(
        choices=InvoiceKind.values, required=False, allow_null=True, allow_blank=True
    )
    statutCourant = serializers.ChoiceField(
        choices=InvoiceStatus.values, required=False, allow_null=True, allow_blank=True
    )
    numeroFacture = opt_str(60)
    numeroBonCommande = opt_str(50)
    numeroMarche = opt_str(50)
    numeroFactureOrigine = opt_str(60)
    numeroDpMandat = opt_str(50)
    periodeDateDepotDu = LenientDateField()
    periodeDateDepotAu = LenientDateField()
    periodeDateFournisseurDu = LenientDateField()
    periodeDateFournisseurAu = LenientDateField()
    periodeDateHeureEtatCourantDu = LenientDateTimeField()
    periodeDateHeureEtatCourantAu = LenientDateTimeField()
    montantHTMin = _money_filter()
    montantHTMax = _money_filter()
    montantTTCMin = _money_filter()
    montantTTCMax = _money_filter()
    montantAPayerMin = _money_filter()
    montantAPayerMax = _money_filter()
    idServiceDestinataire = opt_int()
    rechercheSirenDestinataire = opt_bool()
    rechercheSirenFournisseur = opt_bool()
    structureFournisseur = _structure_param("StructureFournisseurParam", "Fournisseur")
    structureDestinataire = _structure_param("StructureDestinataireParam", "Destinataire")
    pagination = page_params("RechercherDemandePaiementPagination")


DemandePaiementOut = shape(
    "DemandePaiement",
    {
        "idDemandePaiement": serializers.IntegerField(),
        "numeroDemandePaiement": serializers.CharField(),
        "typeDemandePaiement": serializers.CharField(),
        "cadreFacturation": serializers.CharField(),
        "typeFacture": serializers.CharField(),
        "etatCourant": serializers.CharField(),
        "dateDepot": serializers.DateField(allow_null=True),
        "dateFournisseur": serializers.DateField(allow_null=True),
        "dateHeureEtatCourant": serializers.DateTimeField(allow_null=True),
        "montantHT": serializers.FloatField(),
        "montantTTC": serializers.FloatField(),
        "montantAPayer": serializers.FloatField(),
        "idStructureFournisseur": serializers.IntegerField(),
        "identifiantStructureFournisseur": serializers.CharField(),
        "idStructureDestinataire": serializers.IntegerField(),
        "identifiantStructureDestinataire": serializers.CharField(),
        "idServiceDestinataire": serializers.IntegerField(),
        "codeServiceDestinataire": serializers.CharField(),
        "nomServiceDestinataire": serializers.CharField(),
        "idStructureValideur1": serializers.IntegerField(),
        "numeroBonCommande": serializers.CharField(),
        "numeroMarche": serializers.CharField(),
        "numeroFactureOrigine": serializers.CharField(),
        "numeroDpMandat": serializers.CharField(),
        "dpOuDpArchive": serializers.CharField(),
        "nombreResultatTotal": serializers.CharField(),
    },
)


def _row(invoice: Any, total: int) -> dict[str, Any]:
    recipient, service = invoice.recipient, invoice.recipient_service
    return {
        "idDemandePaiement": invoice.pk,
        "numeroDemandePaiement": invoice.number,
        "typeDemandePaiement": "FACTURE_TRAVAUX" if invoice.framework in WORKS_FRAMEWORKS else "FACTURE",
        "cadreFacturation": invoice.framework,
        "typeFacture": invoice.kind,
        "etatCourant": invoice.status,
        "dateDepot": fmt_date(invoice.deposited_at),
        "dateFournisseur": fmt_date(invoice.invoice_date),
        "dateHeureEtatCourant": fmt_datetime(invoice.status_changed_at),
        "montantHT": money(invoice.total_ht),
        "montantTTC": money(invoice.total_ttc),
        "montantAPayer": money(invoice.amount_due),
        "idStructureFournisseur": supplier_cpp_id(invoice.supplier_id),
        "identifiantStructureFournisseur": invoice.supplier.identifier,
        "idStructureDestinataire": public_cpp_id(recipient.pk) if recipient else 0,
        "identifiantStructureDestinataire": recipient.siret if recipient else "",
        "idServiceDestinataire": service.pk if service else 0,
        "codeServiceDestinataire": service.code if service else "",
        "nomServiceDestinataire": service.name if service else "",
        "idStructureValideur1": supplier_cpp_id(invoice.validator_id) if invoice.validator_id else 0,
        "numeroBonCommande": invoice.engagement_number,
        "numeroMarche": invoice.market_number,
        "numeroFactureOrigine": invoice.original_invoice_number,
        "numeroDpMandat": invoice.mandate_number,
        "dpOuDpArchive": "DP",
        # A string in the official type (go-choruspro: ``NombreResultatTotal string``).
        "nombreResultatTotal": str(total),
    }


def _for_role(view: CproView, role: str) -> QuerySet | None:
    principal = view.principal
    if role == "FOURNISSEUR" and principal.kind == SUPPLIER:
        return invoices_for_supplier(supplier=principal.supplier)
    if role == "VALIDATEUR" and principal.kind == SUPPLIER:
        return invoices_for_validator(validator=principal.supplier)
    if role == "DESTINATAIRE" and principal.kind != SUPPLIER:
        return invoices_for_recipient(recipient=principal.buyer)
    # The works roles: the maître d'œuvre named by the document, the maître d'ouvrage receiving it.
    if role == "MOE" and principal.kind == SUPPLIER:
        return invoices_for_validator(validator=principal.supplier).filter(
            framework__in=list(WORKS_FRAMEWORKS)
        )
    if role == "MOA" and principal.kind != SUPPLIER:
        return invoices_for_recipient(recipient=principal.buyer).filter(framework__in=list(WORKS_FRAMEWORKS))
    return None  # a role the structure does not hold


class RechercherDemandePaiementView(CproView):
    @cpro_schema(
        request=RechercherDemandePaiementRequest,
        response=page_reply_out(
            "RechercherDemandePaiementReponse", "listeDemandePaiement", DemandePaiementOut(many=True)
        ),
        summary="Rechercher des demandes de paiement selon son rôle",
        tag=TAG_BUYER,
        operation_id="factures_rechercher_demande_paiement",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherDemandePaiementRequest)
        page, size = read_page(data.get("pagination"))
        role = data.get("roleUtilisateur") or (
            "FOURNISSEUR" if self.principal.kind == SUPPLIER else "DESTINATAIRE"
        )
        qs = _for_role(self, role)
        if qs is None:
            return list_ok(
                [], {"listeDemandePaiement": [], "parametresRetour": empty_page(page=page, size=size)}
            )
        filters = {
            **data,
            "statutCourant": [data["statutCourant"]] if data.get("statutCourant") else [],
            "periodeDateFactureDu": data.get("periodeDateFournisseurDu"),
            "periodeDateFactureAu": data.get("periodeDateFournisseurAu"),
            "montantApayerMin": data.get("montantAPayerMin"),
            "montantApayerMax": data.get("montantAPayerMax"),
        }
        qs = apply_common_filters(qs, filters)
        if data.get("numeroFactureOrigine"):
            qs = qs.filter(original_invoice_number=data["numeroFactureOrigine"].strip())
        if data.get("numeroDpMandat"):
            qs = qs.filter(mandate_number=data["numeroDpMandat"].strip())
        if data.get("idServiceDestinataire"):
            qs = qs.filter(recipient_service_id=data["idServiceDestinataire"])
        kind = (data.get("typeDemandePaiement") or "").strip().upper()
        if kind == "FACTURE_TRAVAUX":
            qs = qs.filter(framework__in=list(WORKS_FRAMEWORKS))
        elif kind == "FACTURE":
            qs = qs.exclude(framework__in=list(WORKS_FRAMEWORKS))
        supplier = data.get("structureFournisseur") or {}
        if supplier.get("identifiantStructureFournisseur"):
            qs = qs.filter(supplier__identifier=supplier["identifiantStructureFournisseur"].strip())
        recipient = data.get("structureDestinataire") or {}
        if recipient.get("idStructureDestinataire"):
            qs = qs.filter(recipient_id=recipient["idStructureDestinataire"])
        if recipient.get("identifiantStructureDestinataire"):
            qs = qs.filter(recipient__siret=recipient["identifiantStructureDestinataire"].strip())
        rows, meta = paginate(qs.order_by("-deposited_at", "-id"), page=page, size=size)
        out = [_row(invoice, meta["total"]) for invoice in rows]
        return list_ok(out, {"listeDemandePaiement": out, "parametresRetour": meta})
