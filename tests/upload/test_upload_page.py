"""A supplier deposits invoice files on the portal and gets, within the request, a complete
verdict for each file."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.choices import Channel, DocumentRole
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice

# The corpus lives beside the repository; CHORUS_CORPUS points to it from a worktree elsewhere.
CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)
URL = "/factures/deposer/"

pytestmark = pytest.mark.django_db


def _upload(client, *files: tuple[str, bytes]):
    return client.post(URL, {"files": [SimpleUploadedFile(n, c) for n, c in files]}, follow=True)


def test_buyer_cannot_reach_the_supplier_upload_page(client, carla):
    client.force_login(carla)
    assert client.get(URL).status_code == 404


def test_upload_page_explains_accepted_formats(client, alice):
    client.force_login(alice)
    body = client.get(URL).content.decode()
    assert "Factur-X" in body and "UBL 2.1" in body and "CII D16B" in body and "ZIP" in body


def test_unsupported_format_is_refused_naming_what_was_recognised(client, alice):
    # Given an official Italian FatturaPA invoice
    fattura = next((CORPUS / "other" / "fatturapa").glob("*.xml"))
    client.force_login(alice)
    # When ACME's manager uploads it
    response = _upload(client, (fattura.name, fattura.read_bytes()))
    # Then it is refused, the page says what was recognised and what is accepted
    body = response.content.decode()
    assert response.status_code == 200
    assert "refusée" in body
    assert "FatturaPA" in body
    assert "Factur-X" in body
    assert not Invoice.objects.exists()


def test_every_error_of_a_file_is_listed_not_only_the_first(client, alice):
    # Given an invoice whose seller is another company and whose buyer is unknown to the portal
    xml = (CORPUS / "cii" / "valid" / "en16931-examples" / "CII_example1.xml").read_bytes()
    client.force_login(alice)
    response = _upload(client, ("CII_example1.xml", xml))
    body = response.content.decode()
    # Then several Chorus Pro rules are reported at once, each with its rule id
    assert "refusée" in body
    assert body.count("<code>") >= 2
    assert "CPRO-" in body
    assert not Invoice.objects.filter(status=InvoiceStatus.DEPOSEE).exists()


def test_plain_pdf_opens_a_draft_to_complete_with_the_pdf_as_legal_document(client, alice, acme):
    # Given a real PDF invoice with no embedded XML
    pdf = next((CORPUS / "other" / "unstructured-pdf").glob("*.pdf"))
    content = pdf.read_bytes()
    client.force_login(alice)
    # When it is uploaded
    response = _upload(client, (pdf.name, content))
    # Then a draft (not sent) is opened, the PDF kept byte for byte as its legal document
    assert "à compléter" in response.content.decode()
    draft = Invoice.objects.get(supplier=acme)
    assert draft.status == InvoiceStatus.BROUILLON
    assert draft.channel == Channel.DEPOT_PDF_PORTAIL
    document = draft.documents.get(role=DocumentRole.INVOICE)
    with document.file.open("rb") as handle:
        assert handle.read() == content


def test_zip_batch_gives_one_verdict_per_file(client, alice):
    fattura = next((CORPUS / "other" / "fatturapa").glob("*.xml")).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", fattura)
        archive.writestr("b.txt", b"ceci n'est pas une facture")
    client.force_login(alice)
    body = _upload(client, ("lot.zip", buffer.getvalue())).content.decode()
    assert "lot.zip › a.xml" in body and "lot.zip › b.txt" in body
    assert body.count("— refusée") == 2


def test_empty_file_is_refused_with_a_clear_message(client, alice):
    client.force_login(alice)
    body = _upload(client, ("vide.pdf", b"")).content.decode()
    assert "refusée" in body
    assert "vide" in body


def test_no_file_selected_is_a_form_error(client, alice):
    client.force_login(alice)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Choisissez au moins un fichier" in response.content.decode()


def test_oversized_upload_is_cut_and_refused(client, alice, monkeypatch):
    # Given an upload larger than a deposit may be (the limit is lowered for the test)
    monkeypatch.setattr("invoices.upload_views.MAX_REQUEST_BYTES", 1024 * 1024)
    client.force_login(alice)
    response = _upload(client, ("enorme.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)))
    # Then it is refused with a clear message and nothing is stored
    assert response.status_code == 413
    assert "déposez vos factures en plusieurs fois" in response.content.decode()
    assert not Invoice.objects.exists()
