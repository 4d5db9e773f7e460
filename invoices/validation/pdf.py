"""Reading PDFs with bounded work: embedded invoice XML, Factur-X XMP metadata.

Every pypdf call runs under :func:`pdf_limits`: each decompressed stream is capped, so a Flate
stream of gigabytes of zeros ("PDF bomb") stops at the cap with bounded memory instead of being
inflated. pypdf >= 5 implements the cap with ``zlib.decompressobj().decompress(max_length=…)``.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdf
from lxml import etree
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from . import limits
from .safety import XmlRefused, parse_xml

# Known names of the invoice attachment, best first.
INVOICE_FILE_NAMES = (
    "factur-x.xml",  # Factur-X, ZUGFeRD >= 2.1
    "zugferd-invoice.xml",  # ZUGFeRD 2.0
    "xrechnung.xml",  # ZUGFeRD 2.1+ XRECHNUNG profile
    "order-x.xml",
)  # ZUGFeRD 1.0 used "ZUGFeRD-invoice.xml": the same name once lower-cased
FX_NAMESPACES = (
    "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#",
    "urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#",
    "urn:factur-x:pdfa:CrossIndustryDocument:1p0#",
)
NS_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
logger = logging.getLogger(__name__)


class PdfUnreadable(ValueError):
    """The PDF is damaged, encrypted or hits a resource limit."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@contextlib.contextmanager
def pdf_limits() -> Iterator[None]:
    with pypdf.apply_configuration(
        zlib_maximum_output_length=limits.MAX_PDF_STREAM_BYTES,
        # pypdf retries a corrupt Flate stream byte by byte: keep that loop short.
        zlib_maximum_recovery_input_length=256 * 1024,
        lzw_maximum_output_length=limits.MAX_PDF_STREAM_BYTES,
        run_length_maximum_output_length=limits.MAX_PDF_STREAM_BYTES,
        brotli_maximum_output_length=limits.MAX_PDF_STREAM_BYTES,
        jbig2_maximum_output_length=limits.MAX_PDF_STREAM_BYTES,
        array_based_stream_maximum_output_length=limits.MAX_PDF_STREAM_BYTES,
        maximum_declared_stream_length=limits.MAX_DOCUMENT_BYTES,
        stream_decoding_work_maximum_length=3 * limits.MAX_PDF_STREAM_BYTES,
        image_maximum_buffer_size=limits.MAX_PDF_STREAM_BYTES,
        xmp_maximum_input_length=limits.MAX_XMP_BYTES,
        xfa_decoding_work_maximum_length=limits.MAX_PDF_STREAM_BYTES,
    ):
        yield


@dataclass(slots=True)
class Attachment:
    name: str
    stream: StreamObject | None
    subtype: str = ""
    relationship: str = ""


@dataclass(slots=True)
class Xmp:
    present: bool = False
    readable: bool = True
    conformance_level: str | None = None  # fx:ConformanceLevel ("EN 16931", "BASIC WL"…)
    document_file_name: str | None = None  # fx:DocumentFileName
    document_type: str | None = None  # fx:DocumentType ("INVOICE", "ORDER"…)
    version: str | None = None  # fx:Version
    fx_namespace: str | None = None
    pdfa_part: str | None = None  # pdfaid:part ("3" for PDF/A-3)


@dataclass(slots=True)
class PdfContent:
    reader: pypdf.PdfReader
    attachments: list[Attachment] = field(default_factory=list)
    xmp: Xmp = field(default_factory=Xmp)
    was_encrypted: bool = False
    repaired: bool = False  # the structure was broken and pypdf had to repair it


def open_pdf(content: bytes) -> PdfContent:
    """Open a PDF and list its attachments and XMP. Call inside :func:`pdf_limits`.

    The PDF is read strictly first; if its structure is broken (bad cross-reference table,
    missing EOF…) it is read again leniently and marked ``repaired``.
    """
    try:
        try:
            return _read(content, strict=True)
        except (PdfUnreadable, pypdf.errors.LimitReachedError):
            raise
        except Exception:  # broken structure: retry in pypdf's repairing mode
            repaired = _read(content, strict=False)
            repaired.repaired = True
            return repaired
    except PdfUnreadable:
        raise
    except pypdf.errors.LimitReachedError as exc:
        raise PdfUnreadable(
            "SECU-PDF-LIMITE",
            "Le PDF contient des données compressées anormalement volumineuses (plus de "
            f"{limits.MAX_PDF_STREAM_BYTES // limits.MiB} Mo une fois décompressées) : il est "
            "refusé par sécurité.",
        ) from exc
    except Exception as exc:  # pypdf raises many types (and RecursionError) on damaged files
        raise PdfUnreadable(
            "FORMAT-PDF-ILLISIBLE",
            # The library's exception (PdfStreamError…) goes to the log, not to the user.
            "Le PDF est endommagé ou illisible. Exportez-le à nouveau depuis votre logiciel de facturation.",
        ) from exc


def _read(content: bytes, *, strict: bool) -> PdfContent:
    reader = pypdf.PdfReader(io.BytesIO(content), strict=strict)
    encrypted = reader.is_encrypted
    if encrypted and not reader.decrypt(""):
        raise PdfUnreadable(
            "SECU-PDF-CHIFFRE",
            "Le PDF est protégé par un mot de passe : le portail ne peut pas le lire. "
            "Déposez une version sans mot de passe.",
        )
    catalog = reader.trailer["/Root"].get_object()
    result = PdfContent(reader=reader, was_encrypted=bool(encrypted))
    result.attachments = _attachments(catalog)
    result.xmp = _xmp(catalog)
    return result


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _attachments(catalog: DictionaryObject) -> list[Attachment]:
    """Files listed in the /EmbeddedFiles name tree and the /AF array, without reading them."""
    specs: list[DictionaryObject] = []
    names = _resolve(catalog.get("/Names"))
    if isinstance(names, DictionaryObject):
        tree = _resolve(names.get("/EmbeddedFiles"))
        if isinstance(tree, DictionaryObject):
            specs.extend(_name_tree_values(tree))
    associated = _resolve(catalog.get("/AF"))
    if isinstance(associated, ArrayObject):
        for item in associated[: limits.MAX_PDF_ATTACHMENTS]:
            spec = _resolve(item)
            if isinstance(spec, DictionaryObject):
                specs.append(spec)
    attachments: list[Attachment] = []
    seen: set[int] = set()
    for spec in specs[: limits.MAX_PDF_ATTACHMENTS]:
        if id(spec) in seen:
            continue
        seen.add(id(spec))
        name = str(spec.get("/UF") or spec.get("/F") or "")
        embedded = _resolve(spec.get("/EF"))
        stream = None
        if isinstance(embedded, DictionaryObject):
            candidate = _resolve(embedded.get("/F") or embedded.get("/UF"))
            stream = candidate if isinstance(candidate, StreamObject) else None
        if any(existing.name == name and existing.stream is stream for existing in attachments):
            continue
        attachments.append(
            Attachment(
                name=name,
                stream=stream,
                subtype=str(stream.get("/Subtype", "")) if stream is not None else "",
                relationship=str(spec.get("/AFRelationship", "")),
            )
        )
    return attachments


def _name_tree_values(tree: DictionaryObject) -> Iterator[DictionaryObject]:
    """Walk a PDF name tree iteratively with a node budget (no recursion, no cycles)."""
    pending: list[DictionaryObject] = [tree]
    visited = 0
    while pending and visited < limits.MAX_NAME_TREE_NODES:
        node = pending.pop()
        visited += 1
        entries = _resolve(node.get("/Names"))
        if isinstance(entries, ArrayObject):
            for value in entries[1 : 2 * limits.MAX_PDF_ATTACHMENTS : 2]:
                spec = _resolve(value)
                if isinstance(spec, DictionaryObject):
                    yield spec
        kids = _resolve(node.get("/Kids"))
        if isinstance(kids, ArrayObject):
            for kid in kids[: limits.MAX_NAME_TREE_NODES]:
                kid = _resolve(kid)
                if isinstance(kid, DictionaryObject):
                    pending.append(kid)


def ordered_xml_candidates(content: PdfContent) -> list[Attachment]:
    """XML attachments, the one the XMP names first, then the known invoice names."""
    preferred = (content.xmp.document_file_name or "").lower()
    known = [name.lower() for name in INVOICE_FILE_NAMES]

    def rank(attachment: Attachment) -> tuple[int, int]:
        lowered = attachment.name.lower()
        if preferred and lowered == preferred:
            return (0, 0)
        if lowered in known:
            return (1, known.index(lowered))
        return (2, 0)

    xml = [
        attachment
        for attachment in content.attachments
        if attachment.stream is not None
        and (attachment.name.lower().endswith(".xml") or "xml" in attachment.subtype.lower())
    ]
    return sorted(xml, key=rank)


def attachment_bytes(attachment: Attachment) -> bytes:
    """Decompress one attachment, refusing beyond MAX_EMBEDDED_XML_BYTES."""
    if attachment.stream is None:
        return b""
    try:
        with pypdf.apply_configuration(
            zlib_maximum_output_length=limits.MAX_EMBEDDED_XML_BYTES,
            lzw_maximum_output_length=limits.MAX_EMBEDDED_XML_BYTES,
        ):
            data = attachment.stream.get_data()
    except pypdf.errors.LimitReachedError as exc:
        raise PdfUnreadable(
            "SECU-PDF-LIMITE",
            f"Le fichier « {attachment.name} » joint au PDF dépasse "
            f"{limits.MAX_EMBEDDED_XML_BYTES // limits.MiB} Mo une fois décompressé : il est "
            "refusé par sécurité (bombe de décompression).",
        ) from exc
    except Exception as exc:  # a broken filter chain, a bad /Length…
        raise PdfUnreadable(
            "FORMAT-PDF-ILLISIBLE",
            f"Le fichier « {attachment.name} » joint au PDF est illisible : exportez le PDF à "
            "nouveau depuis votre logiciel de facturation.",
        ) from exc
    if len(data) > limits.MAX_EMBEDDED_XML_BYTES:
        raise PdfUnreadable(
            "SECU-PDF-LIMITE",
            f"Le fichier « {attachment.name} » joint au PDF est trop volumineux.",
        )
    return data


def _xmp(catalog: DictionaryObject) -> Xmp:
    metadata = _resolve(catalog.get("/Metadata"))
    if not isinstance(metadata, StreamObject):
        return Xmp(present=False)
    try:
        data = metadata.get_data()
    except pypdf.errors.LimitReachedError:
        raise
    except Exception:  # an undecodable metadata stream is reported, not fatal
        return Xmp(present=True, readable=False)
    if len(data) > limits.MAX_XMP_BYTES:
        return Xmp(present=True, readable=False)
    try:
        root = parse_xml(data.strip(b"\x00 \r\n\t"))
    except XmlRefused:
        return Xmp(present=True, readable=False)
    return read_xmp(root)


def read_xmp(root: etree._Element) -> Xmp:
    """Factur-X fields, written as elements or as attributes of rdf:Description."""
    xmp = Xmp(present=True)
    fields = {
        "ConformanceLevel": "conformance_level",
        "DocumentFileName": "document_file_name",
        "DocumentType": "document_type",
        "Version": "version",
    }
    for element in root.iter(etree.Element):
        qname = etree.QName(element)
        if qname.namespace in FX_NAMESPACES and qname.localname in fields:
            setattr(xmp, fields[qname.localname], (element.text or "").strip())
            xmp.fx_namespace = qname.namespace
        elif qname.namespace == NS_PDFAID and qname.localname == "part":
            xmp.pdfa_part = (element.text or "").strip()
        for key, value in element.attrib.items():
            attribute = etree.QName(key)
            if attribute.namespace in FX_NAMESPACES and attribute.localname in fields:
                setattr(xmp, fields[attribute.localname], value.strip())
                xmp.fx_namespace = attribute.namespace
            elif attribute.namespace == NS_PDFAID and attribute.localname == "part":
                xmp.pdfa_part = value.strip()
    return xmp


def page_texts(reader: pypdf.PdfReader) -> Iterator[str]:
    """Text of the first pages, bounded in pages and characters."""
    budget = limits.MAX_TEXT_CHARS
    for page in reader.pages[: limits.MAX_TEXT_PAGES]:
        if budget <= 0:
            return
        try:
            text = page.extract_text() or ""
        except Exception:  # a broken page must not break the hints
            logger.debug("text extraction failed on a page", exc_info=True)
            continue
        yield text[:budget]
        budget -= len(text)
