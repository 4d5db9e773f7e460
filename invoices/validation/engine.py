"""validate_document(): the three layers, in order, reporting every error found.

1. sécurité: size, content sniffing, hardened XML parsing, bounded PDF reading;
2. syntaxe: XSD of the detected syntax and profile (+ Factur-X XMP metadata);
3. en16931: the official business rules (schematron compiled to XSLT 2.0, run by Saxon).
Layer 3 runs even when layer 2 fails, so a file gets every finding in one pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from lxml import etree

from . import extract, schematron, xsd
from .active import facturx_active_content_issues
from .detect import NS_ZUGFERD1, PROFILE_LABELS, detect_xml, unsupported_message
from .limits import MAX_DOCUMENT_BYTES, MAX_INVOICE_LINES
from .pdf import (
    INVOICE_FILE_NAMES,
    PdfContent,
    PdfUnreadable,
    attachment_bytes,
    open_pdf,
    ordered_xml_candidates,
    pdf_limits,
)
from .safety import Kind, XmlRefused, check_extension, check_size, parse_xml, sniff
from .types import (
    ERROR,
    WARNING,
    DocumentFormat,
    Issue,
    Layer,
    Profile,
    SyntaxFlux,
    Verdict,
)

logger = logging.getLogger(__name__)

# MINIMUM and BASIC WL carry no invoice lines: the PDF is the legal invoice and the deposit
# form completes the data (Chorus Pro accepts Factur-X BASIC, EN 16931, EXTENDED as structured).
STRUCTURED_PROFILES = frozenset({Profile.BASIC, Profile.EN16931, Profile.EXTENDED})
_MAX_XML_CANDIDATES = 5
# fx:ConformanceLevel values (Factur-X 1.0x, ZUGFeRD 2.x) -> profile.
_XMP_LEVELS = {
    "MINIMUM": Profile.MINIMUM,
    "BASIC WL": Profile.BASICWL,
    "BASICWL": Profile.BASICWL,
    "BASIC": Profile.BASIC,
    "EN 16931": Profile.EN16931,
    "EN16931": Profile.EN16931,
    "COMFORT": Profile.EN16931,
    "XRECHNUNG": Profile.EN16931,
    "EXTENDED": Profile.EXTENDED,
}


@contextmanager
def _timed(verdict: Verdict, layer: str) -> Iterator[None]:
    layer = str(layer)
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        verdict.timings[layer] = verdict.timings.get(layer, 0.0) + elapsed


def validate_document(content: bytes, filename: str = "") -> Verdict:
    """Validate one uploaded file. Never raises on bad input: the verdict says what is wrong."""
    verdict = Verdict()
    started = time.perf_counter()
    try:
        if isinstance(content, bytearray | memoryview) and len(content) <= MAX_DOCUMENT_BYTES:
            content = bytes(content)
        _validate(content, filename, verdict)
    except Exception:  # a bug must not turn a supplier's upload into a 500
        logger.exception("validation failed on %r", filename)
        verdict.add(
            Issue(
                "ERREUR-INTERNE",
                ERROR,
                Layer.SAFETY,
                "Le fichier n'a pas pu être analysé à cause d'une erreur du portail. "
                "Réessayez plus tard ou contactez l'assistance.",
            )
        )
    verdict.timings["total"] = (time.perf_counter() - started) * 1000
    return verdict


def _validate(content: bytes, filename: str, verdict: Verdict) -> None:
    with _timed(verdict, Layer.SAFETY):
        size_issue = check_size(content)
        if size_issue is not None:
            verdict.add(size_issue)
            verdict.recognised = "fichier vide" if not content else "fichier trop volumineux"
            return
        sniffed = sniff(content)
        extension_issue = check_extension(filename, sniffed)
        if extension_issue is not None:
            verdict.add(extension_issue)
    if sniffed.kind == Kind.PDF:
        _validate_pdf(content, verdict)
    elif sniffed.kind == Kind.XML:
        _validate_xml_file(content, verdict)
    else:
        label = {
            Kind.ZIP: "archive ZIP (utilisez le dépôt par lot)",
            Kind.GZIP: "archive gzip (utilisez le dépôt par lot)",
            Kind.EDIFACT: "message EDIFACT INVOIC (non accepté)",
        }.get(sniffed.kind, sniffed.label)
        _unsupported(verdict, label)


def _unsupported(verdict: Verdict, recognised: str) -> None:
    verdict.format = DocumentFormat.UNSUPPORTED
    verdict.recognised = recognised
    verdict.add(Issue("FORMAT-NON-SUPPORTE", ERROR, Layer.SYNTAX, unsupported_message(recognised)))


# --- standalone XML --------------------------------------------------------------------------


def _validate_xml_file(content: bytes, verdict: Verdict) -> None:
    with _timed(verdict, Layer.SAFETY):
        try:
            root = parse_xml(content)
        except XmlRefused as refused:
            verdict.format = DocumentFormat.UNSUPPORTED
            verdict.recognised = (
                "XML contenant une DTD (refusé par sécurité)"
                if refused.issue.rule_id == "SECU-DOCTYPE"
                else "XML mal formé"
            )
            verdict.add(refused.issue)
            return
    detected = detect_xml(root)
    if detected.format == DocumentFormat.UNSUPPORTED:
        _unsupported(verdict, detected.recognised)
        return
    verdict.format = detected.format
    verdict.profile = detected.profile
    verdict.recognised = detected.recognised
    verdict.xml = content
    if detected.format == DocumentFormat.CII:
        verdict.structured = detected.profile in STRUCTURED_PROFILES
        if verdict.structured:
            verdict.syntax_flux = SyntaxFlux.CII_16B
        else:
            label = PROFILE_LABELS[detected.profile or Profile.MINIMUM]
            verdict.add(
                Issue(
                    "FORMAT-PROFIL",
                    ERROR,
                    Layer.SYNTAX,
                    f"Un fichier CII seul doit suivre le profil EN 16931 (ou BASIC, EXTENDED). Le "
                    f"profil {label} ne contient pas le détail de la facture : déposez plutôt le PDF "
                    "Factur-X, ou un PDF, et complétez le formulaire.",
                    bt="BT-24",
                    bt_label="Identifiant de la spécification (profil)",
                    value=detected.guideline,
                )
            )
    else:
        verdict.structured = True
        verdict.syntax_flux = SyntaxFlux.UBL_INVOICE
    _run_layers(root, verdict)


_LINE_TAGS = (
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
    "IncludedSupplyChainTradeLineItem",
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}InvoiceLine",
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}CreditNoteLine",
)


def _too_many_lines(root: etree._Element) -> Issue | None:
    """Refuse before the rules run: their memory grows with the number of lines."""
    count = 0
    for _element in root.iter(*_LINE_TAGS):
        count += 1
        if count > MAX_INVOICE_LINES:
            break
    if count <= MAX_INVOICE_LINES:
        return None
    return Issue(
        "SECU-LIGNES",
        ERROR,
        Layer.SAFETY,
        f"La facture compte plus de {MAX_INVOICE_LINES} lignes ; le portail en accepte au plus "
        f"{MAX_INVOICE_LINES} par facture. Scindez-la en plusieurs factures ou regroupez des lignes.",
        bt="BG-25",
        bt_label="Ligne de facture",
    )


def _run_layers(root: etree._Element, verdict: Verdict) -> None:
    too_many = _too_many_lines(root)
    if too_many is not None:
        verdict.add(too_many)
        return
    # A Factur-X PDF carries CII: same schemas and rules as a standalone CII of that profile.
    syntax = DocumentFormat.CII if verdict.format == DocumentFormat.FACTURX_PDF else verdict.format
    with _timed(verdict, Layer.SYNTAX):
        verdict.extend(xsd.validate_xsd(root, syntax, verdict.profile))
    with _timed(verdict, Layer.EN16931):
        verdict.extend(schematron.validate_rules(root, syntax, verdict.profile))
    with _timed(verdict, "extraction"):
        verdict.parsed = extract.parse_invoice(root)


# --- PDF -------------------------------------------------------------------------------------


def _validate_pdf(content: bytes, verdict: Verdict) -> None:
    verdict.format = DocumentFormat.PDF
    with pdf_limits():
        with _timed(verdict, Layer.SAFETY):
            try:
                pdf = open_pdf(content)
            except PdfUnreadable as unreadable:
                verdict.recognised = "PDF illisible"
                verdict.add(Issue(unreadable.code, ERROR, Layer.SAFETY, unreadable.message))
                return
            if pdf.was_encrypted:
                verdict.add(
                    Issue(
                        "SECU-PDF-CHIFFRE",
                        WARNING,
                        Layer.SAFETY,
                        "Le PDF est chiffré (sans mot de passe d'ouverture). Un PDF/A, et donc une "
                        "facture Factur-X, ne doit pas l'être.",
                    )
                )
            found = _find_invoice_xml(pdf, verdict)
        if pdf.repaired:
            # PDF/A (hence Factur-X) requires a sound file structure; a plain PDF that a
            # reader can repair is still a readable invoice image.
            verdict.add(
                Issue(
                    "FORMAT-PDF-STRUCTURE",
                    WARNING if found is None else ERROR,
                    Layer.SAFETY,
                    "La structure interne du PDF est endommagée (table des références croisées ou "
                    "fin de fichier invalide) : il a fallu le réparer pour le lire."
                    + (" Un PDF Factur-X doit être un PDF/A-3 valide." if found else ""),
                )
            )
        if found is None:
            if verdict.errors:
                return
            _plain_pdf(pdf, verdict)
            return
        name, data, root = found
    if etree.QName(root).namespace == NS_ZUGFERD1:
        _unsupported(verdict, "PDF ZUGFeRD 1.0 (non accepté)")
        return
    with pdf_limits(), _timed(verdict, Layer.SAFETY):
        verdict.extend(facturx_active_content_issues(pdf, content))
    _validate_facturx(pdf, name, data, root, verdict)


def _find_invoice_xml(pdf: PdfContent, verdict: Verdict) -> tuple[str, bytes, etree._Element] | None:
    """The embedded invoice XML: the one the XMP names, else a known name, else any CII."""
    designated = {name.lower() for name in INVOICE_FILE_NAMES}
    if pdf.xmp.document_file_name:
        designated.add(pdf.xmp.document_file_name.lower())
    for attachment in ordered_xml_candidates(pdf)[:_MAX_XML_CANDIDATES]:
        try:
            data = attachment_bytes(attachment)
        except PdfUnreadable as unreadable:
            verdict.add(Issue(unreadable.code, ERROR, Layer.SAFETY, unreadable.message))
            verdict.recognised = "PDF avec pièce jointe refusée"
            return None
        try:
            root = parse_xml(data)
        except XmlRefused as refused:
            if attachment.name.lower() in designated or refused.issue.rule_id == "SECU-DOCTYPE":
                verdict.format = DocumentFormat.FACTURX_PDF
                verdict.recognised = f"Factur-X dont le XML « {attachment.name} » est illisible"
                verdict.add(refused.issue)
                return None
            continue
        namespace = etree.QName(root).namespace
        if detect_xml(root).format == DocumentFormat.CII or namespace == NS_ZUGFERD1:
            return attachment.name, data, root
        verdict.add(
            Issue(
                "FORMAT-PIECE-JOINTE",
                WARNING,
                Layer.SYNTAX,
                f"Le fichier « {attachment.name} » joint au PDF n'est pas une facture Factur-X "
                f"({detect_xml(root).recognised}) : il est ignoré.",
            )
        )
    return None


def _plain_pdf(pdf: PdfContent, verdict: Verdict) -> None:
    verdict.structured = False
    verdict.recognised = (
        "PDF sans données structurées : les informations de la facture seront à compléter dans le formulaire"
    )
    if pdf.xmp.fx_namespace:
        verdict.add(
            Issue(
                "FX-XML-ABSENT",
                WARNING,
                Layer.SYNTAX,
                "Le PDF se déclare Factur-X mais ne contient pas de fichier XML de facture : il est "
                "traité comme un PDF simple, à compléter dans le formulaire.",
            )
        )


def _validate_facturx(
    pdf: PdfContent, name: str, data: bytes, root: etree._Element, verdict: Verdict
) -> None:
    detected = detect_xml(root)
    profile = detected.profile or Profile.EN16931
    label = PROFILE_LABELS[profile]
    verdict.format = DocumentFormat.FACTURX_PDF
    verdict.profile = profile
    verdict.xml = data
    verdict.structured = profile in STRUCTURED_PROFILES
    verdict.syntax_flux = SyntaxFlux.CII_FACTURX if verdict.structured else None
    verdict.recognised = f"Factur-X (PDF avec XML CII « {name} »), profil {label}"
    if not verdict.structured:
        verdict.recognised += " : le PDF fait foi, les données seront complétées dans le formulaire"
        verdict.add(
            Issue(
                "FORMAT-PROFIL",
                WARNING,
                Layer.SYNTAX,
                f"Le profil Factur-X {label} ne contient pas le détail de la facture. Chorus Pro "
                "le traite comme un PDF : complétez les informations dans le formulaire.",
                bt="BT-24",
                bt_label="Identifiant de la spécification (profil)",
                value=detected.guideline,
            )
        )
    with _timed(verdict, Layer.SYNTAX):
        verdict.extend(_xmp_issues(pdf, name, profile))
    _run_layers(root, verdict)


def _xmp_issues(pdf: PdfContent, name: str, profile: Profile) -> list[Issue]:
    """Factur-X §7 metadata: the XMP must name the XML file and its profile consistently."""
    xmp = pdf.xmp
    if xmp.present and not xmp.readable:
        return [
            Issue(
                "FX-XMP-ILLISIBLE",
                ERROR,
                Layer.SYNTAX,
                "Les métadonnées XMP du PDF sont illisibles : un PDF Factur-X doit déclarer son "
                "profil et le nom de son fichier XML dans des métadonnées XMP valides.",
            )
        ]
    if not xmp.fx_namespace:
        return [
            Issue(
                "FX-XMP-ABSENT",
                WARNING,
                Layer.SYNTAX,
                "Le PDF ne déclare pas ses métadonnées Factur-X (XMP : profil, nom du fichier XML).",
            )
        ]
    issues: list[Issue] = []
    level = (xmp.conformance_level or "").strip()
    declared = _XMP_LEVELS.get(level.upper())
    if declared is None:
        issues.append(
            Issue(
                "FX-XMP-PROFIL",
                ERROR,
                Layer.SYNTAX,
                f"Le niveau de conformité Factur-X déclaré dans le PDF (« {level} ») n'existe pas. "
                "Valeurs possibles : MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED.",
                value=level,
            )
        )
    elif declared != profile:
        issues.append(
            Issue(
                "FX-XMP-PROFIL",
                ERROR,
                Layer.SYNTAX,
                f"Le PDF déclare le profil « {level} » mais le XML joint est au profil "
                f"{PROFILE_LABELS[profile]}.",
                value=level,
            )
        )
    if xmp.document_file_name and xmp.document_file_name.lower() != name.lower():
        issues.append(
            Issue(
                "FX-XMP-NOM",
                WARNING,
                Layer.SYNTAX,
                f"Les métadonnées du PDF annoncent le fichier « {xmp.document_file_name} » mais le "
                f"XML joint s'appelle « {name} ».",
                value=xmp.document_file_name,
            )
        )
    if xmp.pdfa_part and xmp.pdfa_part != "3":
        issues.append(
            Issue(
                "FX-PDFA",
                WARNING,
                Layer.SYNTAX,
                f"Le PDF se déclare PDF/A-{xmp.pdfa_part} ; Factur-X exige un PDF/A-3.",
                value=xmp.pdfa_part,
            )
        )
    return issues
