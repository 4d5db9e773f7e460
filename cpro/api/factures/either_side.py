"""Endpoints open to both sides of an invoice (its supplier and its recipient, each seeing only
its own): ``consulter/historique`` and ``telecharger/groupe``."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.choices import DocumentRole
from invoices.lifecycle.models import StatusEvent
from invoices.services import invoice_generate_document
from invoices.services.rendering import invoice_generate_rendering
from invoices.validation import validate_document

from ...services import invoices_mark_downloaded
from ..auth import BUYER, ApiPrincipal
from ..base import CproView, ok
from ..errors import ApiError, Code
from ..fields import cpro_schema, fmt_minute, opt_int, opt_str, reply_out, req_int, shape
from .common import TAG_SUPPLIER, get_invoice


# --- consulter/historique -----------------------------------------------------------------------
class ConsulterHistoriqueRequest(serializers.Serializer):
    idFacture = req_int()
    nbResultatsMaximum = opt_int()


HistoOut = shape(
    "HistoStatut",
    {
        "histoStatutId": serializers.IntegerField(),
        "histoStatutCode": serializers.CharField(),
        "histoStatutDatePassage": serializers.CharField(),
        "histoStatutCommentaire": serializers.CharField(),
        "histoStatutUtilisateurNom": serializers.CharField(),
        "histoStatutUtilisateurPrenom": serializers.CharField(),
    },
)


class ConsulterHistoriqueView(CproView):
    @cpro_schema(
        request=ConsulterHistoriqueRequest,
        response=reply_out(
            "ConsulterHistoriqueReponse",
            {
                "idFacture": serializers.IntegerField(),
                "numeroFacture": serializers.CharField(),
                "statutCourantCode": serializers.CharField(),
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


# --- telecharger/groupe -------------------------------------------------------------------------
FORMATS = ("PDF", "PIVOT", "ORIGINAL")


def _legal_document(invoice: Any) -> Any:

    document = invoice.documents.filter(role=DocumentRole.INVOICE).first()
    if document is None:
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
        verdict = validate_document(content=content, filename=document.name)
        if verdict.xml:
            return f"{invoice.number or invoice.pk}.xml", verdict.xml
    if fmt == "PDF" and not content.startswith(b"%PDF"):
        # A CII or UBL deposit: its readable rendering, generated once and kept (issue 12) —
        # never the XML under a ``.pdf`` name.

        rendering = invoice_generate_rendering(invoice_id=invoice.pk)
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
        child=inline_serializer("TelechargerFacture", {"idFacture": req_int()}),
        min_length=1,
        max_length=50,
        required=False,
        help_text="Les factures à télécharger (1 à 50).",
    )
    # go-choruspro's TelechargerGroupeFacture sends one ``idFacture`` (it reuses the body of
    # traiter/factureAValider): read as a list of one.
    idFacture = opt_int(help_text="Une seule facture, à la place de listeFacture.")
    format = serializers.ChoiceField(choices=FORMATS, required=False, allow_null=True)
    avecPiecesJointesComplementaires = opt_str(3)


class TelechargerGroupeView(CproView):
    @cpro_schema(
        request=TelechargerGroupeRequest,
        response=reply_out(
            "TelechargerGroupeReponse",
            {"fichierResultat": serializers.CharField(), "nomFichier": serializers.CharField()},
        ),
        summary="Télécharger des factures (PDF, PIVOT = XML, ORIGINAL = fichier déposé)",
        tag=TAG_SUPPLIER,
        operation_id="factures_telecharger_groupe",
    )
    def post(self, request: Request) -> Response:
        import base64

        data = self.validated(TelechargerGroupeRequest)
        ids = [f["idFacture"] for f in data.get("listeFacture") or []] or [data.get("idFacture") or 0]
        if ids == [0]:
            raise ApiError(
                Code.INVALID_REQUEST,
                _("Requête invalide, champ « listeFacture » : Ce champ est obligatoire."),
                errors=[{"champ": "listeFacture", "message": _("Ce champ est obligatoire.")}],
            )
        name, content = download_invoices(
            principal=self.principal,
            ids=ids,
            fmt=data.get("format") or "PDF",
            with_attachments=data.get("avecPiecesJointesComplementaires") == "OUI",
        )
        return ok({"fichierResultat": base64.b64encode(content).decode(), "nomFichier": name})
