"""``/cpro/structures/v1/`` and ``/cpro/utilisateurs/v1/`` (reference §3, §4.2).

Visibility: every active public structure and its services are directory data, visible to any
caller; a supplier structure is visible only to its own technical account (another supplier's
id answers like an unknown one).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ..ids import parse_cpp_id, public_cpp_id, supplier_cpp_id
from ..selectors import (
    public_structure_by_pk,
    service_by_pk,
    services_page,
    structure_members,
)
from .auth import SUPPLIER, ApiPrincipal
from .base import CproView, no_result_or_ok, ok, paginate
from .errors import unknown
from .fields import (
    PaginationOut,
    cpro_schema,
    envelope_fields,
    fmt_minute,
    opt_bool,
    opt_int,
    opt_str,
    page_params,
    read_page,
    req_int,
    shape,
)

TAG = "Structures"
S = serializers


def unknown_structure() -> Exception:
    return unknown(_("La structure demandée est inconnue."))


def resolve_structure(principal: ApiPrincipal, cpp_id: int) -> Any:
    """The structure behind ``idStructureCPP`` if the caller may see it, else ``unknown``."""
    kind, pk = parse_cpp_id(cpp_id)
    if kind == SUPPLIER:
        supplier = principal.supplier
        if supplier is not None and supplier.pk == pk:
            return supplier
        raise unknown_structure()
    structure = public_structure_by_pk(pk=pk)
    if structure is None:
        raise unknown_structure()
    return structure


def _is_supplier(structure: Any) -> bool:
    from suppliers.models import SupplierStructure

    return isinstance(structure, SupplierStructure)


# --- rechercher ---------------------------------------------------------------------------------
class RechercherStructuresRequest(serializers.Serializer):
    structure = inline_serializer(
        "CriteresRechercheStructure",
        {
            "identifiantStructure": opt_str(80),
            "typeIdentifiantStructure": opt_str(20),
            "raisonSocialeStructure": opt_str(255),
            "libelleStructure": opt_str(255),
            "nomStructure": opt_str(255),
            "prenomStructure": opt_str(255),
            "adresseCodePostal": opt_str(10),
            "adresseVille": opt_str(100),
            "adresseCodePays": opt_str(2),
            "estMOA": opt_bool(),
            "estMOAUniquement": opt_bool(),
            "statutStructure": opt_str(20),
            "typeStructure": opt_str(20),
        },
        required=False,
        allow_null=True,
    )
    restreindreStructuresPrivees = opt_bool()
    parametres = page_params("RechercherStructuresPagination")


StructureFoundOut = shape(
    "StructureTrouvee",
    {
        "idStructureCPP": S.IntegerField(),
        "identifiantStructure": S.CharField(),
        "typeIdentifiantStructure": S.CharField(),
        "designationStructure": S.CharField(),
        "statut": S.CharField(),
    },
)


class RechercherStructuresView(CproView):
    @cpro_schema(
        request=RechercherStructuresRequest,
        response=inline_serializer(
            "RechercherStructuresReponse",
            {
                **envelope_fields(),
                "listeStructures": StructureFoundOut(many=True),
                "parametresRetour": PaginationOut,
            },
        ),
        summary="Rechercher des structures",
        tag=TAG,
        operation_id="structures_rechercher",
        description="Toutes les structures publiques correspondantes ; parmi les structures privées, "
        "seulement la sienne (restreindreStructuresPrivees absent ou vrai), ou celle dont "
        "l'identifiant exact est donné (faux).",
    )
    def post(self, request: Request) -> Response:
        from entities.selectors import directory_search
        from suppliers.models import SupplierStructure

        data = self.validated(RechercherStructuresRequest)
        criteria = data.get("structure") or {}
        page, size = read_page(data.get("parametres"), max_size=100)
        identifier = (criteria.get("identifiantStructure") or "").replace(" ", "").strip()
        name = (
            criteria.get("raisonSocialeStructure")
            or criteria.get("libelleStructure")
            or criteria.get("nomStructure")
            or ""
        ).strip()
        type_id = (criteria.get("typeIdentifiantStructure") or "").strip()
        rows: list[dict[str, Any]] = []
        # Private structures: the caller's own, or (restreindreStructuresPrivees false) the one
        # whose exact identifier is asked (PASTELL quotes the rule, reference §4.2).
        restrict = data.get("restreindreStructuresPrivees")
        restrict = True if restrict is None else restrict
        privates: list[SupplierStructure] = []
        own = self.principal.supplier
        if (
            own is not None
            and (not identifier or own.identifier == identifier)
            and (not name or name.lower() in own.name.lower())
        ):
            privates.append(own)
        if not restrict and identifier:
            privates += [
                s
                for s in SupplierStructure.objects.filter(identifier=identifier, active=True)
                if own is None or s.pk != own.pk
            ]
        if criteria.get("estMOA") or criteria.get("estMOAUniquement"):
            privates = []
        for s in privates:
            if type_id and s.identifier_type != type_id:
                continue
            rows.append(
                {
                    "idStructureCPP": supplier_cpp_id(s.pk),
                    "identifiantStructure": s.identifier,
                    "typeIdentifiantStructure": s.identifier_type,
                    "designationStructure": s.name,
                    "statut": "ACTIF" if s.active else "INACTIF",
                }
            )
        offset = (page - 1) * size
        publics: list[Any] = []
        if (
            (not type_id or type_id == "SIRET")
            and offset <= 2000
            and (identifier.isdigit() or not identifier)
        ):
            publics = directory_search(
                siret=identifier,
                query=name,
                postcode=(criteria.get("adresseCodePostal") or "").strip(),
                city=(criteria.get("adresseVille") or "").strip(),
                limit=size + 1,
                offset=offset,
            )
            if criteria.get("estMOA"):
                publics = [p for p in publics if p.is_moa]
            if criteria.get("estMOAUniquement"):
                publics = [p for p in publics if p.is_moa_only]
        more = len(publics) > size
        rows += [
            {
                "idStructureCPP": public_cpp_id(p.pk),
                "identifiantStructure": p.siret,
                "typeIdentifiantStructure": p.identifier_type,
                "designationStructure": p.name,
                "statut": "ACTIF" if p.active else "INACTIF",
            }
            for p in publics[:size]
        ]
        status = no_result_or_ok(rows)
        return ok(
            {
                "listeStructures": rows,
                "parametresRetour": {
                    "pageCourante": page,
                    "pages": (page + (1 if more else 0)) if rows else 0,
                    "nbResultatsParPage": size,
                    "total": offset + len(rows) + (1 if more else 0),
                },
            },
            code=status["code"],
            libelle=status["libelle"],
        )


# --- consulter ----------------------------------------------------------------------------------
class ConsulterStructureRequest(serializers.Serializer):
    idStructure = req_int()
    codeLangue = opt_str(2)


AdresseOut = inline_serializer(
    "AdressePostale",
    {
        "adresse": S.CharField(),
        "complementAdresse1": S.CharField(),
        "complementAdresse2": S.CharField(),
        "codePostal": S.CharField(),
        "ville": S.CharField(),
        "pays": S.CharField(),
        "telephone": S.CharField(),
        "fax": S.CharField(),
        "indicatifTelephone": S.CharField(),
        "indicatifFax": S.CharField(),
    },
)


def _address(structure: Any) -> dict[str, str]:
    supplier = _is_supplier(structure)
    return {
        "adresse": structure.address,
        "complementAdresse1": structure.address_complement if supplier else structure.address_complement1,
        "complementAdresse2": "" if supplier else structure.address_complement2,
        "codePostal": structure.postcode,
        "ville": structure.city,
        "pays": structure.country_code,
        "telephone": structure.phone,
        "fax": "",
        "indicatifTelephone": "",
        "indicatifFax": "",
    }


class ConsulterStructureView(CproView):
    @cpro_schema(
        request=ConsulterStructureRequest,
        response=inline_serializer(
            "ConsulterStructureReponse",
            {
                **envelope_fields(),
                "informationGenerales": inline_serializer(
                    "InformationGeneralesStructure",
                    {
                        "idStructureCPP": S.IntegerField(),
                        "identifiantStructure": S.CharField(),
                        "typeIdentifiantStructure": S.CharField(),
                        "raisonSocialeStructure": S.CharField(),
                        "libelleStructure": S.CharField(),
                        "nomStructure": S.CharField(),
                        "prenomStructure": S.CharField(),
                        "emailStructure": S.CharField(),
                        "numeroTVA": S.CharField(),
                        "numeroRcsStructure": S.CharField(),
                        "structurePriveePublique": S.CharField(),
                        "estValideurDeleguee": S.BooleanField(),
                        "dateExpirationMotPasseCompteTech": S.CharField(allow_null=True),
                        "idStructureOrigine": S.IntegerField(allow_null=True),
                        "listeStructureDupliquees": S.ListField(child=S.DictField()),
                    },
                ),
                "adressePostaleDuSiege": AdresseOut,
                "parametres": inline_serializer(
                    "ParametresStructure",
                    {
                        name: S.BooleanField()
                        for name in (
                            "codeServiceDoitEtreRenseigne",
                            "numeroEJDoitEtreRenseigne",
                            "gestionNumeroEJOuCodeService",
                            "statutMiseEnPaiementNestPasRemonte",
                            "connexionEDI",
                            "recevoirDonneesViaEDI",
                            "estMoaUniquement",
                            "getaMoa",
                            "estValideurDelegue",
                            "nonDiffusibleInsee",
                        )
                    },
                ),
            },
        ),
        summary="Consulter une structure",
        tag=TAG,
        operation_id="structures_consulter",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterStructureRequest)
        structure = resolve_structure(self.principal, data["idStructure"])
        supplier = _is_supplier(structure)
        account = self.principal.account
        own = (account.supplier_structure_id if supplier else account.public_structure_id) == structure.pk
        return ok(
            {
                "informationGenerales": {
                    "idStructureCPP": supplier_cpp_id(structure.pk)
                    if supplier
                    else public_cpp_id(structure.pk),
                    "identifiantStructure": structure.identifier if supplier else structure.siret,
                    "typeIdentifiantStructure": structure.identifier_type,
                    "raisonSocialeStructure": structure.name,
                    "libelleStructure": structure.name,
                    "nomStructure": "",
                    "prenomStructure": "",
                    "emailStructure": structure.email,
                    "numeroTVA": structure.vat_number if supplier else "",
                    "numeroRcsStructure": "",
                    "structurePriveePublique": "PRIVEE"
                    if supplier and not structure.is_public
                    else "PUBLIQUE",
                    "estValideurDeleguee": False,
                    # Only the structure itself learns when its technical password expires.
                    "dateExpirationMotPasseCompteTech": fmt_minute(account.expires_at) if own else None,
                    "idStructureOrigine": None,
                    "listeStructureDupliquees": [],
                },
                "adressePostaleDuSiege": _address(structure),
                "parametres": {
                    "codeServiceDoitEtreRenseigne": not supplier and structure.service_code_required,
                    "numeroEJDoitEtreRenseigne": not supplier and structure.engagement_required,
                    "gestionNumeroEJOuCodeService": not supplier and structure.engagement_or_service_required,
                    "statutMiseEnPaiementNestPasRemonte": not supplier
                    and structure.payment_status_not_reported,
                    "connexionEDI": not supplier and structure.edi_emitter,
                    "recevoirDonneesViaEDI": not supplier and structure.edi_receiver,
                    "estMoaUniquement": not supplier and structure.is_moa_only,
                    "getaMoa": not supplier and structure.is_moa,
                    "estValideurDelegue": False,
                    "nonDiffusibleInsee": False,
                },
            }
        )


# --- services -----------------------------------------------------------------------------------
class RechercherServicesRequest(serializers.Serializer):
    idStructure = req_int()
    idUtilisateurCourant = opt_int()
    parametresRechercherServicesStructure = page_params("RechercherServicesPagination")


ServiceFoundOut = shape(
    "ServiceTrouve",
    {
        "idService": S.IntegerField(),
        "codeService": S.CharField(),
        "libelleService": S.CharField(),
        "estActif": S.BooleanField(),
        "statutService": S.CharField(),
        "dateDbtService": S.CharField(allow_null=True),
        "dateFinService": S.CharField(allow_null=True),
    },
)


def _service_row(service: Any) -> dict[str, Any]:
    return {
        "idService": service.pk,
        "codeService": service.code,
        "libelleService": service.name,
        "estActif": service.active,
        "statutService": "ACTIF" if service.active else "INACTIF",
        "dateDbtService": f"{service.valid_from:%Y-%m-%d} 00:00" if service.valid_from else None,
        "dateFinService": f"{service.valid_to:%Y-%m-%d} 00:00" if service.valid_to else None,
    }


class RechercherServicesView(CproView):
    @cpro_schema(
        request=RechercherServicesRequest,
        response=inline_serializer(
            "RechercherServicesReponse",
            {
                **envelope_fields(),
                "listeServices": ServiceFoundOut(many=True),
                "parametresRetour": PaginationOut,
            },
        ),
        summary="Services d'une structure",
        tag=TAG,
        operation_id="structures_rechercher_services",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(RechercherServicesRequest)
        structure = resolve_structure(self.principal, data["idStructure"])
        page, size = read_page(data.get("parametresRechercherServicesStructure"))
        if _is_supplier(structure):
            rows, meta = [], {"pageCourante": page, "pages": 0, "nbResultatsParPage": size, "total": 0}
        else:
            rows, meta = paginate(services_page(structure=structure), page=page, size=size)
        status = no_result_or_ok(rows)
        return ok(
            {"listeServices": [_service_row(s) for s in rows], "parametresRetour": meta},
            code=status["code"],
            libelle=status["libelle"],
        )


class ConsulterServiceRequest(serializers.Serializer):
    idStructure = req_int()
    idService = req_int()
    codeLangue = opt_str(2)


class ConsulterServiceView(CproView):
    @cpro_schema(
        request=ConsulterServiceRequest,
        response=inline_serializer(
            "ConsulterServiceReponse",
            {
                **envelope_fields(),
                "informationsGenerales": inline_serializer(
                    "InformationsGeneralesService",
                    {
                        "codeService": S.CharField(),
                        "nomService": S.CharField(),
                        "descriptionService": S.CharField(),
                    },
                ),
                "parametres": inline_serializer(
                    "ParametresService",
                    {
                        "dateCreation": S.CharField(allow_null=True),
                        "dateDebutValidite": S.CharField(allow_null=True),
                        "dateFinValidite": S.CharField(allow_null=True),
                        "dateModification": S.CharField(allow_null=True),
                        "miseEnPaiement": S.BooleanField(),
                        "numeroEngagement": S.BooleanField(),
                    },
                ),
                "adressePostale": AdresseOut,
            },
        ),
        summary="Consulter un service",
        tag=TAG,
        operation_id="structures_consulter_service",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConsulterServiceRequest)
        structure = resolve_structure(self.principal, data["idStructure"])
        service = (
            None if _is_supplier(structure) else service_by_pk(structure=structure, pk=data["idService"])
        )
        if service is None:
            raise unknown(_("Le service demandé est inconnu."))
        return ok(
            {
                "informationsGenerales": {
                    "codeService": service.code,
                    "nomService": service.name,
                    "descriptionService": service.name,
                },
                "parametres": {
                    "dateCreation": fmt_minute(service.created_at),
                    "dateDebutValidite": f"{service.valid_from:%Y-%m-%d} 00:00"
                    if service.valid_from
                    else None,
                    "dateFinValidite": f"{service.valid_to:%Y-%m-%d} 00:00" if service.valid_to else None,
                    "dateModification": fmt_minute(service.updated_at),
                    "miseEnPaiement": not structure.payment_status_not_reported,
                    "numeroEngagement": service.engagement_required,
                },
                "adressePostale": _address(structure),
            }
        )


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
        "idRattachement": S.IntegerField(),
        "idService": S.IntegerField(allow_null=True),
        "codeService": S.CharField(),
        "nomService": S.CharField(),
        "statutRattachement": S.CharField(),
        "dateDebut": S.CharField(allow_null=True),
        "dateFin": S.CharField(allow_null=True),
        "commentaire": S.CharField(),
        "adresseEmailUtilisateur": S.CharField(),
        "roleUtilisateur": S.CharField(),
    },
)


class ListerRattachementsUtilisateurView(CproView):
    """The members of the caller's own structure (a manager's view), optionally one user's."""

    @cpro_schema(
        request=ListerRattachementsRequest,
        response=inline_serializer(
            "ListerRattachementsUtilisateurReponse",
            {
                **envelope_fields(),
                "idStructure": S.IntegerField(),
                "identifiantStructure": S.CharField(),
                "designationStructure": S.CharField(),
                "listeServices": RattachementServiceOut(many=True),
                "parametresRetour": PaginationOut,
                "premierService": S.BooleanField(),
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
        own_id = supplier_cpp_id(own.pk) if principal.kind == SUPPLIER else public_cpp_id(own.pk)
        own_identifier = own.identifier if principal.kind == SUPPLIER else own.siret
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
                "dateDebut": fmt_minute(membership.decided_at),
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
        status = no_result_or_ok(out)
        return ok(
            {
                "idStructure": own_id,
                "identifiantStructure": own_identifier,
                "designationStructure": own.name,
                "listeServices": out,
                "parametresRetour": meta,
                "premierService": False,
            },
            code=status["code"],
            libelle=status["libelle"],
        )


class MonCompteRattachementsRequest(serializers.Serializer):
    parametresRecherche = page_params("MonCompteRattachementsPagination")


class MonCompteRattachementsView(CproView):
    """ "My account" is the technical account: attached to its one structure, every service."""

    @cpro_schema(
        request=MonCompteRattachementsRequest,
        response=inline_serializer(
            "MonCompteRattachementsReponse",
            {
                **envelope_fields(),
                "listeStructureRattachement": shape(
                    "RattachementStructure",
                    {
                        "idRattachementStructure": S.IntegerField(),
                        "idStructure": S.IntegerField(),
                        "identifiantStructure": S.CharField(),
                        "typeIdentifiantStructure": S.CharField(),
                        "designationStructure": S.CharField(),
                        "roleUtilisateur": S.CharField(),
                        "statutRattachementStructure": S.CharField(),
                        "statutUtilisateur": S.CharField(),
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
        from entities.selectors import services_active

        data = self.validated(MonCompteRattachementsRequest)
        page, size = read_page(data.get("parametresRecherche"))
        principal = self.principal
        own = principal.structure
        supplier = principal.kind == SUPPLIER
        services = [] if supplier else list(services_active(structure=own)[:500])
        row = {
            "idRattachementStructure": principal.account.pk,
            "idStructure": supplier_cpp_id(own.pk) if supplier else public_cpp_id(own.pk),
            "identifiantStructure": own.identifier if supplier else own.siret,
            "typeIdentifiantStructure": own.identifier_type,
            "designationStructure": own.name,
            "roleUtilisateur": "UTILISATEUR_TECHNIQUE",
            "statutRattachementStructure": "ACTIF",
            "statutUtilisateur": "ACTIF",
            "listeServicesRattache": [_service_row(s) for s in services],
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
