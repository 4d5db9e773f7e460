"""The directory of public recipients: ``rechercher/destinataire`` and
``telecharger/annuaire/destinataire``."""

from __future__ import annotations

import base64
import csv
import io

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entities.directory_import import FLAG_FIELDS, STRUCTURE_COLUMNS
from entities.models import PublicStructure
from entities.selectors import directory_search

from ...ids import public_cpp_id
from ..base import CproView, list_ok, ok, uncounted_page
from ..errors import ApiError, Code
from ..fields import cpro_schema, opt_str, page_params, page_reply_out, read_page, reply_out, shape
from .common import TAG


# --- Directory of recipients --------------------------------------------------------------------
class RechercherDestinataireRequest(serializers.Serializer):
    identifiant = opt_str(20, help_text="SIRET (ou début de SIRET).")
    nomVilleCodePostal = opt_str(100, help_text="Mots du nom, une ville ou un code postal.")
    typeStructure = opt_str(20)
    parametresRecherche = page_params("RechercherDestinatairePagination")


DestinataireOut = shape(
    "DestinataireTrouve",
    {
        "idStructureCPP": serializers.IntegerField(),
        "siret": serializers.CharField(),
        "nomDestinataire": serializers.CharField(),
        "adresseCodePostal": serializers.CharField(),
        "adresseVille": serializers.CharField(),
    },
)


class RechercherDestinataireView(CproView):
    @cpro_schema(
        request=RechercherDestinataireRequest,
        response=page_reply_out(
            "RechercherDestinataireReponse", "listeDestinataires", DestinataireOut(many=True)
        ),
        summary="Rechercher une structure publique destinataire",
        tag=TAG,
        operation_id="transverses_rechercher_destinataire",
    )
    def post(self, request: Request) -> Response:

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
        return list_ok(
            rows,
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
                "parametresRetour": uncounted_page(page=page, size=size, shown=len(rows), more=more),
            },
        )


# The column order of the real export (reference §3.2), the same the directory import reads.
DIRECTORY_COLUMNS = STRUCTURE_COLUMNS


class TelechargerAnnuaireView(CproView):
    """The directory export, in the column order of the real file (reference §3.2), as CSV
    (semicolon-separated) in base64. Built from a streamed query: 150,000 rows fit in memory
    as text, never as model instances."""

    @cpro_schema(
        request=inline_serializer("TelechargerAnnuaireRequete", {}),
        response=reply_out("TelechargerAnnuaireReponse", {"fichierResultat": serializers.CharField()}),
        summary="Télécharger l'annuaire des destinataires (CSV en base64)",
        tag=TAG,
        operation_id="transverses_telecharger_annuaire_destinataire",
    )
    def post(self, request: Request) -> Response:

        def yn(value: bool) -> str:
            return "true" if value else "false"

        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(DIRECTORY_COLUMNS)
        rows = PublicStructure.objects.order_by("pk").values_list(
            "identifier_type",
            "siret",
            "name",
            *FLAG_FIELDS,  # the flag columns, in the file's order
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
