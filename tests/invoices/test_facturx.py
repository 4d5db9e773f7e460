"""The invoice document: a Factur-X PDF (PDF/A-3, profile EN 16931) whose embedded XML is exactly
the CII XML generated from the invoice, valid against the official XSD and EN 16931 rules."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from invoices.choices import DocumentRole
from invoices.cii import invoice_cii_xml
from invoices.data import LineData
from invoices.models import Document
from invoices.services import (
    DocumentIntegrityError,
    deposit_certificate_pdf,
    invoice_deposit,
    invoice_draft_save,
    invoice_generate_document,
    invoice_send,
)
from tests.invoices.conftest import CORPUS, valid_data
from tests.invoices.en16931 import FACTURX_XSLT, blocking, schematron_failures, xsd_errors

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def sent(world, **overrides):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(**overrides), actor=world["alice"])
    return invoice_send(invoice=draft, actor=world["alice"])


def generated_xml(invoice) -> bytes:
    return invoice_cii_xml(
        invoice=invoice, lines=list(invoice.lines.all()), vat_lines=list(invoice.vat_lines.all())
    )


def legal_pdf(invoice) -> bytes:
    document = Document.objects.get(invoice=invoice, role=DocumentRole.INVOICE)
    with document.file.open("rb") as handle:
        return handle.read()


def test_corpus_is_available():
    assert (CORPUS / "schemas" / "facturx-1.09" / "en16931" / "Factur-X_EN16931.xsd").is_file()
    assert (CORPUS / "validation" / "en16931-1.3.16" / "EN16931-CII-validation.xslt").is_file()


def test_generated_facturx_embeds_exactly_the_xml_of_the_fingerprint(world):
    # Given an invoice with three lines at two VAT rates, sent by alice
    invoice = sent(world)
    # When its legal document is read (written by the portal when it was sent)
    invoice_generate_document(invoice_id=invoice.pk)  # nothing left to do: it exists
    pdf = legal_pdf(invoice)
    # Then the XML extracted back from the PDF is byte for byte the one rebuilt from the invoice
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml == generated_xml(invoice)
    # and the SHA-256 of the document as served is the fingerprint printed on the deposit
    # certificate, shown on the pages and given by the API: one fingerprint per invoice
    assert hashlib.sha256(pdf).hexdigest() == invoice.fingerprint
    # and the stored file's own SHA-256 is recorded for the download check
    document = Document.objects.get(invoice=invoice, role=DocumentRole.INVOICE)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest() and document.size == len(pdf)
    assert document.content_type == "application/pdf" and document.name == "facture-F-2026-0001.pdf"


def test_generated_xml_passes_the_factur_x_xsd_and_the_en16931_rules(world):
    invoice = sent(world)
    xml = generated_xml(invoice)
    assert xsd_errors(xml) == []
    assert blocking(schematron_failures(xml)) == []
    assert blocking(schematron_failures(xml, FACTURX_XSLT)) == []


def test_generated_xml_carries_the_chorus_routing_data(world):
    invoice = sent(world, engagement_number="EJ-2026-42", market_number="MAPA-2025-12")
    root = etree.fromstring(generated_xml(invoice))
    agreement = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement", NS)
    buyer_id = agreement.find("ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", NS)
    seller_id = agreement.find("ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert (buyer_id.text, buyer_id.get("schemeID")) == ("21490244700017", "0009")  # BT-47
    assert (seller_id.text, seller_id.get("schemeID")) == ("81234567600017", "0009")  # BT-30
    assert agreement.findtext("ram:BuyerReference", namespaces=NS) == "FINANCES"  # BT-10
    assert (
        agreement.findtext("ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", namespaces=NS)
        == "EJ-2026-42"
    )
    assert (
        agreement.findtext("ram:ContractReferencedDocument/ram:IssuerAssignedID", namespaces=NS)
        == "MAPA-2025-12"
    )
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "380"


def test_pdf_declares_pdfa3_and_attaches_factur_x_xml_as_data(world):
    invoice = sent(world)
    invoice_generate_document(invoice_id=invoice.pk)
    reader = PdfReader(io.BytesIO(legal_pdf(invoice)))
    # PDF/A-3 declared in the XMP metadata (pdfaid:part 3)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp
    assert "EN 16931" in xmp
    # factur-x.xml attached with AFRelationship Data (or Alternative)
    files = reader.trailer["/Root"]["/AF"]
    specs = {f.get_object()["/F"]: f.get_object() for f in files}
    assert "factur-x.xml" in specs
    assert specs["factur-x.xml"]["/AFRelationship"] in ("/Data", "/Alternative")


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"currency": "USD", "exchange_rate": Decimal("0.92")}, id="devise-etrangere"),
        pytest.param(
            {
                "vat_regime": "EXONERATION",
                "vat_exemption_reason": "TVA non applicable, art. 293 B du CGI",
                "lines": [
                    LineData(
                        designation="Formation",
                        quantity=Decimal(2),
                        unit_price=Decimal(300),
                        vat_rate=Decimal(0),
                        unit="DAY",
                    )
                ],
            },
            id="exoneration",
        ),
        pytest.param(
            {"framework": "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", "prepaid_amount": Decimal("235.25")},
            id="A2-deja-payee",
        ),
        pytest.param(
            {
                "global_discount": Decimal("10"),
                "global_discount_reason": "Fidélité",
                "payment_mode": "CHEQUE",
                "iban": "",
            },
            id="remise-globale",
        ),
        pytest.param(
            {
                "vat_regime": "TVA_SUR_ENCAISSEMENT",
                "lines": [
                    LineData(
                        designation="Maintenance",
                        quantity=Decimal("1.5"),
                        unit_price=Decimal("100"),
                        vat_rate=Decimal("13"),
                        vat_rate_manual=True,
                    ),
                    LineData(
                        designation="Retour",
                        quantity=Decimal(-1),
                        unit_price=Decimal("10"),
                        vat_rate=Decimal("20"),
                    ),
                ],
            },
            id="taux-manuel-et-quantite-negative",
        ),
        pytest.param({"kind": "ACOMPTE", "payment_mode": ""}, id="acompte-sans-mode-de-paiement"),
    ],
)
def test_variants_pass_the_en16931_rules(world, overrides):
    xml = generated_xml(sent(world, **overrides))
    assert xsd_errors(xml) == []
    assert blocking(schematron_failures(xml)) == []


def test_credit_note_is_type_381_with_the_original_reference(world):
    original = sent(world)
    credit = sent(
        world,
        kind="AVOIR",
        number="AV-2026-1",
        original_invoice_number="F-2026-0001",
        lines=[
            LineData(
                designation="Retour papier",
                quantity=Decimal(2),
                unit_price=Decimal("4.99"),
                vat_rate=Decimal(20),
            )
        ],
    )
    root = etree.fromstring(generated_xml(credit))
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    reference = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument", NS)
    assert reference.findtext("ram:IssuerAssignedID", namespaces=NS) == "F-2026-0001"
    assert reference.findtext(
        "ram:FormattedIssueDateTime/*", namespaces=NS
    ) == original.invoice_date.strftime("%Y%m%d")
    assert blocking(schematron_failures(generated_xml(credit))) == []


def test_generation_is_idempotent(world):
    invoice = sent(world)
    invoice_generate_document(invoice_id=invoice.pk)
    invoice_generate_document(invoice_id=invoice.pk)
    assert Document.objects.filter(invoice=invoice, role=DocumentRole.INVOICE).count() == 1


def test_no_document_is_generated_for_a_draft(world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    invoice_generate_document(invoice_id=draft.pk)
    assert not Document.objects.filter(invoice=draft).exists()


def test_the_invoice_does_not_change_when_the_supplier_moves_later(world):
    invoice = sent(world)
    acme = world["acme"]
    acme.name, acme.city = "ACME Fournitures SAS", "Paris"
    acme.save()
    invoice_generate_document(invoice_id=invoice.pk)
    pdf = legal_pdf(invoice)
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert hashlib.sha256(pdf).hexdigest() == invoice.fingerprint
    assert xml == generated_xml(invoice)
    assert b"ACME Fournitures SAS" not in xml


def test_a_tampered_invoice_is_not_given_a_document_that_disagrees_with_its_certificate(world):
    from invoices.models import Invoice
    from invoices.services import invoice_deposit_record

    # An invoice recorded without its Factur-X yet (demo data; invoices sent before the portal
    # wrote the document at deposit): the workflow writes it, from the stored data, only if they
    # still give the CII XML whose SHA-256 stands as its fingerprint until then
    invoice = invoice_deposit_record(
        supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    Invoice.objects.filter(pk=invoice.pk).update(engagement_number="MODIFIE")
    with pytest.raises(DocumentIntegrityError):
        invoice_generate_document(invoice_id=invoice.pk)
    assert not Document.objects.filter(invoice=invoice).exists()


def test_deposit_certificate_states_identifier_date_fingerprint_parties_and_amounts(world):
    invoice = sent(world)
    pdf = deposit_certificate_pdf(invoice=invoice)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Accusé de dépôt" in flat
    assert str(invoice.pk) in flat
    assert invoice.fingerprint[:32] in flat.replace(" ", "")
    assert "ACME Fournitures" in flat and "Commune de Beaufort-en-Anjou" in flat
    assert "235,25" in flat
    from django.utils import timezone

    assert timezone.localtime(invoice.deposited_at).strftime("%d/%m/%Y") in flat


def test_deposited_original_is_the_legal_document_byte_for_byte(world):
    original = b"%PDF-1.7\n% facture deposee telle quelle\n" + bytes(range(256)) * 4
    invoice = invoice_deposit(
        supplier=world["acme"],
        data=valid_data(),
        actor=world["alice"],
        channel="DEPOT_PDF_PORTAIL",
        original=("Facture F-2026-0001.pdf", original, "application/pdf"),
    )
    document = Document.objects.get(invoice=invoice, role=DocumentRole.INVOICE)
    with document.file.open("rb") as handle:
        assert handle.read() == original
    assert invoice.fingerprint == document.sha256 == hashlib.sha256(original).hexdigest()
    assert document.name == "Facture F-2026-0001.pdf"
    # and no Factur-X is generated on top of it
    invoice_generate_document(invoice_id=invoice.pk)
    assert Document.objects.filter(invoice=invoice, role=DocumentRole.INVOICE).count() == 1


def test_refused_deposit_stores_nothing(world, settings):
    from pathlib import Path

    from invoices.checks import InvoiceRejected
    from invoices.models import Invoice

    with pytest.raises(InvoiceRejected):
        invoice_deposit(
            supplier=world["acme"],
            data=valid_data(service_code=""),
            actor=world["alice"],
            channel="DEPOT_PDF_PORTAIL",
            original=("f.pdf", b"%PDF-1.7 x", "application/pdf"),
        )
    assert not Invoice.objects.exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_api_deposit_without_a_file_gets_the_generated_facturx_after_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_deposit(
            supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="DEPOT_PDF_API"
        )
    pdf = legal_pdf(invoice)
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert hashlib.sha256(pdf).hexdigest() == invoice.fingerprint
    assert xml == generated_xml(invoice)


def test_a_parsed_invoice_maps_back_onto_the_same_data(world):
    """Round trip: the CII XML the portal writes, read back by the validation engine and mapped
    with ``invoice_data_from_parsed``, passes the same checks with the same totals."""
    from invoices.checks import invoice_data_check
    from invoices.data import invoice_data_from_parsed
    from invoices.validation.extract import parse_invoice

    invoice = sent(world, number="F-2026-0007", engagement_number="EJ-9")
    parsed = parse_invoice(etree.fromstring(generated_xml(invoice)))
    data = invoice_data_from_parsed(parsed, channel="UPLOAD_PORTAIL", source_format="CII")
    data.number = "F-2026-0008"  # the same data under a new number is not a duplicate
    assert (data.recipient_siret, data.service_code, data.engagement_number) == (
        "21490244700017",
        "FINANCES",
        "EJ-9",
    )
    assert data.declared_total_ttc == invoice.total_ttc and data.iban == invoice.iban
    assert invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"]) == []
    assert data.totals().total_ttc == invoice.total_ttc


def _draft_with_deposited_pdf(world, content: bytes, number: str = "F-2026-0001"):
    """A draft opened from a deposited PDF (what the upload of a plain PDF does): its legal
    document is that PDF, stored under its SHA-256."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    sha = hashlib.sha256(content).hexdigest()
    name = f"documents/originaux/{sha[:2]}/{sha}.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(number=number), actor=world["alice"])
    Document.objects.create(
        invoice=draft,
        role=DocumentRole.INVOICE,
        file=name,
        name="scan.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=sha,
    )
    return draft, name


def test_sending_a_draft_opened_from_a_deposited_pdf_keeps_that_pdf_as_legal_document(world):
    content = b"%PDF-1.4\n% facture PDF deposee\n"
    draft, _name = _draft_with_deposited_pdf(world, content)
    invoice = invoice_send(invoice=draft, actor=world["alice"])
    assert invoice.fingerprint == hashlib.sha256(content).hexdigest()
    invoice_generate_document(invoice_id=invoice.pk)
    assert Document.objects.filter(invoice=invoice, role=DocumentRole.INVOICE).count() == 1


def test_deleting_a_draft_keeps_an_original_shared_with_a_sent_invoice(
    world, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from invoices.services import invoice_draft_delete

    content = b"%PDF-1.4\n% le meme PDF depose deux fois\n"
    first, name = _draft_with_deposited_pdf(world, content)
    invoice_send(invoice=first, actor=world["alice"])
    second, same = _draft_with_deposited_pdf(world, content, number="F-2026-0002")
    assert same == name
    with django_capture_on_commit_callbacks(execute=True):
        invoice_draft_delete(invoice=second, actor=world["alice"])
    assert default_storage.exists(name)
