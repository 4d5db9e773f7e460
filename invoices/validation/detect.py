"""Recognise an XML document: syntax (CII, UBL, …), Factur-X profile and Chorus Pro flow code."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .types import DocumentFormat, Profile

NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS_UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_UBL_CREDITNOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"

ACCEPTED_FORMATS = (
    "Factur-X (PDF/A-3) profils BASIC, EN 16931, EXTENDED ; CII D16B ; UBL 2.1 Invoice/CreditNote ; PDF"
)

PROFILE_LABELS = {
    Profile.MINIMUM: "MINIMUM",
    Profile.BASICWL: "BASIC WL",
    Profile.BASIC: "BASIC",
    Profile.EN16931: "EN 16931",
    Profile.EXTENDED: "EXTENDED",
}


@dataclass(frozen=True, slots=True)
class Detected:
    format: DocumentFormat  # CII, UBL_INVOICE, UBL_CREDITNOTE or UNSUPPORTED
    recognised: str  # French
    profile: Profile | None = None
    guideline: str = ""  # BT-24 as written


def guideline_of(root: etree._Element) -> str:
    """BT-24, the specification identifier (CII) or CustomizationID (UBL)."""
    if etree.QName(root).namespace in (NS_UBL_INVOICE, NS_UBL_CREDITNOTE):
        value = root.findtext(
            "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}CustomizationID"
        )
    else:
        value = root.findtext(
            f"{{{NS_CII}}}ExchangedDocumentContext/{{{NS_RAM}}}"
            f"GuidelineSpecifiedDocumentContextParameter/{{{NS_RAM}}}ID"
        )
    return (value or "").strip()


def profile_of(guideline: str) -> Profile:
    """Factur-X profile from BT-24.

    Known identifiers: urn:factur-x.eu:1p0:minimum, urn:factur-x.eu:1p0:basicwl,
    urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic, urn:cen.eu:en16931:2017,
    urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended, their ZUGFeRD 2.x
    (urn:zugferd.de:2p0:…) twins, and EN 16931 CIUS such as XRechnung. Anything else is checked
    against the EN 16931 rules, whose code list for BT-24 then reports it.
    """
    lowered = guideline.lower()
    if "minimum" in lowered:
        return Profile.MINIMUM
    if "basicwl" in lowered or "basic-wl" in lowered:
        return Profile.BASICWL
    if "extended" in lowered:
        return Profile.EXTENDED
    if lowered.endswith(":basic") or ":basic#" in lowered:
        return Profile.BASIC
    return Profile.EN16931


def detect_xml(root: etree._Element) -> Detected:
    qname = etree.QName(root)
    namespace, name = qname.namespace or "", qname.localname
    if name == "CrossIndustryInvoice" and namespace == NS_CII:
        guideline = guideline_of(root)
        profile = profile_of(guideline)
        return Detected(
            DocumentFormat.CII,
            f"CII D16B (UN/CEFACT), profil {PROFILE_LABELS[profile]}",
            profile,
            guideline,
        )
    if name == "Invoice" and namespace == NS_UBL_INVOICE:
        return Detected(DocumentFormat.UBL_INVOICE, "UBL 2.1 Invoice (facture)", None, guideline_of(root))
    if name == "CreditNote" and namespace == NS_UBL_CREDITNOTE:
        return Detected(DocumentFormat.UBL_CREDITNOTE, "UBL 2.1 CreditNote (avoir)", None, guideline_of(root))
    return Detected(DocumentFormat.UNSUPPORTED, _unsupported_label(namespace, name))


def _unsupported_label(namespace: str, name: str) -> str:
    if name == "CrossIndustryDocument" and namespace.startswith("urn:ferd:CrossIndustryDocument"):
        if ":order:" in namespace:
            return "commande ZUGFeRD 1.0 (non acceptée)"
        return "ZUGFeRD 1.0 (non accepté)"
    if name == "SCRDMCCBDACIOMessageStructure":
        return "commande Order-X (non acceptée)"
    if name == "FatturaElettronica":
        return "facture italienne FatturaPA (non acceptée)"
    if name == "M_INVOIC" or "edifact" in namespace.lower():
        return "facture EDIFACT INVOIC au format XML (non acceptée)"
    if name == "CrossIndustryInvoice":
        return f"CII d'un espace de noms inconnu « {namespace} » (non accepté)"
    if namespace.startswith("urn:oasis:names:specification:ubl:schema:xsd:"):
        return f"document UBL « {name} », qui n'est pas une facture ni un avoir (non accepté)"
    if "peppol" in namespace.lower() or name == "StandardBusinessDocument":
        return "enveloppe PEPPOL / SBDH (non acceptée : déposez la facture qu'elle contient)"
    return f"XML de type inconnu (élément racine « {name} »)"


def unsupported_message(recognised: str) -> str:
    return f"Fichier reconnu : {recognised}. Formats acceptés : {ACCEPTED_FORMATS}."
