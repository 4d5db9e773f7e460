"""``/cpro/transverses/v1/``: reference lists, the health check, the public-structure directory,
deposit reports (``consulterCR``, ``consulterCRDetaille``) and files (reference §4.2)."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.machine import allowed_targets
from tracking.models import ActorRole
from tracking.statuses import InvoiceStatus

from .. import referentials
from ..ids import public_cpp_id
from ..selectors import api_attachment_get, flow_get_for_supplier
from ..services import api_attachment_create
from .auth import SUPPLIER, CproAuthentication, authenticate_token
from .base import DEPOSIT_MAX_BODY, CproView, no_result_or_ok, ok
from .errors import ApiError, Code, api_exception_handler, unknown
from .fields import (
    ErrorOut,
    PaginationOut,
    b64decode_field,
    cpro_schema,
    envelope_fields,
    fmt_datetime,
    opt_int,
    opt_list,
    opt_str,
    page_params,
    read_page,
    req_int,
    shape,
)

TAG = "Transverses"
LANG = {"codeLangue": opt_str(2, help_text="FR ou EN (les libellés restent en français).")}


def _list_out(name: str, key: str, item: dict[str, serializers.Field]) -> serializers.Serializer:
    return inline_serializer(name, {**envelope_fields(), key: shape(f"{name}Element", item)(many=True)})


# --- Health check (GET, token only) -------------------------------------------------------------
class HealthCheckAuthentication(CproAuthentication):
    """The health check answers to any valid token: monitoring needs no technical account."""

    def authenticate(self, request: Any) -> tuple[Any, Any]:
        token = authenticate_token(request.headers.get("Authorization", ""))
        return None, token


class HealthCheckView(CproView):
    authentication_classes = [HealthCheckAuthentication]
    throttle_classes: list = []

    @extend_schema(
        summary="Vérifier que l'API répond",
        tags=[TAG],
        operation_id="transverses_health_check",
        responses={
            200: inline_serializer(
                "HealthCheck",
                {
                    **envelope_fields(),
                    "body": serializers.CharField(),
                    "statusCode": serializers.CharField(),
                    "statusCodeValue": serializers.IntegerField(),
                },
            ),
            401: ErrorOut,
            503: ErrorOut,
        },
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            return Response({"codeRetour": 50300, "libelle": _("Base de données indisponible.")}, status=503)
        return ok({"body": "OK", "statusCode": "OK", "statusCodeValue": 200})


# --- Reference lists ----------------------------------------------------------------------------
def _reference_view(
    name: str,
    key: str,
    item: dict[str, serializers.Field],
    producer: Any,
    summary: str,
    request_fields: dict[str, serializers.Field] | None = None,
) -> type[CproView]:
    request_serializer = inline_serializer(f"{name}Requete", request_fields or dict(LANG))

    class View(CproView):
        @cpro_schema(
            request=request_serializer,
            response=_list_out(name, key, item),
            summary=summary,
            tag=TAG,
            operation_id=f"transverses_{name}",
        )
        def post(self, request: Request) -> Response:
            data = self.validated(type(request_serializer))
            return ok({key: producer(data)})

    View.__name__ = f"{name}View"
    return View


S = serializers
TauxTvaView = _reference_view(
    "RecupererTauxTva",
    "listeTauxTva",
    {"codeTauxTva": S.CharField(), "libelleTauxTva": S.CharField(), "valeurTauxTva": S.FloatField()},
    lambda d: referentials.vat_rates(),
    "Taux de TVA de référence",
)
DevisesView = _reference_view(
    "RecupererDevises",
    "listeDevises",
    {"codeDevise": S.CharField(), "libelleDevise": S.CharField()},
    lambda d: referentials.currencies(),
    "Devises (ISO 4217)",
)
PaysView = _reference_view(
    "RecupererPays",
    "listePays",
    {"codePays": S.CharField(), "libellePays": S.CharField()},
    lambda d: referentials.countries(),
    "Pays (ISO 3166-1)",
)
CadreFacturationView = _reference_view(
    "RecupererCadreFacturation",
    "listeCadreFacturation",
    {"codeCadreFacturation": S.CharField(), "libelleCadreFacturation": S.CharField()},
    lambda d: referentials.frameworks(d.get("typeDemandePaiement")),
    "Cadres de facturation",
    {"typeDemandePaiement": opt_str(50)},
)
ModeReglementsView = _reference_view(
    "RecupererModesReglement",
    "listeModePaiement",
    {"modePaiement": S.CharField(), "libelleModePaiement": S.CharField()},
    lambda d: referentials.payment_modes(),
    "Modes de règlement",
    {},
)
TypeDpView = _reference_view(
    "RecupererTypesDemandePaiement",
    "listeTypeDemandePaiement",
    {"typeDemandePaiement": S.CharField()},
    lambda d: referentials.payment_request_types(),
    "Types de demande de paiement",
    {},
)
ModeDepotView = _reference_view(
    "RecupererModesDepot",
    "listeModeDepot",
    {"modeDepot": S.CharField()},
    lambda d: referentials.deposit_modes(),
    "Modes de dépôt",
    {},
)
MotifsExonerationView = _reference_view(
    "RecupererMotifsExonerationTva",
    "listeMotifsExonerationTva",
    {"codeMotifExonerationTva": S.CharField(), "libelleMotifExonerationTva": S.CharField()},
    lambda d: referentials.vat_exemptions(),
    "Motifs d'exonération de TVA",
)
FormatFluxView = _reference_view(
    "RecupererFormatFlux",
    "listeFormatFlux",
    {"formatFlux": S.CharField()},
    lambda d: [
        {"formatFlux": s} for s in ("IN_DP_E1_CII_16B", "IN_DP_E1_UBL_INVOICE", "IN_DP_E2_CII_FACTURX")
    ],
    "Syntaxes de flux acceptées par deposer/flux",
    {},
)


class EtatsTraitementRequest(serializers.Serializer):
    statutCourant = serializers.ChoiceField(choices=InvoiceStatus.values)


class EtatsTraitementView(CproView):
    @cpro_schema(
        request=EtatsTraitementRequest,
        response=_list_out(
            "RecupererEtatsTraitement",
            "listeStatutsPossiblesPourTraitement",
            {"statutPossiblePourTraitement": S.CharField()},
        ),
        summary="Statuts qu'un destinataire peut donner depuis un statut",
        tag=TAG,
        operation_id="transverses_recuperer_etats_traitement",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(EtatsTraitementRequest)
        targets = allowed_targets(status=data["statutCourant"], role=ActorRole.BUYER)
        return ok(
            {"listeStatutsPossiblesPourTraitement": [{"statutPossiblePourTraitement": t} for t in targets]}
        )


# --- Directory of recipients --------------------------------------------------------------------
class RechercherDestinataireRequest(serializers.Serializer):
    identifiant = opt_str(20, help_text="SIRET (ou début de SIRET).")
    nomVilleCodePostal = opt_str(100, help_text="Mots du nom, une ville ou un code postal.")
    typeStructure = opt_str(20)
    parametresRecherche = page_params("RechercherDestinatairePagination")


DestinataireOut = shape(
    "DestinataireTrouve",
    {
        "idStructureCPP": S.IntegerField(),
        "siret": S.CharField(),
        "nomDestinataire": S.CharField(),
        "adresseCodePostal": S.CharField(),
        "adresseVille": S.CharField(),
    },
)


class RechercherDestinataireView(CproView):
    @cpro_schema(
        request=RechercherDestinataireRequest,
        response=inline_serializer(
            "RechercherDestinataireReponse",
            {
                **envelope_fields(),
                "listeDestinataires": DestinataireOut(many=True),
                "parametresRetour": PaginationOut,
            },
        ),
        summary="Rechercher une structure publique destinataire",
        tag=TAG,
        operation_id="transverses_rechercher_destinataire",
    )
    def post(self, request: Request) -> Response:
        from entities.selectors import directory_search

        data = self.validated(RechercherDestinataireRequest)
        page, size = read_page(data.get("parametresRecherche"), max_size=100)
        text = (data.get("nomVilleCodePostal") or "").strip()
        criteria: dict[str, str] = {"siret": (data.get("identifiant") or "").strip()}
        if text.isdigit() and len(text) == 5:
            criteria["postcode"] = text
        elif text:
            criteria["query"] = text
        if criteria["siret"] and not criteria["siret"].replace(" ", "").isdigit():
            raise ApiError(Code.INVALID_REQUEST, _("identifiant : un SIRET ne contient que des chiffres."))
        offset = (page - 1) * size
        if offset > 2000:
            raise ApiError(Code.INVALID_REQUEST, _("Au-delà de 2 000 résultats, affinez la recherche."))
        rows = directory_search(limit=size + 1, offset=offset, **criteria)
        more = len(rows) > size
        rows = rows[:size]
        # No COUNT over 150,000 structures: the total is what is known so far (one more page
        # is announced while there is one).
        total = offset + len(rows) + (1 if more else 0)
        status = no_result_or_ok(rows)
        return ok(
            {
                "listeDestinataires": [
                    {
                        "idStructureCPP": public_cpp_id(s.pk),
                        "siret": s.siret,
                        "nomDestinataire": s.name,
                        "adresseCodePostal": s.postcode,
                        "adresseVille": s.city,
                    }
                    for s in rows
                ],
                "parametresRetour": {
                    "pageCourante": page,
                    "pages": page + (1 if more else 0) if rows else 0,
                    "nbResultatsParPage": size,
                    "total": total,
                },
            },
            code=status["code"],
            libelle=status["libelle"],
        )


DIRECTORY_COLUMNS = (
    "TypeIdentifiant",
    "Identifiant",
    "RaisonSociale",
    "EmetteurEdi",
    "RecepteurEdi",
    "GestionStatutMiseEnPaiement",
    "GestionEngagement",
    "GestionService",
    "GestionServiceEngagement",
    "EstMOA",
    "EstMOAUniquement",
    "StructureActive",
    "Adresse",
    "ComplementAdresse1",
    "ComplementAdresse2",
    "CodePostal",
    "Ville",
    "NumTelephone",
    "Courriel",
    "CodePays",
    "LibellePays",
)


class TelechargerAnnuaireView(CproView):
    """The directory export, in the column order of the real file (reference §3.2), as CSV
    (semicolon-separated) in base64. Built from a streamed query: 150,000 rows fit in memory
    as text, never as model instances."""

    @cpro_schema(
        request=inline_serializer("TelechargerAnnuaireRequete", {}),
        response=inline_serializer(
            "TelechargerAnnuaireReponse", {**envelope_fields(), "fichierResultat": S.CharField()}
        ),
        summary="Télécharger l'annuaire des destinataires (CSV en base64)",
        tag=TAG,
        operation_id="transverses_telecharger_annuaire_destinataire",
    )
    def post(self, request: Request) -> Response:
        from entities.models import PublicStructure

        def yn(value: bool) -> str:
            return "true" if value else "false"

        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(DIRECTORY_COLUMNS)
        rows = PublicStructure.objects.order_by("pk").values_list(
            "identifier_type",
            "siret",
            "name",
            "edi_emitter",
            "edi_receiver",
            "payment_status_not_reported",
            "engagement_required",
            "service_code_required",
            "engagement_or_service_required",
            "is_moa",
            "is_moa_only",
            "active",
            "address",
            "address_complement1",
            "address_complement2",
            "postcode",
            "city",
            "phone",
            "email",
            "country_code",
            "country_label",
        )
        for row in rows.iterator(chunk_size=5000):
            writer.writerow(
                [
                    row[0],
                    row[1],
                    row[2],
                    yn(row[3]),
                    yn(row[4]),
                    yn(not row[5]),
                    yn(row[6]),
                    yn(row[7]),
                    yn(row[8]),
                    yn(row[9]),
                    yn(row[10]),
                    yn(row[11]),
                    *row[12:],
                ]
            )
        content = base64.b64encode(out.getvalue().encode("utf-8")).decode()
        return ok({"fichierResultat": content})


# --- Deposit reports ----------------------------------------------------------------------------
class ConsulterCRRequest(serializers.Serializer):
    numeroFluxDepot = serializers.CharField(max_length=40)
    syntaxeFlux = opt_str(40)
    dateDepot = opt_str(30)


ErreurTechniqueOut = shape(
    "ErreurTechnique",
    {
        "codeErreur": S.CharField(),
        "libelleErreur": S.CharField(),
        "numeroDP": S.CharField(),
    },
)
ErreurDPOut = shape(
    "ErreurDP",
    {
        "identifiantFournisseur": S.CharField(),
        "identifiantDestinataire": S.CharField(),
        "numeroDP": S.CharField(),
        "codeErreurDP": S.CharField(),
        "libelleErreurDP": S.CharField(),
    },
)


def _flow_for_request(view: CproView, data: dict[str, Any]) -> Any:
    flow = None
    if view.principal.kind == SUPPLIER:
        flow = flow_get_for_supplier(number=data["numeroFluxDepot"], supplier=view.principal.supplier)
    if flow is None:
        raise unknown(_("Le flux demandé est inconnu (numeroFluxDepot)."))
    return flow


class ConsulterCRView(CproView):
    @cpro_schema(
        request=ConsulterCRRequest,
        response=inline_serializer(
            "ConsulterCRReponse",
            {
                **envelope_fields(),
                "numeroFluxDepot": S.CharField(),
                "nomFichierFlux": S.CharField(),
                "dateDepotFlux": S.CharField(),
                "dateHeureEtatCourantFlux": S.CharField(allow_null=True),
                "etatCourantFlux": S.CharField(),
                "codeInterfaceFlux": S.CharField(),
                "fichierCR": S.CharField(),
            },
        ),
        summary="Compte rendu d'un flux déposé",
        tag=TAG,
        operation_id="transverses_consulter_cr",
    )
    def post(self, request: Request) -> Response:
        flow = _flow_for_request(self, self.validated(ConsulterCRRequest))
        lines = [f"{flow.number};{flow.status}"]
        lines += [f"ERREUR;{e.get('libelleErreur', '')}" for e in flow.technical_errors or []]
        lines += [
            f"ERREUR_DP;{e.get('numeroDP', '')};{e.get('libelleErreurDP', '')}"
            for e in flow.invoice_errors or []
        ]
        return ok(
            {
                "numeroFluxDepot": flow.number,
                "nomFichierFlux": flow.filename,
                "dateDepotFlux": fmt_datetime(flow.created_at),
                "dateHeureEtatCourantFlux": fmt_datetime(flow.processed_at or flow.created_at),
                "etatCourantFlux": flow.status,
                "codeInterfaceFlux": flow.syntax,
                "fichierCR": base64.b64encode("\n".join(lines).encode()).decode(),
            }
        )


class ConsulterCRDetailleView(CproView):
    @cpro_schema(
        request=ConsulterCRRequest,
        response=inline_serializer(
            "ConsulterCRDetailleReponse",
            {
                **envelope_fields(),
                "numeroFluxDepot": S.CharField(),
                "nomFichier": S.CharField(),
                "dateDepotFlux": S.CharField(),
                "dateHeureEtatCourantFlux": S.CharField(allow_null=True),
                "etatCourantDepotFlux": S.CharField(),
                "codeInterfaceDepotFlux": S.CharField(),
                "listeErreurTechnique": ErreurTechniqueOut(many=True),
                "listeErreurDP": ErreurDPOut(many=True),
            },
        ),
        summary="Compte rendu détaillé d'un flux (état et erreurs)",
        tag=TAG,
        operation_id="transverses_consulter_cr_detaille",
    )
    def post(self, request: Request) -> Response:
        flow = _flow_for_request(self, self.validated(ConsulterCRRequest))
        return ok(
            {
                "numeroFluxDepot": flow.number,
                "nomFichier": flow.filename,
                "dateDepotFlux": fmt_datetime(flow.created_at),
                "dateHeureEtatCourantFlux": fmt_datetime(flow.processed_at or flow.created_at),
                "etatCourantDepotFlux": flow.status,
                "codeInterfaceDepotFlux": flow.syntax,
                "listeErreurTechnique": [
                    {
                        "codeErreur": str(e.get("codeErreur", "")),
                        "libelleErreur": str(e.get("libelleErreur", "")),
                        "numeroDP": str(e.get("numeroDP", "")),
                    }
                    for e in flow.technical_errors or []
                ],
                "listeErreurDP": [
                    {
                        key: str(e.get(key, ""))
                        for key in (
                            "identifiantFournisseur",
                            "identifiantDestinataire",
                            "numeroDP",
                            "codeErreurDP",
                            "libelleErreurDP",
                        )
                    }
                    for e in flow.invoice_errors or []
                ],
            }
        )


# --- Files --------------------------------------------------------------------------------------
class AjouterFichierRequest(serializers.Serializer):
    pieceJointeFichier = serializers.CharField(help_text="Le fichier, encodé en base64.")
    pieceJointeNom = serializers.CharField(max_length=255)
    pieceJointeTypeMime = opt_str(100)
    pieceJointeExtension = opt_str(10)
    idUtilisateurCourant = opt_int()


class AjouterFichierView(CproView):
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=AjouterFichierRequest,
        response=inline_serializer(
            "AjouterFichierReponse", {**envelope_fields(), "pieceJointeId": S.IntegerField()}
        ),
        summary="Ajouter une pièce jointe à utiliser dans soumettre ou completer",
        tag=TAG,
        operation_id="transverses_ajouter_fichier",
    )
    def post(self, request: Request) -> Response:
        from invoices.choices import ATTACHMENT_MAX_BYTES

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
        response=inline_serializer(
            "TelechargerPieceJointeReponse",
            {**envelope_fields(), "pieceJointe": S.CharField(), "pieceJointeNom": S.CharField()},
        ),
        summary="Télécharger une pièce jointe (la sienne, ou les documents d'une facture visible)",
        tag=TAG,
        operation_id="transverses_telecharger_piece_jointe",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(TelechargerPieceJointeRequest)
        if data.get("pieceJointeId"):
            attachment = api_attachment_get(principal=self.principal, pk=data["pieceJointeId"])
            if attachment is None:
                raise unknown(_("La pièce jointe demandée est inconnue (pieceJointeId)."))
            with attachment.file.open("rb") as handle:
                content = handle.read()
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
        from .factures import download_invoices

        name, content = download_invoices(
            principal=self.principal,
            ids=ids,
            fmt=dp.get("format") or "PDF",
            with_attachments=(dp.get("avecPiecesJointesComplementaires") == "OUI"),
        )
        return ok({"pieceJointe": base64.b64encode(content).decode(), "pieceJointeNom": name})


__all__ = ["api_exception_handler"]
