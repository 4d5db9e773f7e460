"""Reference lists served by ``transverses/v1/recuperer/*`` (reference §4.2, §5.1)."""

from __future__ import annotations

from invoices.choices import FRENCH_VAT_RATES, Channel, Framework, PaymentMode

from .isodata import COUNTRIES, CURRENCIES

VAT_RATE_LABELS = {
    "20": "Taux normal 20 %",
    "10": "Taux intermédiaire 10 %",
    "8.5": "Taux normal DOM 8,5 %",
    "5.5": "Taux réduit 5,5 %",
    "2.1": "Taux particulier 2,1 %",
    "1.05": "Taux particulier Corse 1,05 %",
    "0.9": "Taux particulier Corse 0,9 %",
    "0": "Taux zéro (exonération, autoliquidation, hors champ)",
}


def vat_rates() -> list[dict[str, object]]:
    """``codeTauxTva`` is the rate itself ("20", "5.5"): ``soumettre`` accepts it as
    ``lignePosteTauxTva`` and ``ligneTvaTaux``."""
    out = []
    for rate in FRENCH_VAT_RATES:
        code = format(rate.normalize(), "f")
        out.append(
            {
                "codeTauxTva": code,
                "libelleTauxTva": VAT_RATE_LABELS.get(code, f"{code} %"),
                "valeurTauxTva": float(rate),
            }
        )
    return out


def currencies() -> list[dict[str, str]]:
    return [{"codeDevise": code, "libelleDevise": label} for code, label in CURRENCIES]


def countries() -> list[dict[str, str]]:
    return [{"codePays": code, "libellePays": label} for code, label in COUNTRIES]


# ``typeDemandePaiement`` and the frameworks each allows.
PAYMENT_REQUEST_TYPES: dict[str, list[str]] = {
    "FACTURE": [
        Framework.A1,
        Framework.A2,
        Framework.A9,
        Framework.A12,
    ],
    "FACTURE_TRAVAUX": [
        f
        for f in Framework.values
        if f not in (Framework.A1, Framework.A2, Framework.A3, Framework.A9, Framework.A12, Framework.A21)
    ],
    "MEMOIRE_JUSTICE": [Framework.A3],
    "DEMANDE_REMBOURSEMENT_TIC": [Framework.A21],
}


def frameworks(type_dp: str | None) -> list[dict[str, str]]:
    codes = PAYMENT_REQUEST_TYPES.get(type_dp or "", Framework.values) if type_dp else Framework.values
    labels = dict(Framework.choices)
    return [{"codeCadreFacturation": code, "libelleCadreFacturation": str(labels[code])} for code in codes]


def payment_modes() -> list[dict[str, str]]:
    return [
        {"modePaiement": value, "libelleModePaiement": str(label)} for value, label in PaymentMode.choices
    ]


def payment_request_types() -> list[dict[str, str]]:
    return [{"typeDemandePaiement": code} for code in PAYMENT_REQUEST_TYPES]


def deposit_modes() -> list[dict[str, str]]:
    return [{"modeDepot": value} for value in Channel.values]


# VAT exemption reasons: the EN 16931 VATEX code list (BT-121) with the French legal basis.
VAT_EXEMPTIONS: tuple[tuple[str, str], ...] = (
    ("VATEX-EU-79-C", "Exonération sur le fondement de l'article 79, point c de la directive 2006/112/CE"),
    (
        "VATEX-EU-132",
        "Exonération de certaines activités d'intérêt général (article 132 de la directive "
        "2006/112/CE ; article 261 du CGI)",
    ),
    ("VATEX-EU-143", "Exonération des importations (article 143 de la directive 2006/112/CE)"),
    ("VATEX-EU-148", "Exonération des opérations liées au transport international (article 148)"),
    ("VATEX-EU-151", "Exonération des opérations assimilées aux exportations (article 151)"),
    ("VATEX-EU-309", "Opérations des agences de voyage hors UE (article 309)"),
    ("VATEX-EU-AE", "Autoliquidation (article 283 du CGI)"),
    ("VATEX-EU-D", "Régime particulier des agences de voyage"),
    ("VATEX-EU-F", "Régime de la marge – biens d'occasion"),
    ("VATEX-EU-G", "Exportation hors de l'Union européenne (article 262 I du CGI)"),
    ("VATEX-EU-I", "Régime de la marge – objets d'art"),
    ("VATEX-EU-IC", "Livraison intracommunautaire exonérée (article 262 ter I du CGI)"),
    ("VATEX-EU-J", "Régime de la marge – objets de collection et d'antiquité"),
    ("VATEX-EU-O", "Hors du champ d'application de la TVA"),
    ("VATEX-FR-FRANCHISE", "TVA non applicable, article 293 B du CGI (franchise en base)"),
    ("VATEX-FR-CNWVAT", "Facture émise par un tiers sans TVA (débours)"),
)


def vat_exemptions() -> list[dict[str, str]]:
    return [
        {"codeMotifExonerationTva": code, "libelleMotifExonerationTva": label}
        for code, label in VAT_EXEMPTIONS
    ]
