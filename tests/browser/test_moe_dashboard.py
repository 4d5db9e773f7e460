"""The maître d'œuvre's dashboard in a browser (issue 14): the demo MOE of Atelier Moreau
Architectes finds ACME's draft monthly statement waiting for it, with its legal delay, opens it
and validates it with a corrected amount; the document leaves its list and its history shows the
decision. Then it filters by titulaire, validates two statements at once and finds them under
« Traités »."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from suppliers.models import SupplierStructure
from tests.browser.conftest import login, menu
from tests.works.moe_documents import to_moe

pytestmark = pytest.mark.browser

MOE = ("moe@chorus.test", "Demo-Moe-2026!")
NUMBER = "PDM-GYM-2026-11-B"  # the demo statement waiting for the MOE


@pytest.mark.django_db(transaction=True)
def test_the_moe_validates_a_statement_from_its_dashboard(live_server, browser_page):
    call_command("seed_demo")
    page = browser_page
    login(page, live_server, *MOE)
    page.wait_for_url(re.compile(r".*/tableau-de-bord/$"))
    # The MOE opens its documents to validate
    menu(page, "Factures", "Factures à valider")
    row = page.locator("tr", has_text=NUMBER)
    assert row.is_visible()
    # the legal delay (« À traiter avant », after the selection box and « Reçue le »)
    assert re.search(r"\d{2}/\d{2}/\d{4}", row.locator("td").nth(6).text_content() or "")
    row.get_by_role("link", name=NUMBER, exact=True).click()
    # and validates it, correcting the amount (16 680 € TTC claimed) with a reason
    page.locator("label", has_text="Valider la facture").click()
    reason_mark = page.locator("label[for=id_comment] [data-optional-mark]")
    assert reason_mark.is_visible()  # a plain validation needs no reason
    page.fill("input[name=validated_amount]", "16 200,00")
    assert reason_mark.is_hidden()  # a corrected amount does
    page.locator("textarea[name=comment]").fill("Acompte arrêté à 13 500 € HT (métrés du 28/11)")
    page.get_by_role("button", name="Enregistrer ma décision").click()
    page.wait_for_url(re.compile(r".*/suivi/factures-a-valider/$"))
    assert page.locator(".fr-alert--success").first.is_visible()
    assert page.locator("tr", has_text=NUMBER).count() == 0
    invoice = Invoice.objects.get(number=NUMBER)
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.moe_amount_due == Decimal("16200.00")
    assert invoice.status_events.filter(status=S.TRANSMISE_MOA, comment__contains="13 500").exists()


@pytest.mark.django_db(transaction=True)
def test_the_contractor_finds_its_moe_by_name_on_the_form(live_server, browser_page):
    call_command("seed_demo")
    page = browser_page
    login(page, live_server, "fournisseur@chorus.test", "Demo-Fournisseur-2026!")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    menu(page, "Factures", "Saisir une facture")
    # When ACME chooses a draft monthly statement, the MOE's field appears
    page.select_option("select[name=framework]", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR")
    assert page.locator("input[name=validator_identifier]").is_visible()
    # and typing part of the MOE's name offers it, which fills its SIRET in
    page.fill("input[name=validator_identifier]", "moreau")
    page.get_by_role("option", name=re.compile("Atelier Moreau Architectes")).click()
    assert page.input_value("input[name=validator_identifier]") == "51234567900017"
    assert "Atelier Moreau Architectes" in page.locator("[data-validator-status]").inner_text()


def test_the_moe_filters_by_supplier_and_validates_two_statements_at_once(live_server, browser_page):
    # Given the demo, plus a second ACME statement and one of Nordlicht, all waiting for the MOE
    call_command("seed_demo")
    acme = SupplierStructure.objects.get(name="ACME Fournitures")
    moreau = SupplierStructure.objects.get(name="Atelier Moreau Architectes")
    nordlicht = SupplierStructure.objects.get(name__startswith="Nordlicht")
    beaufort = Invoice.objects.get(number=NUMBER).recipient
    to_moe(supplier=acme, recipient=beaufort, moe=moreau, number="PDM-GYM-2026-12")
    to_moe(supplier=nordlicht, recipient=beaufort, moe=moreau, number="NL-2026-001")
    page = browser_page
    login(page, live_server, *MOE)
    page.wait_for_url(re.compile(r".*/tableau-de-bord/$"))
    menu(page, "Factures", "Factures à valider")
    assert page.locator("tr", has_text="NL-2026-001").is_visible()
    # It previews the demo statement's PDF in its sandboxed frame, then comes back
    page.locator("tr", has_text=NUMBER).get_by_role("link", name="Aperçu").click()
    frame = page.locator("iframe.chorus-pdf-preview")
    assert frame.is_visible() and frame.get_attribute("sandbox") == ""
    page.get_by_role("link", name="Retour à la liste").click()
    # When the MOE filters on the titulaire ACME
    page.get_by_role("button", name="Rechercher et filtrer").click()
    page.get_by_label("Titulaire (nom ou SIRET)").fill("ACME")
    page.get_by_role("button", name="Filtrer", exact=True).click()
    page.wait_for_url(re.compile(r".*fournisseur=ACME.*"))
    # Then only ACME's two statements are listed
    assert page.locator("tr", has_text="NL-2026-001").count() == 0
    numbers = (NUMBER, "PDM-GYM-2026-12")
    # When it ticks both and validates the selection
    for number in numbers:
        # from the keyboard: DSFR draws the box on the label, over the (transparent) input
        box = page.locator("tr", has_text=number).get_by_role("checkbox")
        box.press("Space")
        assert box.is_checked()
    page.get_by_role("button", name="Valider la sélection").click()
    # Then it is told both were validated, back on its filtered list, now empty
    assert page.locator(".fr-alert--success", has_text="2 documents validés.").is_visible()
    assert "fournisseur=ACME" in page.url
    for number in numbers:
        assert page.locator("tr", has_text=number).count() == 0
    # And under « Traités » both are shown with the decision of today
    page.locator("#onglets").get_by_role("link", name="Traités").click()
    page.wait_for_url(re.compile(r".*onglet=traites.*"))
    for number in numbers:
        assert "Validé le" in (page.locator("tr", has_text=number).text_content() or "")
    # And Nordlicht's statement still waits for it
    assert Invoice.objects.get(number="NL-2026-001").status == S.A_VALIDER_MOE
    assert {i.status for i in Invoice.objects.filter(number__in=numbers)} == {S.MISE_A_DISPOSITION}
