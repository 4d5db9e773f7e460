"""Real invoices from the shared corpus, deposited end to end: once the buyer named in BT-47 is an
active public structure of the directory and the depositing supplier is the seller of BT-30, a
valid CII, UBL or Factur-X file goes through the four layers and is deposited (DEPOSEE), its
original kept byte for byte as the legal document.

The corpus identifiers are often SIRENs (scheme 0002) or made-up numbers, not valid SIRETs: the
directory holds what it holds, so the structures are created with exactly those identifiers.

Files chosen among the valid corpus for the Chorus Pro rules they meet (EUR, French VAT rates).
Left aside for a sound reason:
- the German ZUGFeRD / XRechnung samples: VAT at 19 % or 7 %, not a French rate, without the
  manual-rate flag a file cannot carry (CPRO-TAUX-TVA);
- ``huf_example_cii.xml``, ``zugferd_2p1_EXTENDED_Fremdwaehrung.pdf``: a currency other than the
  euro without an exchange rate (CPRO-TAUX-CHANGE);
- the files without a buyer legal identifier (BT-47): Chorus Pro cannot route them
  (CPRO-DESTINATAIRE-REQUIS);
- ``UC10_F202600004_EXTENDED_FX_CII_Commentee.xml`` (the only standalone CII of the corpus with
  French rates and a BT-47): its EXTENDED-CTC-FR GROUP lines carry no quantity (BT-129) and their
  DETAIL sub-lines repeat their amounts; the portal's invoice has flat lines, so it refuses the
  quantity-less lines (CPRO-LIGNE-QUANTITE). The CII case deposits instead the CII XML embedded in
  the akretion Factur-X, as a standalone D16B file;
- ``Facture_F20180027.pdf``: its IBAN (BT-84) has a wrong check key (CPRO-IBAN-INVALIDE): Chorus
  Pro refuses bank details it cannot pay to.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from invoices.choices import Channel, DocumentRole
from invoices.intake import document_intake
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import InvoiceAllowanceCharge
from invoices.validation import validate_document
from tests.factories import (
    PublicStructureFactory,
    ServiceFactory,
    SupplierMembershipFactory,
    SupplierStructureFactory,
)
from tests.invoices.conftest import CORPUS

pytestmark = pytest.mark.django_db

CASES = [
    # (file, seller BT-30, buyer BT-47, service BT-10, format, document-level allowances/charges)
    pytest.param(
        "facturx/valid/akretion-fixtures/invoice_EN16931.pdf#factur-x.xml",
        "123456782",
        "987654321",
        "SERVEXEC",
        "CII",
        8,
        id="cii-with-allowances",
    ),
    pytest.param(
        "ubl/valid/akretion-fixtures/ubl-21-en16931.xml",
        "999999998",
        "787878784",
        "120943",
        "UBL_INVOICE",
        3,
        id="ubl-with-allowances",
    ),
    pytest.param(
        "facturx/valid/akretion-fixtures/invoice_EN16931.pdf",
        "123456782",
        "987654321",
        "SERVEXEC",
        "FACTURX_PDF",
        8,
        id="facturx-en16931-with-allowances",
    ),
]


def corpus_file(relative: str) -> tuple[str, bytes]:
    """(name, bytes) of a corpus file; ``file.pdf#factur-x.xml`` is the CII XML a Factur-X embeds."""
    if "#" in relative:
        from facturx import get_xml_from_pdf

        pdf, member = relative.split("#")
        _name, xml = get_xml_from_pdf((CORPUS / pdf).read_bytes(), check_xsd=False)
        return member, xml
    return relative.rsplit("/", 1)[-1], (CORPUS / relative).read_bytes()


def _directory(*, seller: str, buyer: str, service: str):
    """The buyer as an active public structure with its service, and a member of the seller."""
    recipient = PublicStructureFactory(siret=buyer, name="Acheteur du corpus")
    ServiceFactory(structure=recipient, code=service, name="Service du corpus")
    supplier = SupplierStructureFactory(identifier=seller, name="Vendeur du corpus")
    member = SupplierMembershipFactory(structure=supplier)
    return recipient, supplier, member.user


@pytest.mark.parametrize(("relative", "seller", "buyer", "service", "fmt", "adjustments"), CASES)
def test_valid_corpus_invoice_is_deposited_and_kept_byte_for_byte(
    relative, seller, buyer, service, fmt, adjustments
):
    # Given the buyer in the directory and a member of the seller's structure
    recipient, supplier, user = _directory(seller=seller, buyer=buyer, service=service)
    name, content = corpus_file(relative)
    # When the member deposits the file
    outcome = document_intake(
        supplier=supplier, actor=user, name=name, content=content, channel=Channel.UPLOAD_PORTAIL
    )
    # Then it is accepted through the four layers, with no error
    assert outcome.errors == [], [(p.rule_id, p.message) for p in outcome.errors]
    assert outcome.accepted and outcome.format == fmt
    invoice = outcome.invoice
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DEPOSEE
    assert (invoice.supplier, invoice.recipient) == (supplier, recipient)
    assert invoice.recipient_service.code == service
    # And the original is the legal document, byte for byte, and its fingerprint
    original = invoice.documents.get(role=DocumentRole.INVOICE)
    with original.file.open("rb") as handle:
        assert handle.read() == content
    assert invoice.fingerprint == hashlib.sha256(content).hexdigest() == original.sha256
    # And its document-level allowances and charges are stored
    assert InvoiceAllowanceCharge.objects.filter(invoice=invoice).count() == adjustments


def test_deposited_totals_are_those_of_the_file():
    # The akretion Factur-X has 8 document-level allowances and charges at 3 rates
    _recipient, supplier, user = _directory(seller="123456782", buyer="987654321", service="SERVEXEC")
    content = (CORPUS / "facturx/valid/akretion-fixtures/invoice_EN16931.pdf").read_bytes()
    outcome = document_intake(supplier=supplier, actor=user, name="invoice_EN16931.pdf", content=content)
    invoice = outcome.invoice
    parsed = validate_document(content=content, filename="invoice_EN16931.pdf").parsed
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc, invoice.amount_due) == (
        parsed.total_ht,
        parsed.total_vat,
        parsed.total_ttc,
        parsed.amount_due,
    )
    assert {(r.rate.normalize(), r.base, r.amount) for r in invoice.vat_lines.all()} == {
        (r.rate.normalize(), r.base, r.amount) for r in parsed.vat_breakdown
    }
    assert (
        sum((a.amount for a in invoice.allowances_charges.all() if not a.is_charge), Decimal(0))
        == parsed.allowances_total
    )


def test_same_file_from_another_supplier_is_refused_as_not_the_seller():
    # The seller of BT-30 is not the depositing structure: CPRO-FOURNISSEUR-DIFFERENT
    _directory(seller="999999998", buyer="787878784", service="120943")
    other = SupplierStructureFactory()
    user = SupplierMembershipFactory(structure=other).user
    content = (CORPUS / "ubl/valid/akretion-fixtures/ubl-21-en16931.xml").read_bytes()
    outcome = document_intake(supplier=other, actor=user, name="ubl-21-en16931.xml", content=content)
    assert not outcome.accepted
    assert "CPRO-FOURNISSEUR-DIFFERENT" in {p.rule_id for p in outcome.errors}
