"""The invoice's life in a browser: the demo buyer suspends an invoice with a reason; the demo
supplier sees the notification and completes it; the buyer accepts it and has it paid; the
supplier's timeline shows every step."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import login, menu

pytestmark = pytest.mark.browser

BUYER = ("acheteur@chorus.test", "Demo-Acheteur-2026!")
SUPPLIER = ("fournisseur@chorus.test", "Demo-Fournisseur-2026!")
NUMBER = "F-SUIVI-03"  # a demo invoice made available to the Commune de Beaufort-en-Anjou


def logout(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/$"))


def buyer_acts(page, action: str, **fields: str) -> None:
    form = page.locator("form#traitement")
    form.locator("select[name=to]").select_option(label=action)
    if "reason" in fields:
        form.locator("select[name=reason_code]").select_option(fields["reason"])
    if "comment" in fields:
        form.locator("textarea[name=comment]").fill(fields["comment"])
    if "mandate" in fields:
        form.locator("input[name=mandate_number]").fill(fields["mandate"])
    form.get_by_role("button", name="Valider l'action").click()
    page.wait_for_load_state()
    assert page.locator(".fr-alert--success").first.is_visible(), page.content()[:3000]


@pytest.mark.django_db(transaction=True)
def test_suspend_complete_accept_pay_and_follow(live_server, browser_page, tmp_path):
    call_command("seed_demo")
    page = browser_page

    # The demo buyer opens the dashboard, then the invoices to process
    login(page, live_server, *BUYER)
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    page.get_by_role("link", name="Factures à traiter").click()
    page.get_by_role("link", name=NUMBER).click()
    assert page.locator("#statut-courant").text_content().strip() == "Mise à disposition"
    # and suspends it with a reason
    buyer_acts(
        page,
        "Suspendre (pièces ou informations manquantes)",
        reason="JUSTIF_ABS",
        comment="Merci de joindre le bon de livraison signé.",
    )
    assert page.locator("#statut-courant").text_content().strip() == "Suspendue"
    logout(page)

    # The demo supplier sees the notification
    login(page, live_server, *SUPPLIER)
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    assert page.locator("#notifications-unread").is_visible()
    page.locator("#notifications-link").click()
    card = page.locator("li[data-notification]", has_text=f"Facture {NUMBER} : Suspendue")
    assert "Merci de joindre le bon de livraison signé." in card.inner_text()
    card.get_by_role("button", name="Voir la facture").click()
    # and completes the invoice from its page, with the document asked for
    followup = page.locator("#suivi")
    assert "Merci de joindre le bon de livraison signé." in followup.inner_text()
    followup.get_by_role("link", name="Compléter la facture").click()
    page.locator("textarea[name=comment]").fill("Voici le bon de livraison signé.")
    delivery_note = tmp_path / "bon-livraison.pdf"
    delivery_note.write_bytes(b"%PDF-1.4\n% bon de livraison\n%%EOF\n")
    page.locator("input[name=attachments]").set_input_files(str(delivery_note))
    page.get_by_role("button", name="Envoyer le complément").click()
    page.wait_for_load_state()
    assert page.locator("#statut-courant").text_content().strip() == "Complétée"
    logout(page)

    # The buyer accepts it (service fait) and has it paid
    login(page, live_server, *BUYER)
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    menu(page, "Factures", "Factures reçues")
    page.get_by_role("link", name=NUMBER).click()
    assert "bon-livraison.pdf" in page.content()
    buyer_acts(page, "Accepter : service fait")
    buyer_acts(page, "Mandater (numéro de mandat)", mandate="MDT-2026-0500")
    buyer_acts(page, "Transmettre au comptable")
    buyer_acts(page, "Comptabiliser")
    buyer_acts(page, "Mettre en paiement")
    assert page.locator("#statut-courant").text_content().strip() == "Mise en paiement"
    logout(page)

    # The supplier's timeline shows every step, with who and why
    login(page, live_server, *SUPPLIER)
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    page.locator("#notifications-link").click()
    page.locator("li[data-notification]", has_text=f"Facture {NUMBER} : Mise en paiement").get_by_role(
        "button", name="Voir la facture"
    ).click()
    rows = page.locator("#historique tbody tr")
    steps = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    assert steps == [
        "DEPOSEE",
        "EN_COURS_ACHEMINEMENT",
        "MISE_A_DISPOSITION",
        "SUSPENDUE",
        "COMPLETEE",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    ]
    timeline = page.locator("#historique").inner_text()
    assert "Agnès Achard" in timeline and "Merci de joindre le bon de livraison signé." in timeline
    assert "Voici le bon de livraison signé." in timeline
    assert "Payée dans le délai" in page.locator("#echeance").text_content()
