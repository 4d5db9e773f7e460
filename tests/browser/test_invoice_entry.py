"""The demo supplier enters an invoice of three lines at two VAT rates for the Commune de
Beaufort-en-Anjou, is told the service code is required, picks FINANCES, sends it, and downloads
the Factur-X PDF and the deposit certificate."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.conftest import login, menu

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser


def _fill_line(page, index: int, designation: str, quantity: str, price: str, rate: str) -> None:
    page.fill(f"input[name='lines-{index}-designation']", designation)
    page.fill(f"input[name='lines-{index}-quantity']", quantity)
    page.fill(f"input[name='lines-{index}-unit_price']", price)
    page.select_option(f"select[name='lines-{index}-vat_rate']", rate)


@pytest.mark.django_db(transaction=True)
def test_demo_supplier_enters_sends_and_downloads_an_invoice(live_server, browser_page, tmp_path):
    # Given the demo data of `make run`
    call_command("seed_demo")
    page = browser_page
    login(page, live_server, "fournisseur@chorus.test", "Demo-Fournisseur-2026!")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")

    # When the supplier opens the entry form from the menu
    menu(page, "Factures", "Saisir une facture")
    page.wait_for_url(f"{live_server.url}/factures/saisir/")
    page.fill("input[name=number]", "F-2026-0100")
    page.fill("input[name=invoice_date]", timezone.localdate().isoformat())

    # and looks the recipient up in the directory, by name
    page.fill("input[name=recipient_siret]", "Beaufort")
    page.get_by_role("option", name="Commune de Beaufort-en-Anjou").click()
    assert page.input_value("input[name=recipient_siret]") == "21490244700017"
    # Then the form tells them the service code is required
    requirement = page.locator("[data-requirement=service]")
    assert requirement.is_visible()
    assert "exige un code service" in requirement.inner_text()
    # and offers the active services only
    options = page.locator("select[name=service_code] option").all_inner_texts()
    assert any(o.startswith("FINANCES") for o in options) and not any(
        o.startswith("ARCHIVES") for o in options
    )

    # When they enter three lines at two VAT rates, adding and removing rows without reloading
    _fill_line(page, 0, "Ramettes de papier A4", "10", "4,99", "20")
    page.get_by_role("button", name="Ajouter une ligne").click()
    _fill_line(page, 1, "Ligne saisie par erreur", "1", "999", "10")
    page.get_by_role("button", name="Ajouter une ligne").click()
    _fill_line(page, 2, "Cartouches d'encre", "3", "27,333", "20")
    page.fill("input[name='lines-2-discount']", "2,50")
    page.get_by_role("button", name="Ajouter une ligne").click()
    _fill_line(page, 3, "Livres pour la médiathèque", "4", "18,95", "5.5")
    page.locator("tr[data-line]").nth(1).get_by_role("button", name="Supprimer la ligne").click()
    # Then the remaining rows are renumbered for the server
    assert page.input_value("input[name='lines-TOTAL_FORMS']") == "3"
    assert page.input_value("input[name='lines-1-designation']") == "Cartouches d'encre"
    assert page.input_value("input[name='lines-2-designation']") == "Livres pour la médiathèque"
    page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189")
    # Then the totals are computed live
    assert page.locator("[data-total=ttc]").inner_text().replace("\u202f", " ") == "235,25\u00a0€"

    # When they try to send without a service code
    page.get_by_role("button", name="Vérifier et envoyer…").click()
    # Then they are told, next to the field, and nothing is sent
    page.wait_for_selector("#send-refused")
    assert "exige un code service" in page.locator("#id_service_code-desc-error").inner_text()
    assert page.locator("select[name=lines-2-vat_rate]").input_value() == "5.5"

    # When they pick FINANCES and send again
    page.select_option("select[name=service_code]", "FINANCES")
    page.get_by_role("button", name="Vérifier et envoyer…").click()
    # Then a confirmation page shows what will be sent and to whom
    page.wait_for_url("**/envoyer/")
    assert page.get_by_text("Rien n'est encore envoyé").is_visible()
    assert page.get_by_text("Commune de Beaufort-en-Anjou").first.is_visible()
    assert "235,25" in page.content()

    # When they confirm
    page.get_by_role("button", name="Confirmer l'envoi").click()
    page.wait_for_url("**/factures/*/")
    assert page.get_by_text("transmise à Commune de Beaufort-en-Anjou").is_visible()

    from invoices.models import Invoice

    invoice = Invoice.objects.get(number="F-2026-0100")
    assert invoice.status != "BROUILLON" and invoice.recipient_service.code == "FINANCES"
    assert str(invoice.total_ttc) == "235.25"

    # Then they download the Factur-X PDF
    page.reload()
    with page.expect_download() as download_info:
        page.locator("a[data-document-role=FACTURE]").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf[:5] == b"%PDF-"
    import facturx

    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert xml.startswith(b"<?xml")
    # one fingerprint per invoice: the SHA-256 of the document as served (issue 18)
    assert hashlib.sha256(pdf).hexdigest() == invoice.fingerprint

    # and the deposit certificate
    with page.expect_download() as download_info:
        page.locator("a[data-certificate]").click()
    certificate = Path(download_info.value.path()).read_bytes()
    assert certificate[:5] == b"%PDF-"
    assert download_info.value.suggested_filename == f"accuse-de-depot-{invoice.pk}.pdf"
