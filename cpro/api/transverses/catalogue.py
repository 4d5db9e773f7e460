"""The rest of ``/cpro/transverses/v1/`` that connectors call (issue 12, point 1): attachment
types and searches, the caller's active structures, SIRET information, valid bank accounts, the
works invoice types, structure identifier types, the states of a payment request type, the
reasons to refuse an invoice to validate, and the support-request categories (wired to the help
centre's ``RequestCategory``).

Field names are those of the official API, as go-choruspro decodes them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entities.models import PublicStructure
from helpcentre.models import RequestCategory
from invoices.lifecycle.statuses import InvoiceStatus
from suppliers.models import BankAccount, IdentifierType, SupplierStructure

from ...ids import structure_cpp_id
from ...models import ApiAttachment
from ..auth import SUPPLIER
from ..base import CproView, list_ok, paginate
from ..errors import ApiError, Code
from ..fields import (
    cpro_schema,
    fmt_datetime,
    opt_bool,
    opt_int,
    opt_str,
    page_params,
    page_reply_out,
    read_page,
    reply_out,
    shape,
)
from .common import TAG

LANG = {"codeLangue": opt_str(2, help_text="FR ou EN (les libellés restent en français).")}


def _rows_view(
    name: str,
    key: str,
    item: dict[str, serializers.Field],
    producer: Any,
    summary: str,
    request_fields: dict[str, Any] | None = None,
) -> type[CproView]:
    """An endpoint that answers one list (``codeRetour`` 20000 when it is empty)."""
    request_serializer = type(f"{name}Requete", (serializers.Serializer,), dict(request_fields or {}))

    class View(CproView):
        @cpro_schema(
            request=request_serializer,
            response=reply_out(name, {key: shape(f"{name}Element", item)(many=True)}),
            summary=summary,
            tag=TAG,
            operation_id=f"transverses_{name}",
        )
        def post(self, request: Request) -> Response:
            data = self.validated(request_serializer)
            rows = producer(self, data)
            return list_ok(rows, {key: rows})

    View.__name__ = f"{name}View"
    return View


# --- Types of attachment ------------------------------------------------------------------------
# (id, code, label, objects): the kinds of file a structure or an invoice carries.
ATTACHMENT_TYPES = (
    (1, "FACTURE", "Facture", ("DEMANDE_PAIEMENT", "FACTURE_TRAVAUX")),
    (2, "PJ_COMPLEMENTAIRE", "Pièce jointe complémentaire", ("DEMANDE_PAIEMENT", "FACTURE_TRAVAUX")),
    (3, "RIB", "Relevé d'identité bancaire", ("STRUCTURE", "CB")),
    (4, "KBIS", "Extrait Kbis", ("STRUCTURE",)),
    (5, "MANDAT", "Mandat de facturation", ("STRUCTURE", "MANDAT")),
    (6, "BON_COMMANDE", "Bon de commande", ("DEMANDE_PAIEMENT", "EJ")),
    (7, "AUTRE", "Autre document", ("STRUCTURE", "UTILISATEUR", "TRANSVERSE", "DEMANDE_PAIEMENT")),
)
ATTACHMENT_TYPE_BY_ID = {row[0]: row for row in ATTACHMENT_TYPES}


def _attachment_types(view: CproView, data: dict[str, Any]) -> list[dict[str, Any]]:
    wanted = (data.get("typeObjet") or "").strip().upper()
    return [
        {
            "idTypePieceJointe": pk,
            "codeTypePieceJointe": code,
            "libelleTypePieceJointe": label,
            "typeObjet": wanted or objects[0],
        }
        for pk, code, label, objects in ATTACHMENT_TYPES
        if not wanted or wanted in objects
    ]


TypesPjView = _rows_view(
    "RecupererTypesPieceJointe",
    "listeTypePieceJointe",
    {
        "idTypePieceJointe": serializers.IntegerField(),
        "codeTypePieceJointe": serializers.CharField(),
        "libelleTypePieceJointe": serializers.CharField(),
        "typeObjet": serializers.CharField(),
    },
    _attachment_types,
    "Types de pièce jointe (par type d'objet : STRUCTURE, DEMANDE_PAIEMENT…)",
    {**LANG, "typeObjet": opt_str(30)},
)


# --- Attachments added by the caller ------------------------------------------------------------
AttachmentOut = shape(
    "PieceJointeTrouvee",
    {
        "pieceJointeId": serializers.IntegerField(),
        "pieceJointeDesignation": serializers.CharField(),
        "pieceJointeExtension": serializers.CharField(),
        "pieceJointeObjetId": serializers.IntegerField(),
        "pieceJointeTypeCode": serializers.CharField(),
        "pieceJointeTypeLibelle": serializers.CharField(),
        "pieceJointeUtilisateurId": serializers.IntegerField(),
        "pieceJointeStructureId": serializers.IntegerField(required=False),
        "pieceJointeStructureCode": serializers.CharField(required=False),
        "pieceJointeStructureRaisonSociale": serializers.CharField(required=False),
    },
)


def _attachments_of(principal: Any) -> Any:
    account = principal.account
    if account.supplier_structure_id:
        return ApiAttachment.objects.filter(supplier_id=account.supplier_structure_id)
    return ApiAttachment.objects.filter(public_structure_id=account.public_structure_id)


def _attachment_row(attachment: ApiAttachment, structure: Any | None) -> dict[str, Any]:
    _pk, code, label, _objects = ATTACHMENT_TYPES[-1]
    row = {
        "pieceJointeId": attachment.pk,
        "pieceJointeDesignation": attachment.name,
        "pieceJointeExtension": attachment.extension,
        "pieceJointeObjetId": attachment.pk,
        "pieceJointeTypeCode": code,
        "pieceJointeTypeLibelle": label,
        "pieceJointeUtilisateurId": 0,
    }
    if structure is not None:
        row |= {
            "pieceJointeStructureId": structure_cpp_id(structure),
            "pieceJointeStructureCode": getattr(structure, "identifier", None) or structure.siret,
            "pieceJointeStructureRaisonSociale": structure.name,
        }
    return row


def _attachments_page(view: CproView, data: dict[str, Any], *, structure: Any | None) -> Response:
    page, size = read_page(data.get("parametresRecherche"))
    qs = _attachments_of(view.principal)
    if data.get("pieceJointeDesignation"):
        qs = qs.filter(name__icontains=data["pieceJointeDesignation"].strip())
    type_id = data.get("pieceJointeTypeId")
    if type_id and type_id != ATTACHMENT_TYPES[-1][0]:
        qs = qs.none()  # files added by API carry no type but "other"
    rows, meta = paginate(qs.order_by("-created_at", "-id"), page=page, size=size)
    out = [_attachment_row(a, structure) for a in rows]
    return list_ok(out, {"listePiecesJointes": out, "parametresRetour": meta})


ATTACHMENT_SEARCH = {
    **LANG,
    "pieceJointeDesignation": opt_str(255),
    "pieceJointeTypeId": opt_int(),
    "parametresRecherche": page_params("RechercherPJPagination"),
}


RechercherPjMonCompteRequest = type(
    "RechercherPjMonCompteRequest", (serializers.Serializer,), dict(ATTACHMENT_SEARCH)
)
RechercherPjStructureRequest = type(
    "RechercherPjStructureRequest",
    (serializers.Serializer,),
    {
        "aliases": {"idStructure": "idStructureCPP"},  # see ``lenient``
        "idStructureCPP": opt_int(help_text="La structure du compte technique (par défaut)."),
        **ATTACHMENT_SEARCH,
    },
)


class RechercherPjMonCompteView(CproView):
    @cpro_schema(
        request=RechercherPjMonCompteRequest,
        response=page_reply_out(
            "RechercherPJMonCompteReponse", "listePiecesJointes", AttachmentOut(many=True)
        ),
        summary="Rechercher les pièces jointes ajoutées par le compte technique",
        tag=TAG,
        operation_id="transverses_rechercher_pj_moncompte",
    )
    def post(self, request: Request) -> Response:
        return _attachments_page(self, self.validated(RechercherPjMonCompteRequest), structure=None)


class RechercherPjStructureView(CproView):
    @cpro_schema(
        request=RechercherPjStructureRequest,
        response=page_reply_out(
            "RechercherPJStructureReponse", "listePiecesJointes", AttachmentOut(many=True)
        ),
        summary="Rechercher les pièces jointes de sa structure",
        tag=TAG,
        operation_id="transverses_rechercher_pj_structure",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherPjStructureRequest)
        structure = _own_structure(self, data.get("idStructureCPP"), field="idStructureCPP")
        return _attachments_page(self, data, structure=structure)


def _own_structure(view: CproView, cpp_id: int | None, *, field: str) -> Any:
    """The caller's structure; another structure's id answers like an unknown one (20003)."""
    structure = view.principal.structure
    if cpp_id and cpp_id != structure_cpp_id(structure):
        raise ApiError(
            Code.UNKNOWN,
            _("La structure %(id)s est inconnue ou n'est pas celle du compte technique.") % {"id": cpp_id},
            errors=[{"champ": field, "message": str(cpp_id)}],
        )
    return structure


# --- Active structures of the caller ------------------------------------------------------------
def _active(structure: Any) -> dict[str, Any]:
    return {
        "idStructureCPP": structure_cpp_id(structure),
        "identifiant": getattr(structure, "identifier", None) or structure.siret,
        "designationStructure": structure.name,
    }


def _actives_supplier(view: CproView, data: dict[str, Any]) -> list[dict[str, Any]]:
    supplier = view.principal.supplier
    return [_active(supplier)] if supplier is not None and supplier.active else []


def _actives_recipient(view: CproView, data: dict[str, Any]) -> list[dict[str, Any]]:
    buyer = view.principal.buyer
    return [_active(buyer)] if buyer is not None and buyer.active else []


def _actives_works(view: CproView, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Structures that take part in works invoices: a supplier (contractor, subcontractor,
    co-contractor, MOE) or a public structure that is a project owner (MOA)."""
    rows = _actives_supplier(view, data)
    buyer = view.principal.buyer
    if buyer is not None and buyer.active and buyer.is_moa:
        rows.append(_active(buyer))
    return rows


ACTIVE_ITEM = {
    "idStructureCPP": serializers.IntegerField(),
    "identifiant": serializers.CharField(),
    "designationStructure": serializers.CharField(),
}
ActivesFournisseurView = _rows_view(
    "RecupererStructuresActivesFournisseur",
    "listeStructures",
    ACTIVE_ITEM,
    _actives_supplier,
    "Structures fournisseur actives du compte technique",
)
ActivesDestinataireView = _rows_view(
    "RecupererStructuresActivesDestinataire",
    "listeStructures",
    ACTIVE_ITEM,
    _actives_recipient,
    "Structures destinataires actives du compte technique",
)
ActivesFactureTravauxView = _rows_view(
    "RecupererStructuresActivesFactureTravaux",
    "listeStructures",
    ACTIVE_ITEM,
    _actives_works,
    "Structures du compte technique actives pour les factures de travaux",
)


# --- Bank accounts ------------------------------------------------------------------------------
def _bank_accounts(view: CproView, data: dict[str, Any]) -> list[dict[str, Any]]:

    structure = _own_structure(view, data.get("idStructure"), field="idStructure")
    if view.principal.kind != SUPPLIER:
        return []
    return [
        {"idCoordonneeBancaire": account.pk, "nomCoordonneeBancaire": account.label or account.iban}
        for account in BankAccount.objects.filter(structure=structure, active=True).order_by("pk")
    ]


CoordBancValidesView = _rows_view(
    "RecupererCoordonneesBancairesValides",
    "listeCoordonneeBancaire",
    {"idCoordonneeBancaire": serializers.IntegerField(), "nomCoordonneeBancaire": serializers.CharField()},
    _bank_accounts,
    "Coordonnées bancaires valides de sa structure (codeCoordonneesBancairesFournisseur de soumettre)",
    {
        "aliases": {"idStructureCPP": "idStructure"},  # see ``lenient``
        "idStructure": opt_int(help_text="La structure du compte technique (par défaut)."),
    },
)


# --- Reference lists ----------------------------------------------------------------------------
# Types of works invoice (typeFactureTravaux), as the official API lists them.
WORKS_INVOICE_TYPES = (
    "ETAT_ACOMPTE",
    "ETAT_ACOMPTE_VALIDE",
    "PROJET_DECOMPTE_MENSUEL",
    "PROJET_DECOMPTE_FINAL",
    "DECOMPTE_GENERAL_DEFINITIF",
    "PROJET_DECOMPTE_GENERAL",
    "DECOMPTE_GENERAL",
)
TypeFactureTravauxView = _rows_view(
    "RecupererTypesFactureTravaux",
    "listeTypeFactureTravaux",
    {"typeFactureTravaux": serializers.CharField()},
    lambda view, data: [{"typeFactureTravaux": t} for t in WORKS_INVOICE_TYPES],
    "Types de facture de travaux",
)


def _identifier_types(view: CproView, data: dict[str, Any]) -> list[dict[str, str]]:

    return [{"typeIdentifiantStructure": value} for value in IdentifierType.values]


TypeIdentifiantStructureView = _rows_view(
    "RecupererTypesIdentifiantStructure",
    "listeTypeIdentifiant",
    {"typeIdentifiantStructure": serializers.CharField()},
    _identifier_types,
    "Types d'identifiant de structure (SIRET, UE_HORS_FRANCE, HORS_UE, RIDET, TAHITI, AUTRE, PARTICULIER)",
)

# The validation circuit (A9/A12) has statuses of its own, which a plain invoice never reaches.
# So has the maître d'œuvre's step of a works document.
VALIDATION_STATUSES = {
    InvoiceStatus.A_VALIDER_1,
    InvoiceStatus.VALIDEE_1,
    InvoiceStatus.REFUSEE_1,
    InvoiceStatus.A_VALIDER_MOE,
    InvoiceStatus.REFUSEE_MOE,
    InvoiceStatus.TRANSMISE_MOA,
}


def _states_of_type(view: CproView, data: dict[str, Any]) -> list[dict[str, str]]:
    kind = (data.get("typeDemandePaiement") or "").strip().upper()
    statuses = [
        s
        for s in InvoiceStatus.values
        if s != InvoiceStatus.BROUILLON and (kind == "FACTURE_TRAVAUX" or s not in VALIDATION_STATUSES)
    ]
    if kind and kind not in ("FACTURE", "FACTURE_TRAVAUX"):
        raise ApiError(
            Code.INVALID_REQUEST,
            _("typeDemandePaiement : choisissez FACTURE ou FACTURE_TRAVAUX."),
            errors=[{"champ": "typeDemandePaiement", "message": kind}],
        )
    return [{"etatDemandePaiement": s} for s in statuses]


EtatTypeDpView = _rows_view(
    "RecupererEtatParTypeDemandePaiement",
    "listeEtatDemandePaiement",
    {"etatDemandePaiement": serializers.CharField()},
    _states_of_type,
    "États possibles d'une demande de paiement selon son type",
    {"typeDemandePaiement": opt_str(30, help_text="FACTURE (défaut) ou FACTURE_TRAVAUX.")},
)

# Reasons a validator (A9 subcontractor / A12 co-contractor invoice) gives to refuse.
REFUSAL_REASONS = (
    (1, "MONTANT_ERRONE", "Montant erroné"),
    (2, "PRESTATION_NON_CONFORME", "Prestation non conforme ou non réalisée"),
    (3, "PIECES_MANQUANTES", "Pièces justificatives manquantes"),
    (4, "HORS_PERIMETRE", "Prestation hors du périmètre de la sous-traitance ou de la cotraitance"),
    (5, "AUTRE", "Autre motif (précisé en commentaire)"),
)


def _refusal_reasons(view: CproView, data: dict[str, Any]) -> list[dict[str, Any]]:
    framework = (data.get("codeCadreFacturationAValider") or "").strip()
    if framework and framework not in ("A9_FACTURE_SOUSTRAITANT", "A12_FACTURE_COTRAITANT"):
        return []  # only A9 and A12 invoices go through a validator
    return [{"idMotif": pk, "codeMotif": code, "libelleMotif": label} for pk, code, label in REFUSAL_REASONS]


MotifsRefusAValiderView = _rows_view(
    "RecupererMotifsRefusFactureAValider",
    "listeMotifRefusFactureAValider",
    {
        "idMotif": serializers.IntegerField(),
        "codeMotif": serializers.CharField(),
        "libelleMotif": serializers.CharField(),
    },
    _refusal_reasons,
    "Motifs de refus d'une facture à valider (A9, A12)",
    {"codeCadreFacturationAValider": opt_str(60)},
)


# --- SIRET information --------------------------------------------------------------------------
class InformationSiretRequest(serializers.Serializer):
    aliases = {"siret": "siretStructure"}  # see ``lenient``
    siretStructure = serializers.RegexField(r"^\s*\d{14}\s*$", help_text="14 chiffres.")


class InformationSiretView(CproView):
    @cpro_schema(
        request=InformationSiretRequest,
        response=reply_out(
            "ConsulterInformationSiretReponse",
            {
                "siret": serializers.CharField(),
                "siren": serializers.CharField(),
                "raisonSociale": serializers.CharField(),
                "adresse": serializers.CharField(),
                "estActif": serializers.BooleanField(),
                "siege": serializers.CharField(),
                "categorieEntreprise": serializers.CharField(),
                "nonDiffusibleInsee": serializers.BooleanField(),
            },
        ),
        summary="Informations d'un SIRET connu du portail (structure publique ou fournisseur)",
        tag=TAG,
        operation_id="transverses_consulter_information_siret",
    )
    def post(self, request: Request) -> Response:

        siret = self.validated(InformationSiretRequest)["siretStructure"].strip()
        public = PublicStructure.objects.filter(siret=siret).first()
        supplier = None if public else SupplierStructure.objects.filter(identifier=siret).first()
        structure = public or supplier
        if structure is None:
            raise ApiError(
                Code.UNKNOWN,
                _("Le SIRET %(siret)s est inconnu.") % {"siret": siret},
                errors=[{"champ": "siretStructure", "message": siret}],
            )
        address = " ".join(
            part
            for part in (
                getattr(structure, "address", ""),
                getattr(structure, "postcode", ""),
                getattr(structure, "city", ""),
            )
            if part
        )
        return list_ok(
            [structure],
            {
                "siret": siret,
                "siren": siret[:9],
                "raisonSociale": structure.name,
                "adresse": address,
                "estActif": bool(structure.active),
                "siege": "",
                "categorieEntreprise": getattr(structure, "size_category", "") or "",
                "nonDiffusibleInsee": False,
            },
        )


# --- Support-request categories (help centre) ---------------------------------------------------
CATEGORY_IDS = {
    "FACTURE": 1,
    "REJET": 2,
    "DEPOT": 3,
    "STRUCTURE": 4,
    "API": 5,
    "OBLIGATION": 6,
    "AUTRE": 7,
}


def _categories() -> list[dict[str, Any]]:

    return [
        {
            "idTechniqueCategorie": CATEGORY_IDS.get(value, 100 + index),
            "codeCategorie": value,
            "libelleCategorie": str(label),
        }
        for index, (value, label) in enumerate(RequestCategory.choices)
    ]


class CategoriesRequest(serializers.Serializer):
    codeCategorie = opt_str(20)
    libelleCategorie = opt_str(100)
    estActif = opt_bool()
    pagination = page_params("CategoriesPagination")


CategorieOut = shape(
    "CategorieSollicitation",
    {
        "idTechniqueCategorie": serializers.IntegerField(),
        "codeCategorie": serializers.CharField(),
        "libelleCategorie": serializers.CharField(),
    },
)


def _filter_page(rows: list[dict[str, Any]], pagination: Any) -> tuple[list[dict[str, Any]], dict[str, int]]:
    page, size = read_page(pagination)
    total = len(rows)
    pages = (total + size - 1) // size
    chunk = rows[(page - 1) * size : page * size]
    return chunk, {"pageCourante": page, "pages": pages, "nbResultatsParPage": size, "total": total}


class CategoriesSollicitationView(CproView):
    @cpro_schema(
        request=CategoriesRequest,
        response=page_reply_out(
            "RechercherCategoriesSollicitationReponse", "listeCategories", CategorieOut(many=True)
        ),
        summary="Catégories des sollicitations (demandes au support)",
        tag=TAG,
        operation_id="transverses_rechercher_categorie_sollicitation",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(CategoriesRequest)
        rows = _categories()
        if data.get("codeCategorie"):
            rows = [r for r in rows if r["codeCategorie"] == data["codeCategorie"].strip().upper()]
        if data.get("libelleCategorie"):
            needle = data["libelleCategorie"].strip().lower()
            rows = [r for r in rows if needle in r["libelleCategorie"].lower()]
        chunk, meta = _filter_page(rows, data.get("pagination"))
        return list_ok(chunk, {"listeCategories": chunk, "parametresRetour": meta})


class SousCategoriesRequest(serializers.Serializer):
    idTechniqueCategorie = opt_int()
    code = opt_str(20)
    libelle = opt_str(100)
    estActif = opt_bool()
    pagination = page_params("SousCategoriesPagination")


class SousCategoriesSollicitationView(CproView):
    """The help centre has one level of categories: each is its own only sub-category."""

    @cpro_schema(
        request=SousCategoriesRequest,
        response=page_reply_out(
            "RechercherSousCategoriesSollicitationReponse",
            "listeSousCategories",
            shape(
                "SousCategoriesSollicitation",
                {
                    "categorie": CategorieOut(many=True),
                    "ssCategorie": shape(
                        "SousCategorieSollicitation",
                        {
                            "idTechniqueCategorie": serializers.IntegerField(),
                            "code": serializers.CharField(),
                            "libelle": serializers.CharField(),
                            "estActif": serializers.BooleanField(),
                            "dateCreation": serializers.CharField(),
                            "dateDerniereModification": serializers.CharField(),
                        },
                    )(many=True),
                },
            )(many=True),
        ),
        summary="Sous-catégories des sollicitations",
        tag=TAG,
        operation_id="transverses_rechercher_sous_categorie_sollicitation",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(SousCategoriesRequest)
        rows = _categories()
        if data.get("idTechniqueCategorie"):
            rows = [r for r in rows if r["idTechniqueCategorie"] == data["idTechniqueCategorie"]]
        if data.get("code"):
            rows = [r for r in rows if r["codeCategorie"] == data["code"].strip().upper()]
        if data.get("libelle"):
            needle = data["libelle"].strip().lower()
            rows = [r for r in rows if needle in r["libelleCategorie"].lower()]
        chunk, meta = _filter_page(rows, data.get("pagination"))
        # A fixed date: the categories are part of the portal's release, not of its data.
        since = fmt_datetime(timezone.make_aware(timezone.datetime(2026, 1, 1)))
        out = [
            {
                "categorie": [row],
                "ssCategorie": [
                    {
                        "idTechniqueCategorie": row["idTechniqueCategorie"],
                        "code": row["codeCategorie"],
                        "libelle": row["libelleCategorie"],
                        "estActif": True,
                        "dateCreation": since,
                        "dateDerniereModification": since,
                    }
                ],
            }
            for row in chunk
        ]
        return list_ok(out, {"listeSousCategories": out, "parametresRetour": meta})


__all__ = [
    "ActivesDestinataireView",
    "ActivesFactureTravauxView",
    "ActivesFournisseurView",
    "CategoriesSollicitationView",
    "CoordBancValidesView",
    "EtatTypeDpView",
    "InformationSiretView",
    "MotifsRefusAValiderView",
    "RechercherPjMonCompteView",
    "RechercherPjStructureView",
    "SousCategoriesSollicitationView",
    "TypeFactureTravauxView",
    "TypeIdentifiantStructureView",
    "TypesPjView",
]
