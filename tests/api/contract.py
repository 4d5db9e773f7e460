"""What a Go connector decodes: a checker of answer shapes written from the response structs of
go-choruspro (field names and JSON types are facts of the official API).

A spec is a type marker, a dict (an object: each listed key must be there, with its type; a key
ending in ``?`` may be absent) or a one-element list (an array of that spec). ``null`` is accepted
where Go decodes it into a pointer, a slice or a string (it leaves the zero value); never for a
number or a boolean field where the API must send the value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

INT, FLOAT, STR, BOOL = "int", "float", "str", "bool"
DATE = "date"  # go-choruspro ``Date``: "2006-01-02"
MINUTE = "minute"  # go-choruspro ``Datetime``: "2006-01-02 15:04"
RFC3339 = "rfc3339"  # Go ``time.Time``

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

ENVELOPE = {"codeRetour": INT, "libelle": STR}
PAGE = {"nbResultatsParPage": INT, "pageCourante": INT, "pages": INT, "total": INT}


def decode(value: Any, spec: Any, path: str = "$") -> list[str]:
    """The decoding errors Go would raise (or that lose a field), as readable paths."""
    if isinstance(spec, dict):
        if value is None:
            return []
        if not isinstance(value, dict):
            return [f"{path}: object expected, got {type(value).__name__}"]
        errors = []
        for key, sub in spec.items():
            optional = key.endswith("?")
            name = key.rstrip("?")
            if name not in value:
                if not optional:
                    errors.append(f"{path}.{name}: missing")
                continue
            errors += decode(value[name], sub, f"{path}.{name}")
        return errors
    if isinstance(spec, list):
        if value is None:
            return []
        if not isinstance(value, list):
            return [f"{path}: array expected, got {type(value).__name__}"]
        return [e for i, item in enumerate(value) for e in decode(item, spec[0], f"{path}[{i}]")]
    return _scalar(value, spec, path)


def _scalar(value: Any, spec: str, path: str) -> list[str]:
    if spec == INT:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif spec == FLOAT:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif spec == BOOL:
        ok = isinstance(value, bool)
    elif spec == STR:
        ok = value is None or isinstance(value, str)
    elif spec == DATE:
        ok = value is None or (isinstance(value, str) and bool(_DATE.match(value)) and _valid_date(value))
    elif spec == MINUTE:
        ok = value is None or (isinstance(value, str) and bool(_MINUTE.match(value)))
    elif spec == RFC3339:
        ok = value is None or (isinstance(value, str) and bool(_RFC3339.match(value)))
    else:  # pragma: no cover - a typo in a spec
        raise AssertionError(f"unknown spec {spec!r}")
    return [] if ok else [f"{path}: {spec} expected, got {value!r}"]


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def assert_decodes(body: Any, spec: Any) -> None:
    errors = decode(body, spec)
    assert not errors, "\n".join(errors)


# --- Specs of the answers (go-choruspro's response structs) -----------------------------------
def listing(key: str, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**ENVELOPE, key: [item], **extra}


FACTURE = {
    "identifiantFactureCPP": INT,
    "numeroFacture": STR,
    "statutFacture": STR,
    "modeDepot": STR,
    "commentaire": STR,
    "cadreDeFacturation": {
        "codeCadreFacturation": STR,
        "idValideur1?": INT,
        "codeValideur1?": STR,
        "raisonSocialeValideur1?": STR,
        "typeIdentifiantValideur1?": STR,
    },
    "fournisseur": {
        "idFournisseur": INT,
        "codeFournisseur": STR,
        "designationFournisseur": STR,
        "typeIdentifiantFournisseur": STR,
        "codeServiceFournisseur": STR,
        "adresseFournisseurDetail": STR,
        "adresseFournisseurCodePostal": STR,
        "adresseFournisseurVille": STR,
        "adresseFournisseurCodePays": STR,
        "coordBancairesFournisseurType": STR,
        "coordBancairesFournisseurCompteBancaire": STR,
        "coordBancairesFournisseurCodePays": STR,
        "coordBancairesFournisseurCleIban": STR,
    },
    "destinataire": {
        "idDestinataire": INT,
        "codeDestinataire": STR,
        "libelleDestinataire": STR,
        "destinataireEtat": STR,
        "idServiceExecutant": INT,
        "codeServiceExecutant": STR,
        "libelleServiceExecutant": STR,
    },
    "references": {
        "codeDeviseFacture": STR,
        "typeFacture": STR,
        "typeTva": STR,
        "modePaiement": STR,
        "dateFacture": DATE,
        "dateDepot": DATE,
        "dateCreationFacture": MINUTE,
        "dateEcheancePaiement": DATE,
        "numeroBonCommande": STR,
        "numeroMarche": STR,
        "numeroFactureOrigine": STR,
        "motifExonerationTva": STR,
        "numeroDpMandat": STR,
        "tailleTotalePiecesJointes": FLOAT,
        "typeFactureTravaux": STR,
    },
    "montantTotal": {
        "montantHtTotal": FLOAT,
        "montantTVA": FLOAT,
        "montantTtcAvantRemiseGlobalTTC": FLOAT,
        "montantRemiseGlobaleTTC": FLOAT,
        "motifRemiseGlobaleTTC": STR,
        "montantTtcTotal": FLOAT,
        "montantAPayer": FLOAT,
    },
    "lignesDePoste": {
        "lignePoste": [
            {
                "lignePosteNumero": INT,
                "lignePosteReference": STR,
                "lignePosteDenomination": STR,
                "lignePosteQuantite": FLOAT,
                "lignePosteUniteCode?": INT,
                "lignePosteUniteLibelle": STR,
                "lignePosteMontantUnitaireHT": FLOAT,
                "lignePosteMontantRemiseHT": FLOAT,
                "lignePosteTauxTva": STR,
                "lignePosteMontantHtApresRemise": FLOAT,
                "lignePosteMontantTva": FLOAT,
                "lignePosteMontantTtcApresRemise": FLOAT,
            }
        ],
        "nbResultatsParPageLignesPoste": INT,
        "pageCouranteLignesPoste": INT,
        "pagesLignesPoste": INT,
        "totalLignesPoste": INT,
    },
    "recapitulatifDeTva": {
        "ligneTva": [
            {
                "ligneTvaTauxRefCode": STR,
                "ligneTvaTauxRefLibelle": STR,
                "ligneTvaTauxRefValeur": FLOAT,
                "ligneTvaMontantBaseHtParTaux": FLOAT,
                "ligneTvaMontantTvaParTaux": FLOAT,
            }
        ],
        "totalLignesRecapitulativesTVA": INT,
    },
    "listeDesPiecesJointes": {
        "pieceJointe": [
            {
                "pieceJointeId": INT,
                "pieceJointeIdLiaison": INT,
                "pieceJointeDesignation": STR,
                "pieceJointeExtension": STR,
                "pieceJointeTypeCode": STR,
                "pieceJointeTypeLibelle": STR,
                "pieceJointeNumeroLigneFacture": INT,
            }
        ],
        "totalListePiecesJointe": INT,
    },
    "pieceJointePrincipale?": {"idPieceJointePrincipale": INT, "idLiaisonPieceJointePrincipale": INT},
    "piecePrecedente?": {"idPiecePrecedente": INT, "numeroPiecePrecedente": STR},
}
CONSULTER_FACTURE = {**ENVELOPE, "facture": FACTURE}

ROW_COMMON = {
    "numeroFacture": STR,
    "dateFacture": DATE,
    "dateDepot": DATE,
    "dateHeureEtatCourant": RFC3339,
    "statut": STR,
    "typeFacture": STR,
    "typeDemandePaiement": STR,
    "idDestinataire": INT,
    "codeDestinataire": STR,
    "designationDestinataire": STR,
    "idServiceExecutant": INT,
    "codeServiceExecutant": STR,
    "nomServiceExecutant": STR,
    "idFournisseur": INT,
    "codeFournisseur": STR,
    "designationFournisseur": STR,
    "typeIdentifiantFournisseur": STR,
    "codeServiceFournisseur": STR,
    "montantHT": FLOAT,
    "montantTTC": FLOAT,
    "montantAPayer": FLOAT,
    "devise": STR,
    "numeroBonCommande": STR,
    "numeroMarche": STR,
}
RECHERCHER_FOURNISSEUR = listing(
    "listeFactures",
    {
        **ROW_COMMON,
        "identifiantFactureCPP": INT,
        "numeroFluxDepot": STR,
        "modeDepot": STR,
        "rejetTraite": BOOL,
    },
    parametresRetour=PAGE,
)
RECHERCHER_RECIPIENDAIRE = listing(
    "listeFactures", {**ROW_COMMON, "idFacture": INT, "factureTelechargeeParDestinataire": BOOL}, **PAGE
)
RECHERCHER_VALIDEUR = listing("listeFactures", {**ROW_COMMON, "idFacture": INT}, parametresRetour=PAGE)
RECHERCHER_DEMANDE_PAIEMENT = listing(
    "listeDemandePaiement",
    {
        "idDemandePaiement": INT,
        "numeroDemandePaiement": STR,
        "typeDemandePaiement": STR,
        "cadreFacturation": STR,
        "typeFacture": STR,
        "etatCourant": STR,
        "dateDepot": DATE,
        "dateFournisseur": DATE,
        "dateHeureEtatCourant": RFC3339,
        "montantHT": FLOAT,
        "montantTTC": FLOAT,
        "montantAPayer": FLOAT,
        "idStructureFournisseur": INT,
        "identifiantStructureFournisseur": STR,
        "idStructureDestinataire": INT,
        "identifiantStructureDestinataire": STR,
        "idServiceDestinataire": INT,
        "codeServiceDestinataire": STR,
        "nomServiceDestinataire": STR,
        "idStructureValideur1": INT,
        "numeroBonCommande": STR,
        "numeroMarche": STR,
        "numeroFactureOrigine": STR,
        "numeroDpMandat": STR,
        "dpOuDpArchive": STR,
        "nombreResultatTotal": STR,
    },
)
PROCESSED = {"numeroFacture": STR}
HISTORIQUE = {
    **ENVELOPE,
    "idFacture": INT,
    "numeroFacture": STR,
    "statutCourantCode": STR,
    "historiquesDesStatuts": {
        "histoStatut": [
            {
                "histoStatutId": INT,
                "histoStatutCode": STR,
                "histoStatutDatePassage": MINUTE,
                "histoStatutCommentaire": STR,
                "histoStatutUtilisateurNom": STR,
                "histoStatutUtilisateurPrenom": STR,
            }
        ]
    },
}
STRUCTURE_ACTIVE = listing(
    "listeStructures", {"idStructureCPP": INT, "identifiant": STR, "designationStructure": STR}
)
PIECES_JOINTES = listing(
    "listePiecesJointes",
    {
        "pieceJointeId": INT,
        "pieceJointeDesignation": STR,
        "pieceJointeExtension": STR,
        "pieceJointeObjetId": INT,
        "pieceJointeTypeCode": STR,
        "pieceJointeTypeLibelle": STR,
        "pieceJointeUtilisateurId": INT,
    },
    parametresRetour=PAGE,
)
CATEGORIE = {"codeCategorie": STR, "libelleCategorie": STR, "idTechniqueCategorie": INT}
