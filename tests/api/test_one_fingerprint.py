"""One fingerprint per invoice, everywhere: the SHA-256 of the legal document exactly as served.
An invoice entered as data (web form, ``soumettre``) gets its Factur-X from the portal at deposit;
the deposit certificate, the supplier's and the buyer's pages and the API give the SHA-256 of
that very PDF, and the download re-checks it."""

from __future__ import annotations

import hashlib
import io

import pypdf
from django.urls import reverse

from invoices.choices import DocumentRole
from invoices.services import invoice_deposit, invoice_draft_save, invoice_send
from tests.invoices.conftest import valid_data


def test_the_certificate_the_pages_and_the_api_give_the_served_documents_fingerprint(
    client, api, acme, alice, beaufort, carla, django_capture_on_commit_callbacks
):
    # Given an invoice alice entered with the web form and sent (made available to Beaufort)
    draft = invoice_draft_save(supplier=acme, data=valid_data(), actor=alice)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_send(invoice=draft, actor=alice)
    document = invoice.documents.get(role=DocumentRole.INVOICE)
    # When the buyer downloads the legal document
    client.force_login(carla)
    served = b"".join(
        client.get(reverse("invoices:document_download", args=[invoice.pk, document.pk])).streaming_content
    )
    fingerprint = hashlib.sha256(served).hexdigest()
    # Then its SHA-256 is the fingerprint, everywhere
    assert fingerprint == invoice.fingerprint == document.sha256
    assert fingerprint in client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    client.force_login(alice)
    assert fingerprint in client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    certificate = client.get(reverse("invoices:certificate", args=[invoice.pk]))
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(certificate.content)).pages)
    assert fingerprint[:32] in text.replace(" ", "").replace("\n", "")
    consulted = api.call(
        "/cpro/factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice.pk}, account="TECH-ACME"
    ).json()
    assert fingerprint in str(consulted)


def test_an_api_deposit_answers_with_the_fingerprint_of_its_legal_document(acme, alice, beaufort):
    # Given invoice data deposited through the API (``soumettre``): the portal writes the Factur-X
    invoice = invoice_deposit(supplier=acme, data=valid_data(), actor=alice, channel="SAISIE_API")
    # Then the fingerprint answered at once is the SHA-256 of the PDF that will be served
    document = invoice.documents.get(role=DocumentRole.INVOICE)
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == invoice.fingerprint
