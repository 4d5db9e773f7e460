"""A supplier's own software produced a Factur-X or a CII file: uploaded on the portal, it is
deposited (status DEPOSEE) and kept byte for byte as the legal original; a second upload of the
same number is refused as a duplicate and leaves the first invoice untouched."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from facturx import get_xml_from_pdf

from invoices.choices import Channel, DocumentRole
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from invoices.services import facturx_pdf, invoice_deposit
from tests.invoices.conftest import valid_data

pytestmark = pytest.mark.django_db
URL = "/factures/deposer/"


@pytest.fixture
def software_invoice(acme, alice, beaufort, django_capture_on_commit_callbacks):
    """The Factur-X and CII XML of an ACME → Beaufort invoice, as the supplier's software made them."""
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_deposit(
            supplier=acme,
            data=valid_data(number="LOGICIEL-1"),
            actor=alice,
            channel=Channel.SAISIE_PORTAIL,
        )
    document = invoice.documents.get(role=DocumentRole.INVOICE)
    with document.file.open("rb") as handle:
        pdf = handle.read()
    _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    return invoice, pdf, xml


def _renumber(xml: bytes, number: str) -> bytes:
    # BT-1 is the first ram:ID of rsm:ExchangedDocument
    return re.sub(rb"(<rsm:ExchangedDocument>\s*<ram:ID>)[^<]+", rb"\g<1>" + number.encode(), xml, count=1)


def _upload(client, name: str, content: bytes):
    return client.post(URL, {"files": [SimpleUploadedFile(name, content)]}, follow=True)


def test_uploaded_cii_is_deposited_and_kept_byte_for_byte(client, alice, acme, software_invoice):
    # Given the CII XML of a new invoice from the supplier's software
    _first, _pdf, xml = software_invoice
    cii = _renumber(xml, "LOGICIEL-2")
    client.force_login(alice)
    # When it is uploaded
    response = _upload(client, "LOGICIEL-2.xml", cii)
    # Then it is deposited at once, with its identifier, and the file is the legal original
    body = response.content.decode()
    invoice = Invoice.objects.get(supplier=acme, number="LOGICIEL-2")
    assert "déposée" in body and str(invoice.pk) in body
    assert invoice.status in (
        InvoiceStatus.DEPOSEE,
        InvoiceStatus.MISE_A_DISPOSITION,
        InvoiceStatus.EN_COURS_ACHEMINEMENT,
    )
    assert invoice.channel == Channel.UPLOAD_PORTAIL
    assert invoice.recipient.siret == "21490244700017"
    assert invoice.recipient_service.code == "FINANCES"
    original = invoice.documents.get(role=DocumentRole.INVOICE)
    with original.file.open("rb") as handle:
        assert handle.read() == cii
    import hashlib

    assert invoice.fingerprint == hashlib.sha256(cii).hexdigest()


def test_uploaded_facturx_is_deposited(client, alice, acme, software_invoice):
    first, _pdf, xml = software_invoice
    renumbered = _renumber(xml, "LOGICIEL-3")
    pdf = facturx_pdf(
        invoice=first, lines=list(first.lines.all()), vat_lines=list(first.vat_lines.all()), xml=renumbered
    )
    client.force_login(alice)
    _upload(client, "LOGICIEL-3.pdf", pdf)
    invoice = Invoice.objects.get(supplier=acme, number="LOGICIEL-3")
    assert invoice.source_format == "FACTURX_PDF"
    assert invoice.total_ttc == first.total_ttc


def test_second_upload_of_the_same_number_is_refused_as_duplicate(client, alice, acme, software_invoice):
    # Given an invoice already deposited
    first, pdf, _xml = software_invoice
    before = Invoice.objects.values().get(pk=first.pk)
    client.force_login(alice)
    # When its Factur-X is uploaded again
    body = _upload(client, "LOGICIEL-1.pdf", pdf).content.decode()
    # Then it is refused as a duplicate and the original is untouched
    assert "refusée" in body and "CPRO-DOUBLON" in body
    assert Invoice.objects.filter(supplier=acme, number="LOGICIEL-1").count() == 1
    assert Invoice.objects.values().get(pk=first.pk) == before


def test_invoice_of_another_seller_is_refused(client, bob, software_invoice):
    # Given ACME's invoice file in the hands of another supplier
    _first, _pdf, xml = software_invoice
    client.force_login(bob)
    body = _upload(client, "LOGICIEL-4.xml", _renumber(xml, "LOGICIEL-4")).content.decode()
    # Then the portal refuses it: the seller's SIRET (BT-30) is not the depositor's
    assert "CPRO-FOURNISSEUR-DIFFERENT" in body
    assert not Invoice.objects.filter(number="LOGICIEL-4").exists()
