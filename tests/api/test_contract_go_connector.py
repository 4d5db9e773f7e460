"""Contract of every endpoint with a Go connector (go-choruspro, which maps the PISTE API one to
one): for each endpoint, the body that client sends — every option of its request struct at its
zero value, plus the values of the call — and a minimal body, then the answer decoded field by
field as its response structs decode it (``contract.py``).

The zero-value bodies below are what ``json.Marshal`` gives for the client's option structs:
``0``, ``""``, ``false``, ``null`` and ``{}`` for what the connector did not set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cpro.ids import supplier_cpp_id
from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.tracking.factories import advance, make_invoice

from . import contract as C

SUPPLIER, BUYER = "TECH-ACME", "TECH-BEAUFORT"


@pytest.fixture
def world(api, acme, bakery, beaufort, quimper, alice, carla):
    """ACME's invoices to Beaufort (FINANCES) in the states a connector acts on, and a
    subcontractor's (the bakery's) A9 invoice waiting for ACME's validation."""
    from entities.models import Service

    finances = Service.objects.get(structure=beaufort, code="FINANCES")

    def invoice(status: str, **kwargs: Any) -> int:
        return advance(make_invoice(supplier=acme, recipient=beaufort, service=finances, **kwargs), status).pk

    return {
        "acme": acme,
        "beaufort": beaufort,
        "finances": finances,
        "acme_id": supplier_cpp_id(acme.pk),
        "bakery_id": supplier_cpp_id(bakery.pk),
        "mad": invoice(S.MISE_A_DISPOSITION),
        "suspended": invoice(S.SUSPENDUE),
        "to_recycle": invoice(S.A_RECYCLER),
        "rejected": invoice(S.REJETEE),
        "a9": advance(
            make_invoice(
                supplier=bakery,
                recipient=beaufort,
                service=finances,
                framework="A9_FACTURE_SOUSTRAITANT",
                validator=acme,
            ),
            S.A_VALIDER_1,
        ).pk,
    }


def soumettre_go(w: dict[str, Any]) -> dict[str, Any]:
    """SoumettreFactureOptions as the Go client marshals it: nested structs always present
    (``omitempty`` does not drop a struct), their zero fields dropped, numbers as float32."""
    return {
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "dateFacture": "2026-03-02",
        "destinataire": {"codeDestinataire": "21490244700017", "codeServiceExecutant": "FINANCES"},
        "fournisseur": {"idFournisseur": w["acme_id"]},
        "lignePoste": [
            {
                "lignePosteDenomination": "Ramettes A4",
                "lignePosteMontantUnitaireHT": 4.5,
                "lignePosteNumero": 1,
                "lignePosteQuantite": 10,
                "lignePosteTauxTva": "TVA20",
                "lignePosteUnite": "lot",
            }
        ],
        "ligneTva": [
            {"ligneTvaMontantBaseHtParTaux": 45, "ligneTvaMontantTvaParTaux": 9, "ligneTvaTaux": "TVA20"}
        ],
        "modeDepot": "SAISIE_API",
        "montantTotal": {"montantAPayer": 54, "montantHtTotal": 45, "montantTVA": 9, "montantTtcTotal": 54},
        "numeroFactureSaisi": "GO-0001",
        "pieceJointePrincipale": {},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT"},
    }


def soumettre_minimal(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "numeroFactureSaisi": "MIN-0001",
        "destinataire": {"codeDestinataire": "21490244700017", "codeServiceExecutant": "FINANCES"},
        "lignePoste": [
            {
                "lignePosteDenomination": "Ramettes A4",
                "lignePosteQuantite": 10,
                "lignePosteMontantUnitaireHT": 4.5,
                "lignePosteTauxTva": "TVA20",
            }
        ],
    }


RECHERCHER_FOURNISSEUR_GO = {
    "cadreFacturation": {},
    "coordonneeBancaire": 0,
    "idFournisseur": 0,
    "idServiceFournisseur": 0,
    "idStructureValideur": 0,
    "idUtilisateurCourant": 0,
    "idUtilisateurCreateur": None,
    "listeDestinataire": None,
    "modeDepot": "",
    "montantApayerMax": 0,
    "montantApayerMin": 0,
    "montantHTMax": 0,
    "montantHTMin": 0,
    "montantTTCMax": 0,
    "montantTTCMin": 0,
    "numeroBonCommande": "",
    "numeroFacture": "",
    "numeroFactureOrigine": "",
    "numeroFluxDepot": "",
    "numeroMarche": "",
    "periodeDateDepotAu": "",
    "periodeDateDepotDu": "",
    "periodeDateFactureAu": None,
    "periodeDateFactureDu": None,
    "periodeDateHeureEtatCourantAu": None,
    "periodeDateHeureEtatCourantDu": None,
    "rechercheFactureParFournisseur": {"nbResultatsParPage": 100, "triSense": "Ascendant "},
    "rechercheSirenDestinataire": False,
    "recupererTaille": False,
    "rejetTraite": False,
    "statutCourant": None,
    "typeFacture": "",
}
RECHERCHER_VALIDEUR_GO = {
    "cadreFacturation": {},
    **{
        k: 0
        for k in (
            "idDestinataire",
            "idFournisseur",
            "idServiceExecutant",
            "idServiceFournisseur",
            "idStructureMoa",
            "idStructureMoe",
            "idStructureValideur",
            "idUtilisateurCourant",
            "montantAPayerMax",
            "montantAPayerMin",
            "montantHTMax",
            "montantHTMin",
            "montantTTCMax",
            "montantTTCMin",
        )
    },
    "listeTypeFacture": None,
    "listeTypeFactureTravaux": None,
    "numeroEngagement": "",
    "numeroFacture": "",
    "numeroMarche": "",
    "pagination": None,
    "periodeDateDepotAu": None,
    "periodeDateDepotDu": None,
    "periodeDateFactureAu": None,
    "periodeDateFactureDu": None,
    "rechercheSirenDestinataire": False,
    "rechercheSirenFournisseur": False,
    "statutCourant": None,
    "typeDemandePaiement": "",
}
HISTO_GO = {
    "idEspace": 0,
    "idUtilisateurCourant": 0,
    "paramRechercheHistoActionsUtilisateurs": None,
    "paramRechercheHistoEvenementsComplementaires": None,
    "paramRechercheHistoStatuts": None,
}


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    account: str
    go: Any  # the Go client's body: callable(world) -> dict
    minimal: Any  # the smallest body the official API accepts: callable(world) -> dict
    spec: dict[str, Any]
    code: int | None = 0  # the codeRetour expected (None: 0 or 20000, an empty list)


def const(body: dict[str, Any]) -> Any:
    return lambda w: body


LIST = None  # a reference list: 0, or 20000 when empty
T, F, ST, U = "/cpro/transverses/v1/", "/cpro/factures/v1/", "/cpro/structures/v1/", "/cpro/utilisateurs/v1/"

CASES = [
    # --- transverses: reference lists -----------------------------------------------------------
    Case(
        "devises",
        T + "recuperer/devises",
        SUPPLIER,
        const({"codeLangue": "FR"}),
        const({}),
        C.listing("listeDevises", {"codeDevise": C.STR, "libelleDevise": C.STR}),
    ),
    Case(
        "pays",
        T + "recuperer/pays",
        BUYER,
        const({"codeLangue": "EN"}),
        const({}),
        C.listing("listePays", {"codePays": C.STR, "libellePays": C.STR}),
    ),
    Case(
        "tauxtva",
        T + "recuperer/tauxtva",
        SUPPLIER,
        const({"codeLangue": "FR"}),
        const({}),
        C.listing("listeTauxTva", {"codeTauxTva": C.STR, "libelleTauxTva": C.STR, "valeurTauxTva": C.FLOAT}),
    ),
    Case(
        "motifs exoneration",
        T + "recuperer/motifs/exonerationtva",
        SUPPLIER,
        const({"codeLangue": ""}),
        const({}),
        C.listing(
            "listeMotifsExonerationTva",
            {"codeMotifExonerationTva": C.STR, "libelleMotifExonerationTva": C.STR},
        ),
    ),
    Case(
        "modedepot",
        T + "recuperer/modedepot",
        SUPPLIER,
        const({}),
        const({}),
        C.listing("listeModeDepot", {"modeDepot": C.STR}),
    ),
    Case(
        "modereglements",
        T + "recuperer/modereglements",
        SUPPLIER,
        const({}),
        const({}),
        C.listing("listeModePaiement", {"modePaiement": C.STR}),
    ),
    Case(
        "cadrefacturation",
        T + "recuperer/cadrefacturation",
        SUPPLIER,
        const({"typeDemandePaiement": "FACTURE"}),
        const({}),
        C.listing("listeCadreFacturation", {"codeCadreFacturation": C.STR}),
    ),
    Case(
        "typedp",
        T + "recuperer/typedp",
        SUPPLIER,
        const({}),
        const({}),
        C.listing("listeTypeDemandePaiement", {"typeDemandePaiement": C.STR}),
    ),
    Case(
        "formatflux",
        T + "recuperer/formatflux",
        SUPPLIER,
        const({}),
        const({}),
        C.listing("listeFormatFlux", {"formatFlux": C.STR}),
    ),
    Case(
        "etats traitement",
        T + "recuperer/etats/traitement",
        BUYER,
        const({"statutCourant": "MISE_A_DISPOSITION"}),
        const({"statutCourant": "MISE_A_DISPOSITION"}),
        C.listing("listeStatutsPossiblesPourTraitement", {"statutPossiblePourTraitement": C.STR}),
    ),
    Case(
        "typespj",
        T + "recuperer/typespj",
        SUPPLIER,
        const({"codeLangue": "FR", "typeObjet": "STRUCTURE"}),
        const({}),
        C.listing(
            "listeTypePieceJointe",
            {
                "idTypePieceJointe": C.INT,
                "codeTypePieceJointe": C.STR,
                "libelleTypePieceJointe": C.STR,
                "typeObjet": C.STR,
            },
        ),
    ),
    Case(
        "typefacturetravaux",
        T + "recuperer/typefacturetravaux",
        SUPPLIER,
        const({}),
        const({}),
        C.listing("listeTypeFactureTravaux", {"typeFactureTravaux": C.STR}),
    ),
    Case(
        "typeidentifiant",
        T + "recuperer/typeidentifiant/structure",
        BUYER,
        const({}),
        const({}),
        C.listing("listeTypeIdentifiant", {"typeIdentifiantStructure": C.STR}),
    ),
    Case(
        "etat typedp",
        T + "recuperer/etat/typedp",
        SUPPLIER,
        const({"typeDemandePaiement": "FACTURE"}),
        const({}),
        C.listing("listeEtatDemandePaiement", {"etatDemandePaiement": C.STR}),
    ),
    Case(
        "motifs refus",
        T + "recuperer/motifs/refus/Facture/AValider",
        SUPPLIER,
        const({"codeCadreFacturationAValider": "A9_FACTURE_SOUSTRAITANT"}),
        const({}),
        C.listing(
            "listeMotifRefusFactureAValider", {"idMotif": C.INT, "codeMotif": C.STR, "libelleMotif": C.STR}
        ),
    ),
    Case(
        "categories",
        T + "rechercher/categorieSollicitation",
        SUPPLIER,
        const({}),
        const({}),
        C.listing("listeCategories", C.CATEGORIE, parametresRetour=C.PAGE),
    ),
    Case(
        "sous-categories",
        T + "rechercher/sousCategorieSollicitation",
        BUYER,
        const({}),
        const({}),
        C.listing(
            "listeSousCategories",
            {
                "categorie": [C.CATEGORIE],
                "ssCategorie": [
                    {
                        "code": C.STR,
                        "libelle": C.STR,
                        "estActif": C.BOOL,
                        "idTechniqueCategorie": C.INT,
                        "dateCreation": C.RFC3339,
                        "dateDerniereModification": C.RFC3339,
                    }
                ],
            },
            parametresRetour=C.PAGE,
        ),
    ),
    # --- transverses: the caller's structures and files -----------------------------------------
    Case(
        "actives fournisseur",
        T + "recuperer/structures/actives/fournisseur",
        SUPPLIER,
        const({}),
        const({}),
        C.STRUCTURE_ACTIVE,
    ),
    Case(
        "actives destinataire",
        T + "recuperer/structures/actives/destinataire",
        BUYER,
        const({}),
        const({}),
        C.STRUCTURE_ACTIVE,
    ),
    Case(
        "actives facturetravaux",
        T + "recuperer/structures/actives/facturetravaux",
        SUPPLIER,
        const({}),
        const({}),
        C.STRUCTURE_ACTIVE,
    ),
    Case(
        "coordbanc",
        T + "recuperer/coordbanc/valides",
        SUPPLIER,
        lambda w: {"idStructure": w["acme_id"]},
        const({}),
        C.listing("listeCoordonneeBancaire", {"idCoordonneeBancaire": C.INT, "nomCoordonneeBancaire": C.STR}),
        code=LIST,
    ),
    Case(
        "siret",
        T + "consulter/information/siret",
        SUPPLIER,
        const({"siretStructure": "21490244700017"}),
        const({"siretStructure": "21490244700017"}),
        {
            **C.ENVELOPE,
            "siret": C.STR,
            "siren": C.STR,
            "raisonSociale": C.STR,
            "adresse": C.STR,
            "estActif": C.BOOL,
        },
    ),
    Case(
        "pj moncompte",
        T + "rechercher/pj/moncompte",
        SUPPLIER,
        const({"pieceJointeTypeId": 0}),
        const({}),
        C.PIECES_JOINTES,
        code=LIST,
    ),
    Case(
        "pj structure",
        T + "rechercher/pj/structure",
        SUPPLIER,
        lambda w: {"idStructureCPP": w["acme_id"]},
        const({}),
        C.PIECES_JOINTES,
        code=LIST,
    ),
    Case(
        "destinataires",
        T + "rechercher/destinataire",
        SUPPLIER,
        const({"nomVilleCodePostal": "Beaufort"}),
        const({}),
        C.listing(
            "listeDestinataires",
            {
                "idStructureCPP": C.INT,
                "siret": C.STR,
                "nomDestinataire": C.STR,
                "adresseCodePostal": C.STR,
                "adresseVille": C.STR,
            },
            parametresRetour=C.PAGE,
        ),
    ),
    # --- structures and utilisateurs --------------------------------------------------------------
    Case(
        "structures rechercher",
        ST + "rechercher",
        SUPPLIER,
        const(
            {
                "parametres": None,
                "restreindreStructuresPrivees": False,
                "structure": {
                    "raisonSocialeStructure": "Beaufort",
                    "estMOA": False,
                    "estMOAUniquement": False,
                    "adresseCodePays": "",
                    "identifiantStructure": "",
                    "typeStructure": "",
                },
            }
        ),
        const({"structure": {"raisonSocialeStructure": "Beaufort"}}),
        C.listing(
            "listeStructures",
            {
                "designationStructure": C.STR,
                "idStructureCPP": C.INT,
                "identifiantStructure": C.STR,
                "statut": C.STR,
                "typeIdentifiantStructure": C.STR,
            },
            parametresRetour=C.PAGE,
        ),
    ),
    Case(
        "structures consulter",
        ST + "consulter",
        SUPPLIER,
        lambda w: {"codeLangue": "", "idStructure": w["acme_id"]},
        lambda w: {"idStructureCPP": w["acme_id"]},
        {
            **C.ENVELOPE,
            "informationGenerales": {
                "dateExpirationMotPasseCompteTech": C.RFC3339,
                "idStructureCPP": C.INT,
                "identifiantStructure": C.STR,
                "estValideurDeleguee": C.BOOL,
                "listeStructureDupliquees": [{"structureDupliquee": C.INT}],
            },
            "adressePostaleDuSiege": {"adresse": C.STR, "codePostal": C.STR, "ville": C.STR, "pays": C.STR},
            "parametres": {"codeServiceDoitEtreRenseigne": C.BOOL, "numeroEJDoitEtreRenseigne": C.BOOL},
        },
    ),
    Case(
        "structures rechercher services",
        ST + "rechercher/services",
        BUYER,
        lambda w: {
            "idUtilisateurCourant": 0,
            "idStructure": w["beaufort"].pk,
            "parametresRechercherServicesStructure": None,
        },
        lambda w: {"idStructure": w["beaufort"].pk},
        C.listing(
            "listeServices",
            {
                "codeService": C.STR,
                "estActif": C.BOOL,
                "idService": C.INT,
                "libelleService": C.STR,
                "statutService": C.STR,
            },
            parametresRetour=C.PAGE,
        ),
    ),
    Case(
        "structures consulter service",
        ST + "consulter/service",
        SUPPLIER,
        lambda w: {"codeLangue": "", "idService": w["finances"].pk, "idStructure": w["beaufort"].pk},
        lambda w: {"idService": w["finances"].pk, "idStructure": w["beaufort"].pk},
        {
            **C.ENVELOPE,
            "informationsGenerales": {"codeService": C.STR, "nomService": C.STR},
            "parametres": {
                "dateCreation": C.MINUTE,
                "dateDebutValidite": C.MINUTE,
                "dateFinValidite": C.MINUTE,
                "dateModification": C.MINUTE,
                "miseEnPaiement": C.BOOL,
                "numeroEngagement": C.BOOL,
            },
        },
    ),
    Case(
        "structures rattachements",
        ST + "lister/rattachementsutilisateur",
        BUYER,
        lambda w: {
            "adresseEmailConnexionUtilisateur": "",
            "idStructure": w["beaufort"].pk,
            "idUtilisateur": 0,
            "identifiantStructure": "",
            "parametresListerRattachementsStructureUtilisateur": None,
            "typeIdentifiantStructure": "",
        },
        const({}),
        {
            **C.ENVELOPE,
            "idStructure": C.INT,
            "identifiantStructure": C.STR,
            "designationStructure": C.STR,
            "listeServices?": [{"dateDebut": C.RFC3339, "dateFin": C.RFC3339, "statutRattachement": C.STR}],
            "parametresRetour": C.PAGE,
        },
        code=LIST,
    ),
    Case(
        "mon compte rattachements",
        U + "monCompte/recuperer/rattachements",
        SUPPLIER,
        const({"parametresRecherche": None}),
        const({}),
        C.listing(
            "listeStructureRattachement",
            {
                "idStructure": C.INT,
                "identifiantStructure": C.STR,
                "designationStructure": C.STR,
                "typeIdentifiantStructure": C.STR,
                "listeServicesRattache": [{"dateDbtService": C.MINUTE, "dateFinService": C.MINUTE}],
            },
            parametresRetour=C.PAGE,
        ),
    ),
    # --- factures: supplier -----------------------------------------------------------------------
    Case(
        "soumettre",
        F + "soumettre",
        SUPPLIER,
        soumettre_go,
        soumettre_minimal,
        {
            **C.ENVELOPE,
            "identifiantFactureCPP": C.INT,
            "numeroFacture": C.STR,
            "dateDepot": C.DATE,
            "statutFacture": C.STR,
            "identifiantStructure": C.STR,
            "empreinteCertificatDepot": C.STR,
        },
    ),
    Case(
        "rechercher fournisseur",
        F + "rechercher/fournisseur",
        SUPPLIER,
        const(RECHERCHER_FOURNISSEUR_GO),
        const({}),
        C.RECHERCHER_FOURNISSEUR,
    ),
    Case(
        "consulter fournisseur",
        F + "consulter/fournisseur",
        SUPPLIER,
        lambda w: {"codeLangue": "FR", "identifiantFactureCPP": w["mad"]},
        lambda w: {"idFacture": w["mad"]},
        C.CONSULTER_FACTURE,
    ),
    Case(
        "historique",
        F + "consulter/historique",
        SUPPLIER,
        lambda w: {**HISTO_GO, "idFacture": w["mad"]},
        lambda w: {"idFacture": w["mad"]},
        C.HISTORIQUE,
    ),
    Case(
        "completer",
        F + "completer",
        SUPPLIER,
        lambda w: {"identifiantFactureCPP": w["suspended"], "commentaire": "Bon de livraison joint"},
        lambda w: {"identifiantFactureCPP": w["suspended"], "commentaire": "Bon de livraison joint"},
        {**C.ENVELOPE, "identifiantFactureCPP": C.INT, "dateTraitement": C.DATE, **C.PROCESSED},
    ),
    Case(
        "recycler",
        F + "recycler",
        SUPPLIER,
        lambda w: {
            "commentaire": "",
            "idUtilisateurCourant": 0,
            "identifiantFactureCPP": w["to_recycle"],
            "destinataire": {"codeDestinataire": "21490244700017", "codeServiceExecutant": "TECHNIQUE"},
            "reference": {},
        },
        lambda w: {
            "identifiantFactureCPP": w["to_recycle"],
            "destinataire": {"codeDestinataire": "21490244700017", "codeServiceExecutant": "TECHNIQUE"},
        },
        {
            **C.ENVELOPE,
            "identifiantFactureCPP": C.INT,
            "dateDepot": C.DATE,
            "statutFacture": C.STR,
            **C.PROCESSED,
        },
    ),
    Case(
        "traiterRejet",
        F + "traiterRejet",
        SUPPLIER,
        lambda w: {
            "cpltInfos": "",
            "motifRejet": "",
            "listeDemandePaiement": [{"idDemandePaiement": w["rejected"]}],
        },
        lambda w: {"listeDemandePaiement": [{"idDemandePaiement": w["rejected"]}]},
        C.ENVELOPE,
    ),
    Case(
        "demandePaiement fournisseur",
        F + "rechercher/demandePaiement",
        SUPPLIER,
        const({"roleUtilisateur": "FOURNISSEUR"}),
        const({}),
        C.RECHERCHER_DEMANDE_PAIEMENT,
    ),
    # --- factures: recipient ----------------------------------------------------------------------
    Case(
        "rechercher recipiendaire",
        F + "rechercher/recipiendaire",
        BUYER,
        const({"paramRecherche": {"nbResultatsParPage": 100, "triSense": "Descendant"}}),
        const({}),
        C.RECHERCHER_RECIPIENDAIRE,
    ),
    Case(
        "consulter recipiendaire",
        F + "consulter/recipiendaire",
        BUYER,
        lambda w: {"codeLangue": "FR", "identifiantFactureCPP": w["mad"]},
        lambda w: {"idFacture": w["mad"]},
        C.CONSULTER_FACTURE,
    ),
    Case(
        "traiter recue",
        F + "traiter/recue",
        BUYER,
        lambda w: {
            "idFacture": w["mad"],
            "idUtilisateurCourant": 0,
            "motif": "",
            "nouveauStatut": "SERVICE_FAIT",
            "numeroDPMandat": "",
        },
        lambda w: {"idFacture": w["mad"], "nouveauStatut": "SERVICE_FAIT"},
        {**C.ENVELOPE, "idFacture": C.INT, "dateTraitement": C.DATE, "nouveauStatut": C.STR, **C.PROCESSED},
    ),
    Case(
        "demandePaiement destinataire",
        F + "rechercher/demandePaiement",
        BUYER,
        const({"roleUtilisateur": "DESTINATAIRE", "montantHTMin": 0, "cadreFacturation": ""}),
        const({}),
        C.RECHERCHER_DEMANDE_PAIEMENT,
    ),
    # --- factures: validator (A9/A12) -------------------------------------------------------------
    Case(
        "rechercher valideur",
        F + "rechercher/valideur",
        SUPPLIER,
        const(RECHERCHER_VALIDEUR_GO),
        const({}),
        C.RECHERCHER_VALIDEUR,
    ),
    Case(
        "consulter valideur",
        F + "consulter/valideur",
        SUPPLIER,
        lambda w: {"identifiantFactureCPP": w["a9"]},
        lambda w: {"idFacture": w["a9"]},
        C.CONSULTER_FACTURE,
    ),
    Case(
        "statuts visibles valideur",
        F + "recuperer/statutsFactureVisibles/valideur",
        SUPPLIER,
        const({"idUtilisateurCourant": 0}),
        const({}),
        C.listing("listeStatutFacture", {"codeStatutFacture": C.STR}),
    ),
    Case(
        "traiter factureAValider",
        F + "traiter/factureAValider",
        SUPPLIER,
        lambda w: {"action": "VALIDATION", "idFacture": w["a9"]},
        lambda w: {"action": "VALIDATION", "idFacture": w["a9"]},
        {**C.ENVELOPE, "idFacture": C.INT, "dateTraitement": C.DATE, "statutFacture": C.STR, **C.PROCESSED},
    ),
    Case(
        "corriger valideur",
        F + "corriger/valideur/facture",
        SUPPLIER,
        lambda w: {
            "idFacture": w["a9"],
            "idStructure": w["acme_id"],
            "identifiantStructure": "",
            "typeIdentifiantStructure": "",
        },
        lambda w: {"idFacture": w["a9"], "identifiantStructure": "81234567600017"},
        {**C.ENVELOPE, "idFacture": C.INT},
    ),
]


@pytest.mark.parametrize("variant", ["go", "minimal"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_endpoint_decodes_for_a_go_connector(
    api, world, case, variant, django_capture_on_commit_callbacks
):
    # Given the body a Go connector sends (every option at its zero value) or a minimal one
    body = (case.go if variant == "go" else case.minimal)(world)
    # When it calls the endpoint with its structure's technical account
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(case.path, body, account=case.account)
    # Then the answer is a 200 that its response struct decodes, field by field
    answer = response.json()
    assert response.status_code == 200, answer
    expected = (0, 20000) if case.code is LIST else (case.code,)
    assert answer["codeRetour"] in expected, answer
    C.assert_decodes(answer, case.spec)
