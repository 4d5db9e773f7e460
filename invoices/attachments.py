"""Supporting documents: Chorus Pro's rules (reference §5.3) and the file type read from content.

A name is at most 50 characters, extension included, with an allowed extension; each file is
non-empty and under 10 MB; the invoice and its attachments are at most 120 MB together. The
extension alone proves nothing: the first bytes must match it (a ``.pdf`` must start with
``%PDF-``, a ``.txt`` must be text…), otherwise the file is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .choices import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX_LENGTH,
    DEPOSIT_MAX_BYTES,
)
from .errors import CheckError

FIELD = "attachments"
HEAD_BYTES = 8192

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Microsoft Office (doc, xls, ppt…)
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # zip, and OOXML / OpenDocument containers
TIFF = (b"II*\x00", b"MM\x00*")

# Extension -> (accepted signatures, content type served on download). ``None`` = text.
_SIGNATURES: dict[str, tuple[tuple[bytes, ...] | None, str]] = {
    "pdf": ((b"%PDF-",), "application/pdf"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "gif": ((b"GIF87a", b"GIF89a"), "image/gif"),
    "bmp": ((b"BM",), "image/bmp"),
    "tif": (TIFF, "image/tiff"),
    "tiff": (TIFF, "image/tiff"),
    "fax": (TIFF, "image/tiff"),
    "zip": (ZIP, "application/zip"),
    "docx": (ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (ZIP, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": (ZIP, "application/vnd.oasis.opendocument.text"),
    "ods": (ZIP, "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": (ZIP, "application/vnd.oasis.opendocument.presentation"),
    "doc": ((OLE2,), "application/msword"),
    "xls": ((OLE2,), "application/vnd.ms-excel"),
    "xlc": ((OLE2, b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08"), "application/vnd.ms-excel"),
    "xlm": ((OLE2, b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08"), "application/vnd.ms-excel"),
    "ppt": ((OLE2,), "application/vnd.ms-powerpoint"),
    "pps": ((OLE2,), "application/vnd.ms-powerpoint"),
    "gz": ((b"\x1f\x8b",), "application/gzip"),
    "gzip": ((b"\x1f\x8b",), "application/gzip"),
    "tgz": ((b"\x1f\x8b",), "application/gzip"),
    "bz2": ((b"BZh",), "application/x-bzip2"),
    "rtf": ((b"{\\rtf",), "application/rtf"),
    # A CMS signature: DER (an ASN.1 SEQUENCE) or PEM.
    "p7s": ((b"\x30", b"-----BEGIN"), "application/pkcs7-signature"),
    "txt": (None, "text/plain"),
    "csv": (None, "text/csv"),
    "xml": (None, "application/xml"),
    "svg": (None, "image/svg+xml"),
    "htm": (None, "text/html"),
    "html": (None, "text/html"),
    "xhtml": (None, "application/xhtml+xml"),
}
_MARKUP = frozenset({"xml", "svg", "htm", "html", "xhtml"})
# Executables and archives that a renamed text file must not be.
_BINARY_SIGNATURES = (b"MZ", b"\x7fELF", b"%PDF-", *ZIP, OLE2)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def content_type_for(name: str) -> str:
    return _SIGNATURES.get(extension_of(name), ((), "application/octet-stream"))[1]


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head or head.startswith(_BINARY_SIGNATURES):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            # The head may cut a multi-byte UTF-8 character in two: ignore the last 3 bytes.
            head[: max(len(head) - 3, 0)].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def content_matches_extension(*, extension: str, head: bytes) -> bool:
    signatures, _type = _SIGNATURES[extension]
    if signatures is not None:
        return head.startswith(signatures)
    if not _looks_like_text(head):
        return False
    if extension in _MARKUP:
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if not text.startswith(b"<"):
            return False
        if extension == "svg":
            return b"<svg" in head.lower()
    return True


def attachment_errors(*, name: str, size: int, head: bytes) -> list[CheckError]:
    """Errors of one attachment, from its name, size and first bytes (at least HEAD_BYTES)."""
    extension = extension_of(name)
    if len(name) > ATTACHMENT_NAME_MAX_LENGTH:
        return [
            CheckError(
                code="CPRO-PJ-NOM",
                field=FIELD,
                value=name,
                message=_(
                    "Le nom du fichier « %(name)s » dépasse %(max)d caractères (extension comprise) : "
                    "renommez-le plus court avant de le joindre."
                )
                % {"name": name, "max": ATTACHMENT_NAME_MAX_LENGTH},
            )
        ]
    if extension not in ATTACHMENT_EXTENSIONS:
        return [
            CheckError(
                code="CPRO-PJ-EXTENSION",
                field=FIELD,
                value=name,
                message=_(
                    "Le fichier « %(name)s » n'a pas une extension acceptée. Extensions acceptées : %(list)s."
                )
                % {"name": name, "list": ", ".join(sorted(ATTACHMENT_EXTENSIONS))},
            )
        ]
    if size == 0:
        return [
            CheckError(
                code="CPRO-PJ-VIDE",
                field=FIELD,
                value=name,
                message=_("Le fichier « %(name)s » est vide : joignez le bon fichier.") % {"name": name},
            )
        ]
    if size > ATTACHMENT_MAX_BYTES:
        return [
            CheckError(
                code="CPRO-PJ-TAILLE",
                field=FIELD,
                value=name,
                message=_(
                    "Le fichier « %(name)s » pèse %(size)s Mo : chaque pièce jointe doit faire moins de "
                    "10 Mo. Compressez-le ou découpez-le."
                )
                % {"name": name, "size": f"{size / 1024 / 1024:.1f}".replace(".", ",")},
            )
        ]
    if not content_matches_extension(extension=extension, head=head):
        return [
            CheckError(
                code="CPRO-PJ-TYPE",
                field=FIELD,
                value=name,
                message=_(
                    "Le contenu du fichier « %(name)s » ne correspond pas à son extension "
                    "« .%(ext)s » : joignez un vrai fichier %(upper)s ou renommez-le avec la bonne "
                    "extension."
                )
                % {"name": name, "ext": extension, "upper": extension.upper()},
            )
        ]
    return []


def total_size_error(sizes: Iterable[int]) -> CheckError | None:
    total = sum(sizes)
    if total <= DEPOSIT_MAX_BYTES:
        return None
    return CheckError(
        code="CPRO-PJ-TOTAL",
        field=FIELD,
        value=str(total),
        message=_(
            "La facture et ses pièces jointes pèsent %(size)s Mo : le total ne doit pas dépasser "
            "120 Mo. Retirez ou compressez des pièces jointes."
        )
        % {"size": f"{total / 1024 / 1024:.1f}".replace(".", ",")},
    )
