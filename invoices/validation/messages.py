"""French wording: business-term names, explanations of the common rules, XSD messages.

Official rules keep their id; the most frequent ones get a French explanation a supplier can act
on, the others fall back to the official English text prefixed with their id.
"""

from __future__ import annotations

import re

# EN 16931-1 business terms, named the way a supplier says them.
BT_LABELS: dict[str, str] = {
    "BT-1": "Numéro de facture",
    "BT-2": "Date de la facture",
    "BT-3": "Type de document (facture, avoir…)",
    "BT-5": "Devise de la facture",
    "BT-6": "Devise de comptabilisation de la TVA",
    "BT-7": "Date d'exigibilité de la TVA",
    "BT-8": "Code de date d'exigibilité de la TVA",
    "BT-9": "Date d'échéance",
    "BT-10": "Référence acheteur (code service Chorus Pro)",
    "BT-11": "Référence du projet",
    "BT-12": "Numéro de marché (contrat)",
    "BT-13": "Numéro d'engagement (bon de commande)",
    "BT-14": "Référence de la commande client",
    "BT-15": "Référence de l'avis de réception",
    "BT-16": "Référence de l'avis d'expédition",
    "BT-17": "Référence de l'appel d'offres ou du lot",
    "BT-18": "Identifiant d'objet facturé",
    "BT-19": "Référence comptable de l'acheteur",
    "BT-20": "Conditions de paiement",
    "BT-22": "Note de la facture",
    "BT-23": "Type de processus métier",
    "BT-24": "Identifiant de la spécification (profil)",
    "BT-25": "Référence de la facture antérieure",
    "BT-26": "Date de la facture antérieure",
    "BT-27": "Raison sociale du vendeur",
    "BT-28": "Nom commercial du vendeur",
    "BT-29": "Identifiant du vendeur",
    "BT-30": "SIRET du vendeur (identifiant légal)",
    "BT-31": "Numéro de TVA intracommunautaire du vendeur",
    "BT-32": "Identifiant fiscal du vendeur",
    "BT-33": "Informations juridiques complémentaires du vendeur",
    "BT-34": "Adresse électronique du vendeur",
    "BT-35": "Adresse du vendeur (ligne 1)",
    "BT-37": "Ville du vendeur",
    "BT-38": "Code postal du vendeur",
    "BT-40": "Pays du vendeur",
    "BT-44": "Nom de l'acheteur",
    "BT-45": "Nom commercial de l'acheteur",
    "BT-46": "Identifiant de l'acheteur",
    "BT-47": "SIRET de l'acheteur (identifiant légal)",
    "BT-48": "Numéro de TVA intracommunautaire de l'acheteur",
    "BT-49": "Adresse électronique de l'acheteur",
    "BT-50": "Adresse de l'acheteur (ligne 1)",
    "BT-52": "Ville de l'acheteur",
    "BT-53": "Code postal de l'acheteur",
    "BT-55": "Pays de l'acheteur",
    "BT-59": "Nom du bénéficiaire du paiement",
    "BT-62": "Nom du représentant fiscal du vendeur",
    "BT-63": "Numéro de TVA du représentant fiscal",
    "BT-69": "Pays du représentant fiscal",
    "BT-70": "Nom du destinataire de la livraison",
    "BT-72": "Date de livraison",
    "BT-73": "Début de la période de facturation",
    "BT-74": "Fin de la période de facturation",
    "BT-80": "Pays de livraison",
    "BT-81": "Moyen de paiement",
    "BT-83": "Référence du paiement",
    "BT-84": "IBAN (compte de paiement)",
    "BT-86": "BIC",
    "BT-87": "Numéro de carte de paiement",
    "BT-89": "Référence du mandat de prélèvement",
    "BT-92": "Montant de la remise",
    "BT-95": "Catégorie de TVA de la remise",
    "BT-96": "Taux de TVA de la remise",
    "BT-97": "Motif de la remise",
    "BT-98": "Code du motif de la remise",
    "BT-99": "Montant des frais",
    "BT-102": "Catégorie de TVA des frais",
    "BT-103": "Taux de TVA des frais",
    "BT-104": "Motif des frais",
    "BT-105": "Code du motif des frais",
    "BT-106": "Somme des montants HT des lignes",
    "BT-107": "Total des remises",
    "BT-108": "Total des frais",
    "BT-109": "Montant total HT",
    "BT-110": "Montant total de la TVA",
    "BT-111": "Montant de la TVA en devise de comptabilisation",
    "BT-112": "Montant total TTC",
    "BT-113": "Montant déjà payé (acompte)",
    "BT-114": "Arrondi",
    "BT-115": "Net à payer",
    "BT-116": "Base HT de la TVA",
    "BT-117": "Montant de TVA",
    "BT-118": "Catégorie de TVA",
    "BT-119": "Taux de TVA",
    "BT-120": "Motif d'exonération de TVA",
    "BT-121": "Code du motif d'exonération de TVA",
    "BT-122": "Référence du justificatif joint",
    "BT-125": "Pièce jointe",
    "BT-126": "Numéro de ligne",
    "BT-127": "Note de ligne",
    "BT-128": "Identifiant d'objet de la ligne",
    "BT-129": "Quantité facturée",
    "BT-130": "Unité de mesure",
    "BT-131": "Montant HT de la ligne",
    "BT-132": "Référence de la ligne de commande",
    "BT-136": "Montant de la remise de ligne",
    "BT-141": "Montant des frais de ligne",
    "BT-146": "Prix unitaire net",
    "BT-147": "Rabais sur le prix unitaire",
    "BT-148": "Prix unitaire brut",
    "BT-149": "Quantité de base du prix",
    "BT-151": "Catégorie de TVA de la ligne",
    "BT-152": "Taux de TVA de la ligne",
    "BT-153": "Désignation de l'article",
    "BT-154": "Description de l'article",
    "BT-155": "Référence vendeur de l'article",
    "BT-157": "Identifiant standard de l'article",
    "BT-158": "Code de classification de l'article",
    "BT-159": "Pays d'origine de l'article",
}

# The rules suppliers hit most, in words they can act on.
RULE_MESSAGES: dict[str, str] = {
    "BR-01": "L'identifiant de la spécification (profil de facture, BT-24) est obligatoire.",
    "BR-02": "Le numéro de facture (BT-1) est obligatoire.",
    "BR-03": "La date de la facture (BT-2) est obligatoire.",
    "BR-04": "Le type de document (BT-3 : 380 facture, 381 avoir…) est obligatoire.",
    "BR-05": "La devise de la facture (BT-5, par exemple EUR) est obligatoire.",
    "BR-06": "La raison sociale du vendeur (BT-27) est obligatoire.",
    "BR-07": "Le nom de l'acheteur (BT-44) est obligatoire.",
    "BR-08": "L'adresse postale du vendeur est obligatoire.",
    "BR-09": "Le code pays du vendeur (BT-40) est obligatoire.",
    "BR-10": "L'adresse postale de l'acheteur est obligatoire.",
    "BR-11": "Le code pays de l'acheteur (BT-55) est obligatoire.",
    "BR-12": "La somme des montants HT des lignes (BT-106) est obligatoire.",
    "BR-13": "Le montant total HT (BT-109) est obligatoire.",
    "BR-14": "Le montant total TTC (BT-112) est obligatoire.",
    "BR-15": "Le net à payer (BT-115) est obligatoire.",
    "BR-16": "La facture doit comporter au moins une ligne.",
    "BR-17": "Le nom du bénéficiaire du paiement (BT-59) est obligatoire lorsqu'il diffère du vendeur.",
    "BR-21": "Chaque ligne doit avoir un numéro de ligne (BT-126).",
    "BR-22": "Chaque ligne doit indiquer la quantité facturée (BT-129).",
    "BR-23": "Chaque ligne doit indiquer l'unité de mesure de la quantité (BT-130).",
    "BR-24": "Chaque ligne doit indiquer son montant HT (BT-131).",
    "BR-25": "Chaque ligne doit indiquer la désignation de l'article (BT-153).",
    "BR-26": "Chaque ligne doit indiquer le prix unitaire net (BT-146).",
    "BR-27": "Le prix unitaire net (BT-146) ne doit pas être négatif.",
    "BR-28": "Le prix unitaire brut (BT-148) ne doit pas être négatif.",
    "BR-29": "La fin de la période de facturation (BT-74) doit être postérieure ou égale "
    "à son début (BT-73).",
    "BR-30": "La fin de la période de la ligne doit être postérieure ou égale à son début.",
    "BR-31": "Chaque remise au niveau de la facture doit avoir un montant (BT-92).",
    "BR-32": "Chaque remise au niveau de la facture doit indiquer sa catégorie de TVA (BT-95).",
    "BR-33": "Chaque remise doit indiquer son motif (BT-97) ou le code du motif (BT-98).",
    "BR-36": "Chaque frais au niveau de la facture doit avoir un montant (BT-99).",
    "BR-37": "Chaque frais au niveau de la facture doit indiquer sa catégorie de TVA (BT-102).",
    "BR-38": "Chaque frais doit indiquer son motif (BT-104) ou le code du motif (BT-105).",
    "BR-45": "Chaque ventilation de TVA doit indiquer sa base HT (BT-116).",
    "BR-46": "Chaque ventilation de TVA doit indiquer son montant de TVA (BT-117).",
    "BR-47": "Chaque ventilation de TVA doit indiquer sa catégorie de TVA (BT-118).",
    "BR-48": "Chaque ventilation de TVA doit indiquer son taux (BT-119), sauf pour la "
    "catégorie « non soumis » (O).",
    "BR-49": "Le moyen de paiement (BT-81) doit être indiqué.",
    "BR-50": "Pour un virement, l'identifiant du compte de paiement (IBAN, BT-84) est obligatoire.",
    "BR-51": "Pour une carte de paiement, seuls les 4 à 6 derniers chiffres du numéro "
    "(BT-87) doivent figurer.",
    "BR-52": "Chaque justificatif joint doit avoir une référence (BT-122).",
    "BR-53": "Si une devise de comptabilisation de la TVA est indiquée, le montant de TVA "
    "dans cette devise (BT-111) est obligatoire.",
    "BR-55": "Chaque référence à une facture antérieure doit indiquer son numéro (BT-25).",
    "BR-57": "L'adresse de livraison doit indiquer le code pays (BT-80).",
    "BR-61": "Pour un virement (code 30 ou 58), l'IBAN du compte à créditer (BT-84) est obligatoire.",
    "BR-62": "L'adresse électronique du vendeur (BT-34) doit préciser son schéma d'identification.",
    "BR-63": "L'adresse électronique de l'acheteur (BT-49) doit préciser son schéma d'identification.",
    "BR-CO-03": "La date d'exigibilité de la TVA (BT-7) et son code (BT-8) ne peuvent pas "
    "être indiqués ensemble.",
    "BR-CO-04": "Chaque ligne doit indiquer sa catégorie de TVA (BT-151).",
    "BR-CO-09": "Les numéros de TVA intracommunautaire doivent commencer par le code pays (par exemple FR).",
    "BR-CO-10": "La somme des montants HT des lignes (BT-106) doit être égale au total des "
    "montants HT de chaque ligne (BT-131).",
    "BR-CO-11": "Le total des remises (BT-107) doit être égal à la somme des remises au "
    "niveau de la facture (BT-92).",
    "BR-CO-12": "Le total des frais (BT-108) doit être égal à la somme des frais au niveau "
    "de la facture (BT-99).",
    "BR-CO-13": "Le montant total HT (BT-109) doit être égal à la somme des lignes (BT-106) "
    "moins les remises (BT-107) plus les frais (BT-108).",
    "BR-CO-14": "Le montant total de TVA (BT-110) doit être égal à la somme des montants de "
    "TVA de chaque taux (BT-117).",
    "BR-CO-15": "Le montant total TTC (BT-112) doit être égal au montant total HT (BT-109) "
    "plus le montant total de TVA (BT-110).",
    "BR-CO-16": "Le net à payer (BT-115) doit être égal au total TTC (BT-112) moins le "
    "montant déjà payé (BT-113) plus l'arrondi (BT-114).",
    "BR-CO-17": "Le montant de TVA de chaque taux (BT-117) doit être égal à sa base HT "
    "(BT-116) multipliée par le taux (BT-119), arrondi à deux décimales.",
    "BR-CO-18": "La facture doit comporter au moins une ventilation de TVA par taux.",
    "BR-CO-19": "Une période de facturation doit avoir une date de début ou une date de fin.",
    "BR-CO-25": "Quand un montant reste à payer (BT-115 positif), la date d'échéance (BT-9) "
    "ou les conditions de paiement (BT-20) doivent être indiquées.",
    "BR-CO-26": "Le vendeur doit être identifiable : indiquez son identifiant (BT-29), son "
    "SIRET (BT-30) ou son numéro de TVA (BT-31).",
    "PEPPOL-EN16931-R008": "Le document contient un élément vide : supprimez-le ou renseignez-le.",
    "BR-S-08": "Pour la TVA au taux normal, la base HT de chaque taux (BT-116) doit être "
    "égale à la somme des lignes, remises et frais à ce taux.",
    "BR-S-09": "Pour la TVA au taux normal, le montant de TVA (BT-117) doit être égal à la "
    "base HT (BT-116) multipliée par le taux (BT-119).",
    "BR-S-02": "Une ligne soumise à la TVA au taux normal impose d'indiquer le numéro de "
    "TVA du vendeur (BT-31) ou de son représentant fiscal.",
    "BR-E-10": "Une ventilation de TVA « exonérée » (E) doit indiquer le motif "
    "d'exonération (BT-120) ou son code (BT-121).",
    "BR-AE-10": "Une ventilation de TVA « autoliquidation » (AE) doit indiquer le motif "
    "(BT-120) ou son code (BT-121).",
}

_VAT_CATEGORIES = {
    "S": "taux normal",
    "Z": "taux zéro",
    "E": "exonérée",
    "AE": "autoliquidation",
    "K": "livraison intracommunautaire",
    "IC": "livraison intracommunautaire",
    "G": "exportation hors UE",
    "O": "hors champ de la TVA",
    "L": "IGIC des Canaries",
    "IG": "IGIC des Canaries",
    "M": "IPSI de Ceuta et Melilla",
    "IP": "IPSI de Ceuta et Melilla",
}

_BT_IN_TEXT = re.compile(r"\b(BT-\d+)\b")
_RULE_IN_TEXT = re.compile(r"^\s*\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")
_FX_VALUE = re.compile(r"^Value of '(?:ram:)?(@?[\w:]+)' is not allowed\.?$")
_FX_OCCURS = re.compile(r"^Element '(?:ram:)?([\w:]+)' must occur exactly 1 times\.?$")
_FX_MAX = re.compile(r"^Element '(?:ram:)?([\w:]+)' may occur at maximum 1 times\.?$")
_FX_NOT_USED = re.compile(
    r"^(?:Element(?: variant)? '(?:ram:)?(.+?)'|Attribute (@\w+)') (?:is )?marked as not used"
)


def attribute_in_text(text: str) -> str:
    """'schemeID' for "Value of '@schemeID' is not allowed." (the value to show is the
    attribute's, not the element's)."""
    match = _FX_VALUE.match(text)
    return match.group(1)[1:] if match and match.group(1).startswith("@") else ""


def not_used_attribute(text: str) -> bool:
    """True for a Factur-X "… '@schemeID' marked as not used in the given context" report about an
    attribute (not an element)."""
    match = _FX_NOT_USED.match(text)
    return bool(match) and (match.group(2) or match.group(1) or "").lstrip("'").startswith("@")


def bt_label(bt: str) -> str:
    return BT_LABELS.get(bt, "")


def rule_in_text(text: str) -> str:
    """The "[BR-CO-10]" a rule text starts with, if any."""
    match = _RULE_IN_TEXT.match(text)
    return match.group(1) if match else ""


def bt_in_text(text: str) -> str:
    match = _BT_IN_TEXT.search(text)
    return match.group(1) if match else ""


def schematron_message(
    rule_id: str, text: str, profile_label: str = "", bt: str = "", value: str = ""
) -> str:
    """French explanation of a schematron finding (English official text as fallback)."""
    if rule_id in RULE_MESSAGES:
        return RULE_MESSAGES[rule_id]
    term = f"{BT_LABELS[bt]} ({bt})" if bt in BT_LABELS else ""
    if match := _FX_VALUE.match(text):
        found = f"La valeur « {value} »" if value else "La valeur"
        what = match.group(1)
        if what.startswith("@"):
            owner = f" de « {term} »" if term else ""
            return f"{found} de l'attribut « {what[1:]} »{owner} ne fait pas partie des codes autorisés."
        return f"{found} de « {term or what} » ne fait pas partie des codes autorisés."
    if match := _FX_OCCURS.match(text):
        return f"L'élément « {term or match.group(1)} » doit être présent exactement une fois."
    if match := _FX_MAX.match(text):
        return f"L'élément « {term or match.group(1)} » ne peut être présent qu'une seule fois."
    if match := _FX_NOT_USED.match(text):
        what = match.group(1) or match.group(2)
        where = f"le profil Factur-X {profile_label}" if profile_label else "ce profil"
        term = f" ({term})" if term else ""
        return f"« {what} »{term} n'est pas autorisé dans {where} : retirez-le du XML."
    # No English reaches the user: a rule without its own French sentence is described by the
    # business terms it names (their French labels), the official text staying in the log/SVRL.
    terms = _terms_in_text(text)
    about = f" Éléments concernés : {terms}." if terms else ""
    if match := re.match(r"BR-(IC|IG|IP|[A-Z]{1,2})-\d+$", rule_id):
        category = _VAT_CATEGORIES.get(match.group(1))
        if category:
            return (
                f"{rule_id} (TVA, catégorie « {category} ») : les informations de TVA de cette "
                f"catégorie ne sont pas celles qu'exige la norme EN 16931.{about}"
            )
    if rule_id.startswith("BR-DEC-"):
        return f"{rule_id} : trop de décimales (2 au plus pour un montant).{about}"
    if rule_id.startswith("BR-CL-"):
        return f"{rule_id} : code hors de la liste officielle.{about}"
    if " shall have " in text or " shall contain " in text or "must be stated" in text:
        return f"{rule_id} : une information obligatoire manque.{about}"
    if " shall not " in text or "must not" in text:
        return f"{rule_id} : une information présente n'est pas permise à cet endroit.{about}"
    return f"{rule_id} : règle de la norme EN 16931 non respectée.{about}"


_TERM_IN_TEXT = re.compile(r"\b(B[TG]-\d+)\b")


def _terms_in_text(text: str) -> str:
    """« Montant total TTC (BT-112), Ligne de facture (BG-25) » for the terms a rule text names."""
    found: list[str] = []
    for term in _TERM_IN_TEXT.findall(text):
        label = BT_LABELS.get(term)
        item = f"{label} ({term})" if label else term
        if item not in found:
            found.append(item)
    return ", ".join(found)


def _strip_rule_prefix(text: str) -> str:
    return re.sub(r"^\s*\[[^\]]+\]\s*-?\s*", "", text).strip()


# libxml2 XSD messages -> French. The element name is given without its namespace.
_XSD_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"Element '([^']+)': This element is not expected\. Expected is(?: one of)? "
            r"\( ?(.+?) ?\)"
        ),
        "L'élément « {0} » n'est pas attendu à cet endroit (attendu : {1}).",
    ),
    (
        re.compile(r"Element '([^']+)': This element is not expected\."),
        "L'élément « {0} » n'est pas autorisé à cet endroit.",
    ),
    (
        re.compile(
            r"Element '([^']+)': Missing child element\(s\)\. Expected is(?: one of)? "
            r"\( ?(.+?) ?\)"
        ),
        "Il manque un élément obligatoire dans « {0} » (attendu : {1}).",
    ),
    (
        re.compile(
            r"Element '([^']+)'(?:, attribute '([^']+)')?: \[facet 'enumeration'\] "
            r"The value '([^']*)' is not an element of the set"
        ),
        "La valeur « {2} » de « {0} » ne fait pas partie des valeurs autorisées.",
    ),
    (
        re.compile(
            r"Element '([^']+)'(?:, attribute '([^']+)')?: \[facet '(?:pattern|"
            r"totalDigits|fractionDigits)'\] The value '([^']*)'"
        ),
        "La valeur « {2} » de « {0} » n'a pas le format attendu.",
    ),
    (
        re.compile(
            r"Element '([^']+)'(?:, attribute '([^']+)')?: \[facet '(?:min|max)Length'\] "
            r"The value '([^']*)'"
        ),
        "La longueur de la valeur « {2} » de « {0} » n'est pas autorisée.",
    ),
    (
        re.compile(
            r"Element '([^']+)'(?:, attribute '([^']+)')?: '([^']*)' is not a valid value "
            r"of the (?:atomic|local atomic|union) type '([^']+)'"
        ),
        "La valeur « {2} » de « {0} » n'est pas valide (type attendu : {3}).",
    ),
    (
        re.compile(
            r"Element '([^']+)', attribute '([^']+)': The attribute '[^']+' is not "
            r"allowed"
        ),
        "L'attribut « {1} » n'est pas autorisé sur « {0} ».",
    ),
    (
        re.compile(r"Element '([^']+)': The attribute '([^']+)' is required but missing"),
        "L'attribut obligatoire « {1} » manque sur « {0} ».",
    ),
    (
        re.compile(
            r"Element '([^']+)': Character content (?:other than whitespace )?is not "
            r"allowed"
        ),
        "L'élément « {0} » ne doit pas contenir de texte.",
    ),
    (
        re.compile(
            r"Element '([^']+)': No matching global declaration available for the "
            r"validation root"
        ),
        "L'élément racine « {0} » n'est pas celui attendu par le schéma.",
    ),
    (
        re.compile(r"Element '([^']+)': This element is not expected\."),
        "L'élément « {0} » n'est pas autorisé à cet endroit.",
    ),
)
_CLARK = re.compile(r"\{[^}]*\}")


def xsd_message(message: str) -> tuple[str, str]:
    """(French message, value) for a libxml2 schema error."""
    plain = _CLARK.sub("", message).strip()
    for pattern, template in _XSD_PATTERNS:
        match = pattern.search(plain)
        if match:
            groups = [group or "" for group in match.groups()]
            groups = [_shorten(group) for group in groups]
            value = groups[2] if len(groups) > 2 and "valeur" in template else ""
            return template.format(*groups), value
    return f"Erreur de structure XML (schéma) : {plain}", ""


def _shorten(text: str, limit: int = 160) -> str:
    text = text.replace(" ).", "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
