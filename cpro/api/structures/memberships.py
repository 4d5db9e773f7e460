"""Who is attached to a structure: ``lister/rattachementsutilisateur`` and, for the connected
(technical) account, ``utilisateurs/v1/monCompte/recuperer/rattachements``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entities.selectors import services_active

from ...selectors import structure_members
from ..auth import SUPPLIER
from ..base import CproView, list_ok, ok, paginate
from ..fields import (
    PaginationOut,
    cpro_schema,
    fmt_datetime,
    opt_int,
    opt_str,
    page_params,
    read_page,
    reply_out,
    shape,
)
from .common import TAG, ServiceFoundOut, service_row, structure_ids, unknown_structure


# --- attachments of users -----------------------------------------------------------------------
class ListerRattachementsRequest(serializers.Serializer):
    idStructure = opt_int()
    identifiantStructure = opt_str(80)
    typeIdentifiantStructure = opt_str(20)
    adresseEmailConnexionUtilisateur = opt_str(254)
    idUtilisateur = opt_int()
    parametresListerRattachementsStructureUtilisateur = page_params("ListerRattachementsPagination")


RattachementServiceOut = shape(
    "RattachementServiceUtilisateur",
    {
        "idRattachement": serializers.IntegerField(),
        "idService": serializers.IntegerField(allow_null=True),
        "codeService": serializers.CharField(),
        "nomService": serializers.CharField(),
        "statutRattachement": serializers.CharField(),
        "dateDebut": serializers.CharField(allow_null=True),
        "dateFin": serializers.CharField(allow_null=True),
        "commentaire": serializers.CharField(),
        "adresseEmailUtilisateur": serializers.CharField(),
        "roleUtilisateur": serializers.CharField(),
    },
)


class ListerRattachementsUtilisateurView(CproView):
    """The members of the caller's own structure (a manager's view), optionally one user's."""

    @cpro_schema(
        request=ListerRattachementsRequest,
        response=reply_out(
            "ListerRattachementsUtilisateurReponse",
            {
                "idStructure": serializers.IntegerField(),
                "identifiantStructure": serializers.CharField(),
                "designationStructure": serializers.CharField(),
                "listeServices": RattachementServiceOut(many=True),
                "parametresRetour": PaginationOut,
                "premierService": serializers.BooleanField(),
            },
        ),
        summary="Rattachements des utilisateurs à sa structure",
        tag=TAG,
        operation_id="structures_lister_rattachements_utilisateur",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ListerRattachementsRequest)
        principal = self.principal
        own = principal.structure
        own_id, own_identifier = structure_ids(own, supplier=principal.kind == SUPPLIER)
        if (data.get("idStructure") and data["idStructure"] != own_id) or (
            data.get("identifiantStructure") and data["identifiantStructure"].strip() != own_identifier
        ):
            raise unknown_structure()
        page, size = read_page(data.get("parametresListerRattachementsStructureUtilisateur"))
        qs = structure_members(
            structure=own,
            email=(data.get("adresseEmailConnexionUtilisateur") or "").strip(),
            user_id=data.get("idUtilisateur") or None,
        )
        rows, meta = paginate(qs, page=page, size=size)
        out = []
        for membership in rows:
            services = list(getattr(membership, "services", None).all()) if principal.kind != SUPPLIER else []
            base = {
                "statutRattachement": membership.status,
                # An RFC 3339 date-time, as the official type (go-choruspro decodes it as time.Time).
                "dateDebut": fmt_datetime(membership.decided_at),
                "dateFin": None,
                "commentaire": "",
                "adresseEmailUtilisateur": membership.user.email,
                "roleUtilisateur": membership.role,
            }
            if services:
                out += [
                    {
                        **base,
                        "idRattachement": membership.pk,
                        "idService": s.pk,
                        "codeService": s.code,
                        "nomService": s.name,
                    }
                    for s in services
                ]
            else:
                # No restriction: attached to the whole structure (every service).
                out.append(
                    {
                        **base,
                        "idRattachement": membership.pk,
                        "idService": None,
                        "codeService": "",
                        "nomService": _("Tous les services"),
                    }
                )
        return list_ok(
            out,
            {
                "idStructure": own_id,
                "identifiantStructure": own_identifier,
                "designationStructure": own.name,
                "listeServices": out,
                "parametresRetour": meta,
                "premierService": False,
            },
        )


class MonCompteRattachementsRequest(serializers.Serializer):
    parametresRecherche = page_params("MonCompteRattachementsPagination")


class MonCompteRattachementsView(CproView):
    """ "My account" is the technical account: attached to its one structure, every service."""

    @cpro_schema(
        request=MonCompteRattachementsRequest,
        response=reply_out(
            "MonCompteRattachementsReponse",
            {
                "listeStructureRattachement": shape(
                    "RattachementStructure",
                    {
                        "idRattachementStructure": serializers.IntegerField(),
                        "idStructure": serializers.IntegerField(),
                        "identifiantStructure": serializers.CharField(),
                        "typeIdentifiantStructure": serializers.CharField(),
                        "designationStructure": serializers.CharField(),
                        "roleUtilisateur": serializers.CharField(),
                        "statutRattachementStructure": serializers.CharField(),
                        "statutUtilisateur": serializers.CharField(),
                        "listeServicesRattache": ServiceFoundOut(many=True),
                    },
                )(many=True),
                "parametresRetour": PaginationOut,
            },
        ),
        summary="Rattachements du compte connecté (le compte technique)",
        tag="Utilisateurs",
        operation_id="utilisateurs_mon_compte_recuperer_rattachements",
    )
    def post(self, request: Request) -> Response:

        data = self.validated(MonCompteRattachementsRequest)
        page, size = read_page(data.get("parametresRecherche"))
        principal = self.principal
        own = principal.structure
        supplier = principal.kind == SUPPLIER
        services = [] if supplier else list(services_active(structure=own)[:500])
        own_id, own_identifier = structure_ids(own, supplier=supplier)
        row = {
            "idRattachementStructure": principal.account.pk,
            "idStructure": own_id,
            "identifiantStructure": own_identifier,
            "typeIdentifiantStructure": own.identifier_type,
            "designationStructure": own.name,
            "roleUtilisateur": "UTILISATEUR_TECHNIQUE",
            "statutRattachementStructure": "ACTIF",
            "statutUtilisateur": "ACTIF",
            "listeServicesRattache": [service_row(s) for s in services],
        }
        rows = [row] if page == 1 else []
        return ok(
            {
                "listeStructureRattachement": rows,
                "parametresRetour": {
                    "pageCourante": page,
                    "pages": 1,
                    "nbResultatsParPage": size,
                    "total": 1,
                },
            }
        )
