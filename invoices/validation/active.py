"""Active content in a legal PDF: JavaScript, launch actions, non-XML embedded files, appended
archives (issue 19, point 2).

A Factur-X is a PDF/A-3 (Factur-X 1.0 §5; ISO 19005-3 §6.6.1 forbids JavaScript and the Launch,
ImportData, ResetForm, SubmitForm actions). The portal also refuses, in a Factur-X, embedded files
other than XML and PDF supplements (an executable or an HTML page has no place in a legal
invoice: other documents are deposited as attachments), and a file that is a PDF *and* another
format (a ZIP appended after the end of the PDF: a "polyglot"). Plain PDFs are kept; they are
never run by the portal (their previews are sandboxed, their downloads are attachments).

Every check is bounded: the catalogue, the first pages' annotations, a byte scan of the file.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from . import limits
from .pdf import PdfContent, PdfUnreadable, attachment_bytes
from .safety import Kind, XmlRefused, parse_xml, sniff
from .types import ERROR, Issue, Layer

# Actions that run something or talk to the network (ISO 32000-1 §12.6.4; ISO 19005-3 §6.6.1).
FORBIDDEN_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "lancement d'une application (/Launch)",
    "/ImportData": "import de données (/ImportData)",
    "/SubmitForm": "envoi de formulaire (/SubmitForm)",
    "/ResetForm": "réinitialisation de formulaire (/ResetForm)",
    "/RichMedia": "contenu multimédia actif (/RichMedia)",
    "/GoToE": "ouverture d'un document joint (/GoToE)",
}
# Tokens looked for in the raw bytes (objects outside compressed object streams).
_RAW_TOKENS = re.compile(rb"/(JavaScript|JS|Launch|ImportData|SubmitForm|RichMedia)\b")
_MAX_PAGES = 50
_MAX_ACTIONS = 200  # /Next chains followed in total


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _actions(action: object, found: list[str], budget: list[int]) -> None:
    """Record the forbidden actions of an action dictionary and its /Next chain."""
    pending = [action]
    while pending and budget[0] > 0:
        budget[0] -= 1
        item = _resolve(pending.pop())
        if isinstance(item, ArrayObject):
            pending.extend(item[:_MAX_ACTIONS])
            continue
        if not isinstance(item, DictionaryObject):
            continue
        kind = str(item.get("/S", ""))
        if kind in FORBIDDEN_ACTIONS:
            found.append(FORBIDDEN_ACTIONS[kind])
        elif "/JS" in item:
            found.append(FORBIDDEN_ACTIONS["/JavaScript"])
        if "/Next" in item:
            pending.append(item["/Next"])


def _additional_actions(holder: DictionaryObject, found: list[str], budget: list[int]) -> None:
    aa = _resolve(holder.get("/AA"))
    if isinstance(aa, DictionaryObject):
        for value in list(aa.values())[:20]:
            _actions(value, found, budget)


def active_content(pdf: PdfContent, content: bytes) -> list[str]:
    """What runs in this PDF, in French, without duplicates; empty when nothing does."""
    found: list[str] = []
    budget = [_MAX_ACTIONS]
    catalog = _resolve(pdf.reader.trailer.get("/Root"))
    if isinstance(catalog, DictionaryObject):
        opening: list[str] = []
        _actions(catalog.get("/OpenAction"), opening, budget)
        found.extend(f"{what} à l'ouverture du document (/OpenAction)" for what in opening)
        _additional_actions(catalog, found, budget)
        names = _resolve(catalog.get("/Names"))
        if isinstance(names, DictionaryObject) and NameObject("/JavaScript") in names:
            found.append("JavaScript de document (/Names /JavaScript)")
        form = _resolve(catalog.get("/AcroForm"))
        if isinstance(form, DictionaryObject) and "/XFA" in form:
            found.append("formulaire XFA")
    try:
        pages = list(pdf.reader.pages[:_MAX_PAGES])
    except Exception:  # a broken page tree: the byte scan below still runs
        pages = []
    for page in pages:
        _additional_actions(page, found, budget)
        annotations = _resolve(page.get("/Annots"))
        if isinstance(annotations, ArrayObject):
            for annotation in annotations[:_MAX_ACTIONS]:
                annotation = _resolve(annotation)
                if isinstance(annotation, DictionaryObject):
                    _actions(annotation.get("/A"), found, budget)
                    _additional_actions(annotation, found, budget)
    if not found:
        # Objects read above are only those reachable from the catalogue and the pages; a raw
        # token anywhere else (an orphan object, a name tree pypdf skipped) still tells.
        match = _RAW_TOKENS.search(content[: limits.MAX_DOCUMENT_BYTES])
        if match:
            token = match.group(1).decode()
            found.append(
                "JavaScript" if token in ("JavaScript", "JS") else FORBIDDEN_ACTIONS.get(f"/{token}", token)
            )
    return list(dict.fromkeys(found))


_WEB_ROOTS = {"html": "page web HTML", "svg": "image SVG, qui peut contenir un script"}


def _web_markup(data: bytes) -> str | None:
    """HTML or SVG (which run scripts in a browser) rather than data XML; unparsable → HTML."""
    try:
        root = parse_xml(data)
    except XmlRefused:
        return _WEB_ROOTS["html"]
    qname = etree.QName(root)
    if qname.localname.lower() in _WEB_ROOTS:
        return _WEB_ROOTS[qname.localname.lower()]
    if qname.namespace in ("http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"):
        return _WEB_ROOTS["html"]
    return None


def forbidden_attachments(pdf: PdfContent) -> list[str]:
    """The embedded files a Factur-X may not carry, described in French: anything but XML and
    PDF (Factur-X 1.0 §6.2 admits supplementary documents such as a delivery note in PDF), and a
    PDF with active content. The content decides, not the name."""
    found: list[str] = []
    for attachment in pdf.attachments[: limits.MAX_PDF_ATTACHMENTS]:
        name = attachment.name or "(sans nom)"
        try:
            data = attachment_bytes(attachment)
        except PdfUnreadable:
            found.append(f"« {name} » (illisible)")
            continue
        kind = sniff(data).kind
        if kind == Kind.XML:
            markup = _web_markup(data)
            if markup:
                found.append(f"« {name} » ({markup})")
            continue
        if kind == Kind.PDF:
            match = _RAW_TOKENS.search(data)
            if match:
                found.append(f"« {name} » (PDF contenant {match.group(1).decode()})")
            continue
        found.append(f"« {name} » ({sniff(data).label})")
    return found


def appended_archive(content: bytes) -> str | None:
    """A file glued after the PDF: "archive ZIP" or "données", or None."""
    end = content.rfind(b"%%EOF")
    if end < 0:
        return None
    tail = content[end + 5 :]
    if zipfile.is_zipfile(io.BytesIO(content)) or b"PK\x03\x04" in tail or b"PK\x05\x06" in tail:
        return "une archive ZIP"
    if len(tail.strip(b"\r\n\t \x00")) > 0:
        return "des données"
    return None


def facturx_active_content_issues(pdf: PdfContent, content: bytes) -> list[Issue]:
    """Errors for a Factur-X carrying active content, a non-XML embedded file or an appended
    file: each message names what was found."""
    issues: list[Issue] = []
    running = active_content(pdf, content)
    if running:
        issues.append(
            Issue(
                "SECU-PDF-ACTIF",
                ERROR,
                Layer.SAFETY,
                "Le PDF Factur-X contient du contenu actif, interdit dans un PDF/A-3 : "
                + " ; ".join(running)
                + ". Générez à nouveau la facture sans script ni action.",
                value=", ".join(running)[:200],
            )
        )
    others = forbidden_attachments(pdf)
    if others:
        listed = ", ".join(others[:10])
        issues.append(
            Issue(
                "SECU-PDF-FICHIER-JOINT",
                ERROR,
                Layer.SAFETY,
                f"Le PDF Factur-X contient des fichiers joints interdits : {listed}. Une facture "
                "Factur-X ne contient que son XML (et, au plus, des documents PDF sans contenu "
                "actif) ; déposez les autres documents comme pièces jointes de la facture.",
                value=", ".join(others)[:200],
            )
        )
    appended = appended_archive(content)
    if appended:
        issues.append(
            Issue(
                "SECU-PDF-POLYGLOTTE",
                ERROR,
                Layer.SAFETY,
                f"Le fichier contient {appended} après la fin du PDF (fichier « polyglotte ») : il est "
                "refusé par sécurité. Déposez le PDF Factur-X tel que votre logiciel l'a produit.",
            )
        )
    return issues
