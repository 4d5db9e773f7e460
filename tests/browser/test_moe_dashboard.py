"""The maître d'œuvre's dashboard in a browser (issue 14): the demo MOE of Atelier Moreau
Architectes finds ACME's draft monthly statement waiting for it, with its legal delay, opens it
and validates it with a corrected amount; the document leaves its list and its history shows the
decision."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from tests.browser.conftest import login, menu

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
    assert re.search(r"\d{2}/\d{2}/\d{4}", row.locator("td").nth(5).text_content() or "")
    row.get_by_role("link", name=NUMBER).click()
    # and validates it, correcting the amount with a reason
    page.locator("label", has_text="Valider la facture").click()
    page.locator("textarea[name=comment]").fill("Acompte arrêté à 13 500 € HT (métrés du 28/11)")
    page.get_by_role("button", name="Enregistrer ma décision").click()
    page.wait_for_url(re.compile(r".*/suivi/factures-a-valider/$"))
    assert page.locator(".fr-alert--success").first.is_visible()
    assert page.locator("tr", has_text=NUMBER).count() == 0
    invoice = Invoice.objects.get(number=NUMBER)
    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.status_events.filter(status=S.TRANSMISE_MOA, comment__contains="13 500").exists()
