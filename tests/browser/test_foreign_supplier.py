"""A supplier established in Germany signs up, creates its structure with its VAT number
(``UE_HORS_FRANCE``), enters an invoice at 19 % German VAT with the form and uploads another, in
Danish kroner: both reach the buyer (MISE_A_DISPOSITION), without the French VAT list or an
exchange rate being asked of it."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from suppliers.models import IdentifierType, SupplierStructure
from tests.browser.test_structures import sign_up
from tests.factories import PublicStructureFactory, ServiceFactory
from tests.invoices.conftest import CORPUS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser

VAT = "DE273819459"  # a valid German VAT number (python-stdnum), not the demo's Nordlicht
DKK_UBL = CORPUS / "ubl/valid/en16931-examples/ubl-tc434-example5.xml"


@pytest.mark.django_db(transaction=True)
def test_a_german_supplier_sends_by_the_form_at_19_percent_and_uploads_in_dkk(
    live_server, browser_page, tmp_path
):
    # Given the demo directory (Commune de Beaufort-en-Anjou, service FINANCES)
    call_command("seed_demo")
    page = browser_page
    # And a visitor from Hamburg who signs up
    sign_up(page, live_server, "hanna@elbe-papier.test")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")

    # When she creates her structure, identified by its VAT number
    page.get_by_role("link", name="Créer une structure").first.click()
    page.select_option("select[name=identifier_type]", "UE_HORS_FRANCE")
    page.fill("input[name=identifier]", VAT)
    page.fill("input[name=name]", "Elbe Papier GmbH")
    page.fill("input[name=city]", "Hamburg")
    page.fill("input[name=country_code]", "DE")
    page.fill("input[name=vat_number]", VAT)
    page.get_by_role("button", name="Créer la structure").click()
    page.wait_for_url(f"{live_server.url}/fournisseur/structure/")
    # Then her structure shows its country
    assert "Allemagne (DE)" in page.locator("main").inner_text()
    structure = SupplierStructure.objects.get(identifier=VAT)
    assert structure.identifier_type == IdentifierType.UE_HORS_FRANCE

    # When she enters an invoice at 19 % German VAT: the form offers her own rate, not the CGI list
    page.goto(f"{live_server.url}/factures/saisir/")
    page.fill("input[name=number]", "EP-2026-001")
    page.fill("input[name=invoice_date]", timezone.localdate().isoformat())
    page.fill("input[name=recipient_siret]", "Beaufort")
    page.get_by_role("option", name="Commune de Beaufort-en-Anjou").click()
    page.select_option("select[name=service_code]", "FINANCES")
    options = page.locator("select[name='lines-0-vat_rate'] option").all_inner_texts()
    assert options == ["Taux de TVA de votre pays"]
    page.fill("input[name='lines-0-designation']", "Kopierpapier A4")
    page.fill("input[name='lines-0-quantity']", "10")
    page.fill("input[name='lines-0-unit_price']", "5")
    page.fill("input[name='lines-0-vat_rate_other']", "19")
    page.fill("input[name=iban]", "DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Vérifier et envoyer…").click()
    page.wait_for_url("**/envoyer/")
    assert "59,50" in page.content()
    page.get_by_role("button", name="Confirmer l'envoi").click()
    page.wait_for_url("**/factures/*/")
    # Then it reaches the buyer
    typed = Invoice.objects.get(supplier=structure, number="EP-2026-001")
    assert typed.status == InvoiceStatus.MISE_A_DISPOSITION, typed.status
    assert str(typed.total_ttc) == "59.50"

    # Given an invoice in Danish kroner from her software (an official EN 16931 example with her
    # VAT number as the seller's) and its buyer in the directory
    buyer = PublicStructureFactory(siret="DK16356607", name="Acheteur danois")
    ServiceFactory(structure=buyer, code="qwerty")
    upload = tmp_path / "faktura-dkk.xml"
    upload.write_bytes(DKK_UBL.read_bytes().replace(b"NL16356706", VAT.encode()))
    # When she uploads it
    page.goto(f"{live_server.url}/factures/deposer/")
    page.set_input_files("input[name=files]", str(upload))
    page.get_by_role("button", name="Contrôler et déposer").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    # Then it is deposited, and reaches the buyer too
    assert "1 facture déposée" in body and "faktura-dkk.xml — déposée" in body, body
    uploaded = Invoice.objects.get(supplier=structure, currency="DKK")
    assert uploaded.status == InvoiceStatus.MISE_A_DISPOSITION, uploaded.status
    assert uploaded.exchange_rate is None
