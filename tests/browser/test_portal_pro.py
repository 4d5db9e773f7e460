"""Browser stories of Chorus Portal Pro: a person without SIRET signs up and sends a memo of
court fees; the virtual assistant answers, in its panel and without JavaScript."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from entities.models import FormDesk, PublicCategory
from invoices.models import Invoice
from tests.factories import PublicStructureFactory

from .conftest import menu

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser

PASSWORD = "Un-mot-de-passe-solide-2026"
QUESTION = "Comment suivre le traitement de ma facture ?"


@pytest.mark.django_db(transaction=True)
def test_a_person_without_siret_signs_up_and_sends_a_memo(live_server, browser_page, tmp_path):
    page = browser_page
    # Given the Tribunal judiciaire de Caen in the directory
    PublicStructureFactory(
        siret="17140000500020",
        name="Tribunal judiciaire de Caen",
        category=PublicCategory.ETAT,
        form_desk=FormDesk.JUSTICE,
        postcode="14000",
        city="Caen",
    )
    # When Marie, interpreter, chooses « Vous n'avez pas de SIRET » on the home page
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Vous n'avez pas de SIRET").click()
    assert page.locator("#has_siret_non").is_checked()
    # and signs up with her address and bank account
    page.fill("input[name=first_name]", "Marie")
    page.fill("input[name=last_name]", "Lefèvre")
    page.fill("input[name=email]", "marie.lefevre@exemple.fr")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=address]", "12 rue Écuyère")
    page.fill("input[name=postcode]", "14000")
    page.fill("input[name=city]", "Caen")
    page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(re.compile(r".*/compte/confirm-email/$"))
    message = next(m for m in mail.outbox if "marie.lefevre@exemple.fr" in m.to)
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    # Then she reaches the online forms, where the memo is open to her and the TIC refund is not
    menu(page, "Factures", "Formulaires en ligne")
    main = page.locator("main")
    assert "réservée aux exploitants" in main.inner_text()
    page.get_by_role("link", name="Remplir le formulaire").click()
    # When she fills her memo, first forgetting the requisition
    page.select_option("select[name=recipient_siret]", "17140000500020")
    page.fill("input[name=number]", "MEM-2026-001")
    page.fill("input[name=lines-0-designation]", "Interprétariat en langue arabe, audience du 12 novembre")
    page.fill("input[name=lines-0-quantity]", "3,5")
    page.select_option("select[name=lines-0-unit]", "HUR")
    page.fill("input[name=lines-0-unit_price]", "42")
    requisition = tmp_path / "requisition.pdf"
    requisition.write_bytes(b"%PDF-1.4\n% requisition\n")
    page.set_input_files("input[name=attachments]", str(requisition))
    page.get_by_role("button", name="Envoyer le mémoire").click()
    # Then she is told the requisition is missing
    assert "réquisition" in page.locator("#id_requisition-desc-error, .fr-error-text").first.inner_text()
    # When she gives it and sends again
    page.fill("input[name=requisition]", "REQ-2026-00417")
    page.set_input_files("input[name=attachments]", str(requisition))
    page.get_by_role("button", name="Envoyer le mémoire").click()
    # Then the memo is deposited and she sees it, without VAT, on its way to the court
    page.wait_for_url(re.compile(r".*/factures/\d+/$"))
    assert "MEM-2026-001" in page.locator("main").inner_text()
    memo = Invoice.objects.get(number="MEM-2026-001")
    assert memo.framework == "A3_MEMOIRE_JUSTICE" and memo.amount_due == 147
    assert memo.recipient.name == "Tribunal judiciaire de Caen" and memo.total_vat == 0


def _seed_help_articles() -> None:
    """The help articles of the data migrations: a transactional test starts from a flushed
    database, so they are seeded again by the very functions of those migrations."""
    import importlib

    from django.apps import apps

    for module in ("helpcentre.migrations.0003_seed_articles", "portalpro.migrations.0003_help_articles"):
        importlib.import_module(module).seed(apps, None)


@pytest.mark.django_db(transaction=True)
def test_the_assistant_answers_how_to_follow_an_invoice(live_server, browser_page, browser):
    page = browser_page
    _seed_help_articles()
    # Given any page, with the assistant's panel
    page.goto(f"{live_server.url}/aide/")
    page.locator("#assistant-panel summary").click()
    # When a visitor asks how to follow the processing of an invoice
    page.fill("#assistant-panel-q", QUESTION)
    page.locator("#assistant-panel-form button[type=submit]").click()
    # Then the panel answers with the guide on following an invoice
    answer = page.locator("#assistant-panel-answer")
    answer.locator("#assistant-reponse").wait_for()
    assert "Suivre une facture jusqu'à sa mise en paiement" in answer.inner_text()
    assert (
        answer.get_by_role("link", name="Suivre une facture jusqu'à sa mise en paiement").get_attribute(
            "href"
        )
        == "/aide/suivre-une-facture/"
    )
    assert page.url == f"{live_server.url}/aide/"  # answered in place, by the panel's script
    # And without JavaScript, /assistant/?q=… gives the same answer as a page
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{live_server.url}/")
    plain.locator("#assistant-panel summary").click()
    plain.fill("#assistant-panel-q", QUESTION)
    plain.locator("#assistant-panel-form button[type=submit]").click()
    plain.wait_for_url(re.compile(r".*/assistant/\?q=.*"))
    text = plain.locator("#assistant-reponse").inner_text()
    assert "Suivre une facture jusqu'à sa mise en paiement" in text
    assert "Contacter le support" in text
    context.close()
