"""A supplier established abroad deposits its invoices under its own VAT law.

Nordlicht Bürobedarf GmbH (demo data: ``UE_HORS_FRANCE``, DE136469057, technical account
TECH-NORDLICHT) deposits official EN 16931 examples in Norwegian kroner (CII) and Danish kroner
(UBL), at Norwegian and Danish rates, whose seller VAT number (BT-31) is set to its own: through
the API's ``deposer/flux`` and through the upload page. A French seller keeps the CGI rates and the
VAT in euros; a file whose seller is someone else is refused with both identifiers named.
"""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import demo as accounts_demo
from accounts.models import TechnicalAccount, User
from accounts.roles import MembershipStatus, Role
from cpro import demo as cpro_demo
from cpro.services import access_token_issue, oauth_application_create
from entities import demo as entities_demo
from invoices.checks import invoice_data_check
from invoices.choices import FRENCH_VAT_RATES, Channel
from invoices.data import LineData
from invoices.intake import document_intake
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from invoices.validation import validate_document
from suppliers import demo as suppliers_demo
from suppliers.models import IdentifierType, SupplierStructure
from tests.factories import PublicStructureFactory, ServiceFactory
from tests.invoices.conftest import CORPUS, valid_data

pytestmark = pytest.mark.django_db

NORDLICHT_VAT = "DE136469057"
# Official CEN examples, valid under the EN 16931 artefacts: (file, seller VAT to replace).
NOK_CII = ("cii/valid/en16931-examples/CII_example2.xml", b"NO123456789MVA")
DKK_UBL = ("ubl/valid/en16931-examples/ubl-tc434-example5.xml", b"NL16356706")


@pytest.fixture
def nordlicht(django_capture_on_commit_callbacks):
    """The demo data of the README: users, supplier structures and the API accounts."""
    with django_capture_on_commit_callbacks(execute=True):
        users = accounts_demo.seed()
        suppliers = suppliers_demo.seed(users)
        cpro_demo.seed(users=users, suppliers=suppliers, entities=entities_demo.seed(users))
    return suppliers["nordlicht"]


def as_nordlicht(case: tuple[str, bytes]) -> tuple[str, bytes]:
    """The example with Nordlicht as its seller (BT-31), and its buyer (BT-47, BT-10) in the
    directory."""
    relative, seller_vat = case
    content = (CORPUS / relative).read_bytes().replace(seller_vat, NORDLICHT_VAT.encode())
    name = relative.rsplit("/", 1)[-1]
    verdict = validate_document(content=content, filename=name)
    assert verdict.ok, [(i.rule_id, i.message) for i in verdict.errors]
    buyer = PublicStructureFactory(siret=verdict.parsed.buyer_siret, name="Acheteur de l'exemple")
    if verdict.parsed.buyer_reference:
        ServiceFactory(structure=buyer, code=verdict.parsed.buyer_reference)
    return name, content


def test_the_demo_foreign_supplier_is_seeded_exactly_as_documented(nordlicht):
    # Given seed_demo run twice (idempotent)
    users = accounts_demo.seed()
    suppliers = suppliers_demo.seed(users)
    cpro_demo.seed(users=users, suppliers=suppliers, entities=entities_demo.seed(users))
    nordlicht = suppliers["nordlicht"]
    # Then Nordlicht is an EU supplier outside France, identified by its VAT number
    assert (nordlicht.name, nordlicht.identifier_type, nordlicht.identifier) == (
        "Nordlicht Bürobedarf GmbH",
        IdentifierType.UE_HORS_FRANCE,
        NORDLICHT_VAT,
    )
    assert (nordlicht.country_code, nordlicht.vat_number) == ("DE", NORDLICHT_VAT)
    assert SupplierStructure.objects.filter(identifier=NORDLICHT_VAT).count() == 1
    # And its principal manager and technical account have the documented passwords
    user = User.objects.get(email="nordlicht@chorus.test")
    assert user.check_password("Demo-Nordlicht-2026!")
    assert nordlicht.memberships.get(user=user, status=MembershipStatus.ACTIVE).role == Role.PRINCIPAL
    account = TechnicalAccount.objects.get(login="TECH-NORDLICHT")
    assert account.supplier_structure == nordlicht and account.active
    assert check_password("Demo-Tech-2026!", account.password)


def test_nordlicht_deposits_invoices_in_nok_and_dkk_through_the_api_flux(
    client, admin_user, nordlicht, django_capture_on_commit_callbacks
):
    application, _secret = oauth_application_create(
        owner=admin_user, name="ERP Nordlicht", client_id="erp-nordlicht", client_secret="geheim-2026"
    )
    token = access_token_issue(application=application).access_token
    account = base64.b64encode(b"TECH-NORDLICHT:Demo-Tech-2026!").decode()
    for case, syntax in ((NOK_CII, "IN_DP_E1_CII_16B"), (DKK_UBL, "IN_DP_E1_UBL_INVOICE")):
        name, content = as_nordlicht(case)
        # When TECH-NORDLICHT deposits the file as a flux
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/cpro/factures/v1/deposer/flux",
                data={
                    "fichierFlux": base64.b64encode(content).decode(),
                    "nomFichier": name,
                    "syntaxeFlux": syntax,
                    "avecSignature": False,
                },
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_CPRO_ACCOUNT=account,
            )
        assert response.status_code == 200 and response.json()["codeRetour"] == 0, response.content
        report = client.post(
            "/cpro/transverses/v1/consulterCRDetaille",
            data={"numeroFluxDepot": response.json()["numeroFluxDepot"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_CPRO_ACCOUNT=account,
        ).json()
        # Then it is integrated: no French rate list, no exchange rate asked of a German seller
        assert report["etatCourantDepotFlux"] == "IN_INTEGRE", report["listeErreurDP"]
    invoices = Invoice.objects.filter(supplier=nordlicht).order_by("currency")
    assert [i.currency for i in invoices] == ["DKK", "NOK"]
    assert all(i.exchange_rate is None for i in invoices)
    assert {Decimal("25")} <= {line.rate.normalize() for i in invoices for line in i.vat_lines.all()}


def test_nordlicht_uploads_an_invoice_in_dkk_on_the_upload_page(
    client, nordlicht, django_capture_on_commit_callbacks
):
    name, content = as_nordlicht(DKK_UBL)
    client.force_login(User.objects.get(email="nordlicht@chorus.test"))
    # When its principal manager uploads it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/factures/deposer/", {"files": [SimpleUploadedFile(name, content)]}, follow=True
        )
    # Then it is deposited and reaches the buyer
    assert response.status_code == 200
    invoice = Invoice.objects.get(supplier=nordlicht)
    assert invoice.currency == "DKK" and invoice.channel == Channel.UPLOAD_PORTAIL
    assert invoice.status in (InvoiceStatus.DEPOSEE, InvoiceStatus.MISE_A_DISPOSITION)


def test_a_file_of_another_seller_is_refused_naming_both_vat_numbers(nordlicht):
    # Given the DKK example as published (seller NL16356706), its buyer in the directory
    relative, _vat = DKK_UBL
    content = (CORPUS / relative).read_bytes()
    as_nordlicht(DKK_UBL)
    user = User.objects.get(email="nordlicht@chorus.test")
    # When Nordlicht deposits it
    outcome = document_intake(supplier=nordlicht, actor=user, name="example5.xml", content=content)
    # Then it is refused: the seller is another company, and both identifiers are named
    wrong = [p for p in outcome.errors if p.rule_id == "CPRO-FOURNISSEUR-DIFFERENT"]
    assert not outcome.accepted and wrong
    assert "NL16356706" in wrong[0].message and NORDLICHT_VAT in wrong[0].message


def test_a_foreign_seller_invoices_at_its_own_rate_by_the_form(nordlicht):
    # Given an invoice at 19 % German VAT, in euros, typed in the form without a manual rate
    user = User.objects.get(email="nordlicht@chorus.test")
    data = valid_data(number="NL-19")
    data.lines = [
        LineData(designation="Bürostühle", quantity=Decimal(2), unit_price=Decimal(100), vat_rate=Decimal(19))
    ]
    codes = {e.code for e in invoice_data_check(data=data, supplier=nordlicht, actor=user)}
    # Then the rate and the currency are not the French rules' business
    assert not codes & {"CPRO-TAUX-TVA", "CPRO-TAUX-CHANGE", "CPRO-TVA-VENDEUR-INVALIDE"}, codes
    # And in Danish kroner without an exchange rate either
    data.currency = "DKK"
    codes = {e.code for e in invoice_data_check(data=data, supplier=nordlicht, actor=user)}
    assert not codes & {"CPRO-TAUX-TVA", "CPRO-TAUX-CHANGE", "CPRO-DEVISE"}, codes


def test_a_french_seller_keeps_the_cgi_rates_and_the_vat_in_euros(acme, alice):
    # Given the complete CGI table: Corsica 13 % and 0.9 %, overseas 8.5 %, 1.75 % and 1.05 %
    expected = {Decimal(r) for r in ("20", "10", "5.5", "2.1", "13", "0.9", "8.5", "1.75", "1.05", "0")}
    assert expected == set(FRENCH_VAT_RATES)
    # When ACME (SIRET) types 19 % or an invoice in dollars without a rate
    data = valid_data(number="FR-19")
    data.lines[0].vat_rate = Decimal(19)
    data.currency = "USD"
    codes = {e.code for e in invoice_data_check(data=data, supplier=acme, actor=alice)}
    # Then both French rules apply
    assert {"CPRO-TAUX-TVA", "CPRO-TAUX-CHANGE"} <= codes
    # And 13 % (Corsica, CGI art. 297) is a French rate
    data.lines[0].vat_rate = Decimal(13)
    data.currency = "EUR"
    codes = {e.code for e in invoice_data_check(data=data, supplier=acme, actor=alice)}
    assert "CPRO-TAUX-TVA" not in codes


def test_a_french_sellers_file_in_a_foreign_currency_states_the_vat_in_euros(acme, alice):
    # Given the NOK example deposited by a French structure (as if its seller)
    relative, _vat = NOK_CII
    content = (CORPUS / relative).read_bytes().replace(b"NO123456789MVA", b"FR19812345676")
    as_nordlicht((relative, b"NO123456789MVA"))
    outcome = document_intake(supplier=acme, actor=alice, name="nok.xml", content=content)
    # Then the French seller is asked for the VAT in euros (BT-111) and for CGI rates, in terms of
    # the file's elements
    by_code = {p.rule_id: p for p in outcome.errors}
    assert "CPRO-TVA-EN-EUROS" in by_code and "TaxTotalAmount" in by_code["CPRO-TVA-EN-EUROS"].message
    assert "CPRO-TAUX-TVA" in by_code and "RateApplicablePercent" in by_code["CPRO-TAUX-TVA"].message
    assert "CPRO-TAUX-CHANGE" not in by_code
