"""``/cpro/facturesTravaux/v1/rechercher``: the works billing documents (CCAG Travaux) of the
caller's structure, by role (reference §2: PASTELL's search, with ``idFactureTravaux`` and
``statutFactureTravaux``).

- ``FOURNISSEUR`` (default for a supplier's account): the contractor's own works documents;
- ``MOE``: those naming the caller's structure as maître d'œuvre (``codeStructureValideur``);
- ``MOA`` (default for a public structure's account): those received as maître d'ouvrage — only
  once made available, never while the MOE still holds them (``invoices.selectors.buyer_visible``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import WORKS_FRAMEWORKS
from invoices.lifecycle.statuses import InvoiceStatus

from ...ids import public_cpp_id, supplier_cpp_id
from ...selectors import invoices_for_recipient, invoices_for_supplier, invoices_for_validator
from ..auth import SUPPLIER
from ..base import CproView, empty_page, list_ok, paginate
from ..fields import (
    cpro_schema,
    fmt_date,
    fmt_datetime,
    money,
    money_or_null,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    shape,
)
from .common import TAG_BUYER

ROLES = ("FOURNISSEUR", "MOE", "MOA")


class RechercherFacturesTravauxRequest(serializers.Serializer):
    roleUtilisateur = serializers.ChoiceField(
        choices=ROLES,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Par défaut FOURNISSEUR pour un compte fournisseur, MOA pour une structure publique.",
    )
    statutFactureTravaux = serializers.ChoiceField(
        choices=InvoiceStatus.values, required=False, allow_null=True, allow_blank=True
    )
    numeroFactureTravaux = opt_str(60)
    numeroMarche = opt_str(50)
    pagination = page_params("RechercherFacturesTravauxPagination")


FactureTravauxOut = shape(
    "FactureTravaux",
    {
        "idFactureTravaux": serializers.IntegerField(),
        "numeroFactureTravaux": serializers.CharField(),
        "cadreFacturation": serializers.CharField(),
        "statutFactureTravaux": serializers.CharField(),
        "dateDepot": serializers.CharField(allow_null=True),
        "dateHeureEtatCourant": serializers.CharField(allow_null=True),
        "montantHT": serializers.CharField(),
        "montantTTC": serializers.CharField(),
        "montantValideMOE": serializers.FloatField(
            allow_null=True,
            help_text="Montant à payer TTC validé par le maître d'œuvre (null : pas de correction).",
        ),
        "numeroMarche": serializers.CharField(),
        "idStructureFournisseur": serializers.IntegerField(),
        "identifiantStructureFournisseur": serializers.CharField(),
        "idStructureMOE": serializers.IntegerField(),
        "identifiantStructureMOE": serializers.CharField(),
        "idStructureMOA": serializers.IntegerField(),
        "identifiantStructureMOA": serializers.CharField(),
        "codeServiceMOA": serializers.CharField(),
    },
)


def _row(invoice: Any) -> dict[str, Any]:
    recipient, service, moe = invoice.recipient, invoice.recipient_service, invoice.validator
    return {
        "idFactureTravaux": invoice.pk,
        "numeroFactureTravaux": invoice.number,
        "cadreFacturation": invoice.framework,
        "statutFactureTravaux": invoice.status,
        "dateDepot": fmt_date(invoice.deposited_at),
        "dateHeureEtatCourant": fmt_datetime(invoice.status_changed_at),
        "montantHT": money(invoice.total_ht),
        "montantTTC": money(invoice.total_ttc),
        "montantValideMOE": money_or_null(invoice.moe_amount_due),
        "numeroMarche": invoice.market_number,
        "idStructureFournisseur": supplier_cpp_id(invoice.supplier_id),
        "identifiantStructureFournisseur": invoice.supplier.identifier,
        "idStructureMOE": supplier_cpp_id(moe.pk) if moe else 0,
        "identifiantStructureMOE": moe.identifier if moe else "",
        "idStructureMOA": public_cpp_id(recipient.pk) if recipient else 0,
        "identifiantStructureMOA": recipient.siret if recipient else "",
        "codeServiceMOA": service.code if service else "",
    }


def _for_role(view: CproView, role: str) -> QuerySet | None:
    supplier, buyer = view.principal.supplier, view.principal.buyer
    if role == "FOURNISSEUR" and supplier is not None:
        return invoices_for_supplier(supplier=supplier)
    if role == "MOE" and supplier is not None:
        return invoices_for_validator(validator=supplier)
    if role == "MOA" and buyer is not None:
        return invoices_for_recipient(recipient=buyer)
    return None  # a role the structure does not hold


class RechercherFacturesTravauxView(CproView):
    @cpro_schema(
        request=RechercherFacturesTravauxRequest,
        response=page_reply_out(
            "RechercherFacturesTravauxReponse", "listeFacturesTravaux", FactureTravauxOut(many=True)
        ),
        summary="Rechercher les factures de travaux (titulaire, maître d'œuvre, maître d'ouvrage)",
        tag=TAG_BUYER,
        operation_id="factures_travaux_rechercher",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherFacturesTravauxRequest)
        page, size = read_page(data.get("pagination"))
        role = data.get("roleUtilisateur") or ("FOURNISSEUR" if self.principal.kind == SUPPLIER else "MOA")
        qs = _for_role(self, role)
        if qs is None:
            return list_ok(
                [], {"listeFacturesTravaux": [], "parametresRetour": empty_page(page=page, size=size)}
            )
        qs = qs.filter(framework__in=list(WORKS_FRAMEWORKS)).select_related("validator")
        if data.get("statutFactureTravaux"):
            qs = qs.filter(status=data["statutFactureTravaux"])
        if data.get("numeroFactureTravaux"):
            qs = qs.filter(number=data["numeroFactureTravaux"].strip())
        if data.get("numeroMarche"):
            qs = qs.filter(market_number=data["numeroMarche"].strip())
        rows, meta = paginate(qs.order_by("-created_at", "-id"), page=page, size=size)
        out = [_row(invoice) for invoice in rows]
        return list_ok(out, {"listeFacturesTravaux": out, "parametresRetour": meta})
