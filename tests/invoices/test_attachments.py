"""Attachments follow Chorus Pro's rules (reference §5.3); their type is read from their content."""

from __future__ import annotations

import pytest

from invoices.attachments import attachment_errors, content_matches_extension, total_size_error
from invoices.choices import ATTACHMENT_MAX_BYTES, DEPOSIT_MAX_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
ZIP = b"PK\x03\x04" + b"\x00" * 20
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("bon-de-commande.pdf", b"%PDF-1.7\n"),
        ("photo.JPG", b"\xff\xd8\xff\xe0"),
        ("plan.png", PNG),
        ("annexe.docx", ZIP),
        ("tableau.xlsx", ZIP),
        ("ancien.doc", OLE),
        ("releve.csv", b"date;montant\n2026-01-02;12,50\n"),
        ("notes.txt", "Livraison effectuée le 3 mars.".encode("cp1252")),
        ("donnees.xml", b'\xef\xbb\xbf<?xml version="1.0"?><a/>'),
        ("schema.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("archive.tgz", b"\x1f\x8b\x08\x00"),
        ("signature.p7s", b"\x30\x82\x05\x00"),
    ],
)
def test_accepted_attachments(name, head):
    assert attachment_errors(name=name, size=len(head), head=head) == []


@pytest.mark.parametrize(
    ("name", "size", "head", "code"),
    [
        ("x" * 47 + ".pdf", 10, b"%PDF-1.4", "CPRO-PJ-NOM"),  # 51 characters with the extension
        ("programme.exe", 10, b"MZ\x90\x00", "CPRO-PJ-EXTENSION"),
        ("sans-extension", 10, b"%PDF-1.4", "CPRO-PJ-EXTENSION"),
        ("vide.pdf", 0, b"", "CPRO-PJ-VIDE"),
        ("gros.pdf", ATTACHMENT_MAX_BYTES + 1, b"%PDF-1.4", "CPRO-PJ-TAILLE"),
        ("facture.pdf", 10, b"MZ\x90\x00\x03", "CPRO-PJ-TYPE"),  # an executable renamed .pdf
        ("image.png", 10, b"GIF89a", "CPRO-PJ-TYPE"),
        ("notes.txt", 10, b"MZ\x90\x00\x03\x00\x00", "CPRO-PJ-TYPE"),
        ("notes.txt", 10, b"abc\x00\x00def", "CPRO-PJ-TYPE"),
        ("page.html", 10, b"%PDF-1.4 <html>", "CPRO-PJ-TYPE"),
    ],
)
def test_refused_attachments_name_the_file_and_say_what_to_do(name, size, head, code):
    errors = attachment_errors(name=name, size=size, head=head)
    assert [(e.code, e.field, e.value) for e in errors] == [(code, "attachments", name)]
    assert name in errors[0].message


def test_name_of_exactly_50_characters_is_accepted():
    name = "x" * 46 + ".pdf"
    assert len(name) == 50
    assert attachment_errors(name=name, size=9, head=b"%PDF-1.4\n") == []


def test_total_of_invoice_and_attachments_is_capped_at_120_mb():
    assert total_size_error([DEPOSIT_MAX_BYTES - 10, 10]) is None
    error = total_size_error([DEPOSIT_MAX_BYTES - 10, 11])
    assert error is not None and error.code == "CPRO-PJ-TOTAL" and "120 Mo" in error.message


def test_svg_must_contain_an_svg_element():
    assert not content_matches_extension(extension="svg", head=b"<?xml version='1.0'?><html/>")
