"""Field names of the business checks (the portal form's: ``lines-0-unit``, ``iban``) → the API's
(``lignePoste[0].lignePosteUnite``, ``fournisseur.codeCoordonneesBancairesFournisseur``), so that
``listeErreurs[].champ`` names what the connector sent (issue 12, point 5)."""

from __future__ import annotations

import re

FORM_TO_API = {
    "number": "numeroFactureSaisi",
    "invoice_date": "dateFacture",
    "kind": "references.typeFacture",
    "framework": "cadreDeFacturation.codeCadreFacturation",
    "supplier": "fournisseur.idFournisseur",
    "recipient_siret": "destinataire.codeDestinataire",
    "service_code": "destinataire.codeServiceExecutant",
    "engagement_number": "references.numeroBonCommande",
    "market_number": "references.numeroMarche",
    "validator_identifier": "cadreDeFacturation.codeStructureValideur",
    "currency": "references.deviseFacture",
    "exchange_rate": "references.deviseFacture",
    "vat_regime": "references.typeTva",
    "vat_exemption_reason": "references.motifExonerationTva",
    "payment_mode": "references.modePaiement",
    "iban": "fournisseur.codeCoordonneesBancairesFournisseur",
    "original_invoice_number": "references.numeroFactureOrigine",
    "global_discount": "montantTotal.montantRemiseGlobaleTTC",
    "prepaid_amount": "montantTotal.montantAPayer",
    "total_ht": "montantTotal.montantHtTotal",
    "total_vat": "montantTotal.montantTVA",
    "total_ttc": "montantTotal.montantTtcTotal",
    "amount_due": "montantTotal.montantAPayer",
    "lines": "lignePoste",
    "vat_lines": "ligneTva",
}
LINE_TO_API = {
    "designation": "lignePosteDenomination",
    "reference": "lignePosteReference",
    "quantity": "lignePosteQuantite",
    "unit_price": "lignePosteMontantUnitaireHT",
    "unit": "lignePosteUnite",
    "discount": "lignePosteMontantRemiseHT",
    "vat_rate": "lignePosteTauxTva",
    "total_ht": "lignePosteMontantHtApresRemise",
}
_LINE = re.compile(r"^lines-(\d+)-(\w+)$")
_VAT_LINE = re.compile(r"^vat_lines-(\d+)-(\w+)$")
VAT_LINE_TO_API = {
    "rate": "ligneTvaTaux",
    "base": "ligneTvaMontantBaseHtParTaux",
    "amount": "ligneTvaMontantTvaParTaux",
}


def api_field(name: str) -> str:
    """The API's name of a field named by the business checks (unchanged when unknown)."""
    if match := _LINE.match(name):
        index, field = match.groups()
        return f"lignePoste[{index}].{LINE_TO_API.get(field, field)}"
    if match := _VAT_LINE.match(name):
        index, field = match.groups()
        return f"ligneTva[{index}].{VAT_LINE_TO_API.get(field, field)}"
    return FORM_TO_API.get(name, name)


# The fields of the lifecycle services' refusals (``tracking.services.InvalidRequest``).
LIFECYCLE_TO_API = {
    "comment": "commentaire",
    "recipient": "destinataire.codeDestinataire",
    "service": "destinataire.codeServiceExecutant",
    "engagement_number": "reference.numeroBonCommande",
    "mandate_number": "numeroDPMandat",
    "attachments": "pieceJointeComplementaire",
    "invoices": "listeDemandePaiement",
}


def lifecycle_field(name: str, overrides: dict[str, str] | None = None) -> str:
    return (overrides or {}).get(name) or LIFECYCLE_TO_API.get(name) or api_field(name)
