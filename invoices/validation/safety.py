"""Layer 1 (sécurité): size limits, content sniffing and hardened XML parsing.

The file name is never trusted: the content decides what a file is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from lxml import etree

from . import limits
from .types import ERROR, WARNING, Issue, Layer


class Kind(StrEnum):
    EMPTY = "vide"
    PDF = "PDF"
    XML = "XML"
    ZIP = "ZIP"
    GZIP = "GZIP"
    EDIFACT = "EDIFACT"
    IMAGE = "image"
    OFFICE = "document bureautique"
    UNKNOWN = "inconnu"


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: Kind
    label: str  # French, e.g. "image PNG"


# PDF readers accept junk before the header (ISO 32000-1 §7.5.2 implementations: 1024 bytes).
_PDF_HEADER_WINDOW = 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image PNG"),
    (b"\xff\xd8\xff", "image JPEG"),
    (b"GIF87a", "image GIF"),
    (b"GIF89a", "image GIF"),
    (b"II*\x00", "image TIFF"),
    (b"MM\x00*", "image TIFF"),
    (b"BM", "image BMP"),
)
_EXTENSION_KIND = {
    ".pdf": Kind.PDF,
    ".xml": Kind.XML,
    ".zip": Kind.ZIP,
    ".gz": Kind.GZIP,
    ".tgz": Kind.GZIP,
}


def sniff(content: bytes) -> Sniffed:
    """Recognise a file by its magic bytes."""
    if not content:
        return Sniffed(Kind.EMPTY, "fichier vide")
    head = content[:_PDF_HEADER_WINDOW]
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return Sniffed(Kind.PDF, "PDF")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Sniffed(Kind.ZIP, "archive ZIP")
    if head.startswith(b"\x1f\x8b"):
        return Sniffed(Kind.GZIP, "archive gzip")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return Sniffed(Kind.OFFICE, "document Microsoft Office (ancien format)")
    for magic, label in _IMAGE_MAGIC:
        if head.startswith(magic):
            return Sniffed(Kind.IMAGE, label)
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    stripped = text.lstrip(b" \t\r\n")
    if stripped.startswith(b"<") or stripped.startswith((b"<\x00", b"\x00<")):
        return Sniffed(Kind.XML, "XML")
    if stripped.startswith((b"UNA", b"UNB+")):
        return Sniffed(Kind.EDIFACT, "message EDIFACT")
    return Sniffed(Kind.UNKNOWN, "fichier de type inconnu")


def check_size(content: bytes, max_bytes: int = limits.MAX_DOCUMENT_BYTES) -> Issue | None:
    """Refuse empty and oversized files before anything else reads them."""
    if not content:
        return Issue(
            "SECU-FICHIER-VIDE",
            ERROR,
            Layer.SAFETY,
            "Le fichier est vide (0 octet). Vérifiez le fichier et déposez-le à nouveau.",
        )
    if len(content) > max_bytes:
        return Issue(
            "SECU-TAILLE",
            ERROR,
            Layer.SAFETY,
            f"Le fichier pèse {_mb(len(content))} ; la taille maximale acceptée est {_mb(max_bytes)}.",
            value=str(len(content)),
        )
    return None


def check_extension(filename: str, sniffed: Sniffed) -> Issue | None:
    """A file whose name lies about its type is handled by its real content; say so."""
    suffix = PurePath(filename or "").suffix.lower()
    claimed = _EXTENSION_KIND.get(suffix)
    if claimed is None or claimed == sniffed.kind or sniffed.kind == Kind.EMPTY:
        return None
    return Issue(
        "FORMAT-EXTENSION",
        WARNING,
        Layer.SAFETY,
        f"Le nom du fichier « {filename} » annonce un fichier {claimed.value}, mais son contenu "
        f"est : {sniffed.label}. Le fichier est traité selon son contenu réel.",
        value=suffix,
    )


# A DOCTYPE is the vehicle of entity expansion (billion laughs), external entities (XXE,
# file:///etc/passwd) and network fetches; no e-invoice syntax uses one, so refuse it outright.
# The fast check scans the prolog only (before the first start tag), so that a CDATA section
# quoting "<!DOCTYPE" in a note is not mistaken for one; the parsed tree is checked as well.
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DOCTYPE_UTF16 = re.compile(rb"<\x00?!\x00?D\x00?O\x00?C\x00?T\x00?Y\x00?P\x00?E", re.IGNORECASE)
_FIRST_START_TAG = re.compile(rb"<[^?!\x00]")
_PROLOG_SCAN_BYTES = 256 * 1024


def _has_doctype(content: bytes) -> bool:
    head = content[:_PROLOG_SCAN_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return _DOCTYPE_UTF16.search(head) is not None
    start_tag = _FIRST_START_TAG.search(head)
    prolog = head[: start_tag.start()] if start_tag else head
    return _DOCTYPE.search(prolog) is not None


class XmlRefused(ValueError):
    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _doctype_issue() -> Issue:
    return Issue(
        "SECU-DOCTYPE",
        ERROR,
        Layer.SAFETY,
        "Le fichier XML contient une déclaration DOCTYPE (DTD). Pour votre sécurité et celle "
        "du portail, les DTD et entités XML sont refusées : une facture électronique n'en "
        "contient jamais. Générez à nouveau le fichier sans DOCTYPE.",
    )


def make_parser() -> etree.XMLParser:
    """A hardened lxml parser: no DTD, no entity expansion, no network, libxml2 size caps.

    One parser per call: lxml parsers serialise their users behind a lock.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,  # keeps libxml2's depth (256) and text-node (10 MB) limits
        remove_pis=False,
    )


def parse_xml(content: bytes) -> etree._Element:
    """Parse untrusted XML, raising :class:`XmlRefused` with a French issue on any problem."""
    if _has_doctype(content):
        raise XmlRefused(_doctype_issue())
    try:
        root = etree.fromstring(content, make_parser())  # hardened parser, see make_parser()
    except etree.XMLSyntaxError as exc:
        raise XmlRefused(
            Issue(
                "FORMAT-XML-MALFORME",
                ERROR,
                Layer.SYNTAX,
                "Le fichier XML est mal formé et ne peut pas être lu "
                f"(ligne {exc.lineno or '?'}) : {_clean_libxml_message(str(exc))}",
                value=str(exc)[:200],
            )
        ) from exc
    except ValueError as exc:  # e.g. "Unicode strings with encoding declaration"
        raise XmlRefused(
            Issue(
                "FORMAT-XML-MALFORME",
                ERROR,
                Layer.SYNTAX,
                "Le fichier XML ne peut pas être lu (déclaration d'encodage incohérente avec son "
                "contenu) : enregistrez-le à nouveau en UTF-8 depuis votre logiciel.",
            )
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRefused(_doctype_issue())
    return root


def _clean_libxml_message(message: str) -> str:
    return re.sub(r", line \d+, column \d+$", "", message)


def _mb(size: int) -> str:
    return f"{size / limits.MiB:.1f} Mo".replace(".", ",")
