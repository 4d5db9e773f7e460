"""A Factur-X is a PDF/A-3: no JavaScript, no launch action, no embedded executable or web page,
nothing appended after the PDF (issue 19, point 2). Refused on upload and on the API with a French
message naming what was found; a plain PDF with a script is kept (it is never run)."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from cpro.samples import demo_facturx
from invoices.models import Invoice
from invoices.validation import validate_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def facturx(acme, beaufort) -> bytes:
    _name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FX-ACTIF-1"
    )
    return content


def _rewrite(
    pdf: bytes, *, javascript: bool = False, launch: bool = False, attachments: dict[str, bytes] | None = None
) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.launchURL('https://attaquant.example/');"),
            }
        )
    if launch:
        writer.pages[0][NameObject("/AA")] = DictionaryObject(
            {
                NameObject("/O"): DictionaryObject(
                    {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
                )
            }
        )
    for name, data in (attachments or {}).items():
        writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOSTILE_FILES = {
    "malware.exe": b"MZ\x90\x00\x03" + b"\x00" * 100,
    "page.html": b"<html><script>x()</script></html>",
}


def test_facturx_with_javascript_and_embedded_programs_is_refused_naming_them(facturx):
    # Given the clean Factur-X is accepted
    assert validate_document(facturx, "facture.pdf").ok
    # When it carries an /OpenAction JavaScript, a malware.exe and a page.html
    hostile = _rewrite(facturx, javascript=True, attachments=HOSTILE_FILES)
    verdict = validate_document(hostile, "facture.pdf")
    # Then it is refused, and the message says what was found
    assert not verdict.ok
    messages = " ".join(issue.message for issue in verdict.errors)
    assert "SECU-PDF-ACTIF" in verdict.rule_ids and "SECU-PDF-FICHIER-JOINT" in verdict.rule_ids
    assert "JavaScript" in messages and "/OpenAction" in messages
    assert "malware.exe" in messages and "page.html" in messages


def test_facturx_with_a_launch_action_is_refused(facturx):
    verdict = validate_document(_rewrite(facturx, launch=True), "facture.pdf")
    assert "SECU-PDF-ACTIF" in verdict.rule_ids
    assert "/Launch" in " ".join(issue.message for issue in verdict.errors)


def test_facturx_with_a_zip_appended_is_refused_as_a_polyglot(facturx):
    # Given a Factur-X with a ZIP archive glued after its end
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("charge.js", "alert(1)")
    verdict = validate_document(facturx + archive.getvalue(), "facture.pdf")
    # Then it is refused, saying why
    assert "SECU-PDF-POLYGLOTTE" in verdict.rule_ids
    assert "archive ZIP" in " ".join(issue.message for issue in verdict.errors)


def test_plain_pdf_with_a_script_is_kept_as_a_plain_pdf(facturx):
    # Given a PDF without invoice XML, with a script (a scanned invoice from a careless tool)
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
    )
    out = io.BytesIO()
    writer.write(out)
    verdict = validate_document(out.getvalue(), "scan.pdf")
    # Then it stays acceptable as a plain PDF (its data are entered in the form; it is never run)
    assert not verdict.structured
    assert not any(rule.startswith("SECU-PDF-") for rule in verdict.rule_ids)


def test_upload_page_refuses_the_hostile_facturx(client, alice, facturx):
    client.force_login(alice)
    hostile = _rewrite(facturx, javascript=True, attachments=HOSTILE_FILES)
    response = client.post(
        "/factures/deposer/", {"files": [SimpleUploadedFile("FX-ACTIF-1.pdf", hostile)]}, follow=True
    )
    body = response.content.decode()
    assert "malware.exe" in body and "JavaScript" in body
    assert not Invoice.objects.filter(number="FX-ACTIF-1").exists()


def test_api_refuses_the_hostile_facturx(api, facturx, django_capture_on_commit_callbacks):
    hostile = _rewrite(facturx, javascript=True, attachments=HOSTILE_FILES)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            "/cpro/factures/v1/deposer/flux",
            {
                "fichierFlux": base64.b64encode(hostile).decode(),
                "nomFichier": "FX-ACTIF-1.pdf",
                "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            },
        )
    number = response.json()["numeroFluxDepot"]
    report = api.call("/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}).json()
    assert report["etatCourantDepotFlux"] == "IN_REJETE", report
    assert "malware.exe" in str(report) and "JavaScript" in str(report)
    assert not Invoice.objects.filter(number="FX-ACTIF-1").exists()
