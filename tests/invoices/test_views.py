"""The supplier's pages: entry form, drafts, confirmation before sending, invoice page, downloads."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.choices import DocumentRole
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Document, Invoice
from invoices.services import invoice_deposit, invoice_draft_save, invoice_generate_document
from tests.invoices.conftest import valid_data

pytestmark = pytest.mark.django_db

LINES = [
    {
        "designation": "Ramettes de papier A4",
        "quantity": "10",
        "unit": "C62",
        "unit_price": "4,99",
        "vat_rate": "20",
    },
    {
        "designation": "Cartouches d'encre",
        "quantity": "3",
        "unit": "H87",
        "unit_price": "27,333",
        "discount": "2,50",
        "vat_rate": "20",
    },
    {"designation": "Livres", "quantity": "4", "unit": "C62", "unit_price": "18,95", "vat_rate": "5.5"},
]


def form_post(action: str = "draft", lines: list[dict] | None = None, **fields: str) -> dict[str, str]:
    lines = LINES if lines is None else lines
    data = {
        "action": action,
        "kind": "FACTURE",
        "framework": "A1_FACTURE_FOURNISSEUR",
        "number": "F-2026-0001",
        "invoice_date": valid_data().invoice_date.isoformat(),
        "recipient_siret": "21490244700017",
        "service_code": "FINANCES",
        "currency": "EUR",
        "vat_regime": "TVA_SUR_DEBIT",
        "payment_mode": "VIREMENT",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "500",
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    data.update(fields)
    return data


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-desc-error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.fixture
def as_alice(client, world):
    client.force_login(world["alice"])
    return client


def test_entry_form_offers_two_distinct_actions(as_alice):
    response = as_alice.get(reverse("invoices:create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="draft"' in html and "Enregistrer le brouillon (sans envoyer)" in html
    assert 'value="send"' in html and "Vérifier et envoyer…" in html
    assert "fr-btn--secondary fr-icon-save-line" in html  # the draft button is not the primary one


def test_a_buyer_is_sent_to_choose_a_supplier_structure(client, world):
    client.force_login(world["carla"])
    response = client.get(reverse("invoices:create"))
    assert response.status_code == 302 and response.url == reverse("dashboard")


def test_saving_a_draft_from_the_form(as_alice):
    response = as_alice.post(reverse("invoices:create"), form_post("draft"))
    draft = Invoice.objects.get()
    assert response.status_code == 302 and response.url == reverse("invoices:detail", args=[draft.pk])
    assert draft.status == InvoiceStatus.BROUILLON and draft.lines.count() == 3
    assert draft.iban == "FR7630006000011234567890189"
    page = as_alice.get(response.url).content.decode()
    assert "Brouillon – non transmise" in page
    assert "n'a été envoyée à personne" in page


def test_send_shows_what_will_be_sent_and_sends_only_on_confirmation(as_alice, world):
    # When alice clicks "Vérifier et envoyer"
    response = as_alice.post(reverse("invoices:create"), form_post("send"))
    invoice = Invoice.objects.get()
    # Then she is shown a confirmation page; nothing is sent yet
    assert response.url == reverse("invoices:send_confirm", args=[invoice.pk])
    assert invoice.status == InvoiceStatus.BROUILLON
    page = as_alice.get(response.url)
    html = page.content.decode()
    assert "Rien n'est encore envoyé" in html and "Commune de Beaufort-en-Anjou" in html
    assert "Confirmer l&#x27;envoi" in html or "Confirmer l'envoi" in html
    assert "235,25" in html
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    # When she confirms
    response = as_alice.post(reverse("invoices:send_confirm", args=[invoice.pk]), {"version": version})
    invoice.refresh_from_db()
    assert response.url == reverse("invoices:detail", args=[invoice.pk])
    assert invoice.status != InvoiceStatus.BROUILLON and invoice.deposited_at is not None
    detail = as_alice.get(response.url).content.decode()
    assert reverse("invoices:certificate", args=[invoice.pk]) in detail
    assert invoice.fingerprint in detail


def test_confirmation_of_a_draft_changed_meanwhile_is_not_sent(as_alice, world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    response = as_alice.post(
        reverse("invoices:send_confirm", args=[draft.pk]), {"version": "2000-01-01T00:00:00"}
    )
    assert response.status_code == 200
    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.BROUILLON


def test_send_refused_shows_each_error_next_to_its_field_and_keeps_a_draft(as_alice):
    response = as_alice.post(reverse("invoices:create"), form_post("send", service_code="", number=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "La facture n&#x27;a pas été envoyée" in html or "La facture n'a pas été envoyée" in html
    assert "exige un code service" in error_of(html, "id_service_code")
    assert "Indiquez le numéro de la facture" in error_of(html, "id_number")
    draft = Invoice.objects.get()
    assert draft.status == InvoiceStatus.BROUILLON
    # the page now posts to the draft, so that correcting it does not create a second one
    assert f'action="{reverse("invoices:edit", args=[draft.pk])}"' in html


def test_line_errors_are_shown_on_their_row(as_alice, world):
    lines = [dict(LINES[0]), dict(LINES[1], vat_rate="MANUEL", vat_rate_other="")]
    response = as_alice.post(reverse("invoices:create"), form_post("draft", lines=lines))
    assert response.status_code == 400
    assert "Indiquez le taux manuel" in response.content.decode()
    assert not Invoice.objects.exists()


def test_a_non_french_manual_rate_entered_on_the_form(as_alice):
    lines = [dict(LINES[0], vat_rate="MANUEL", vat_rate_other="13")]
    as_alice.post(reverse("invoices:create"), form_post("draft", lines=lines))
    line = Invoice.objects.get().lines.get()
    assert (str(line.vat_rate), line.vat_rate_manual) == ("13.00", True)


def test_without_script_a_line_is_added_by_the_server(as_alice):
    response = as_alice.post(reverse("invoices:create"), form_post("add_line", lines=LINES[:1]))
    assert response.status_code == 200
    assert 'name="lines-1-designation"' in response.content.decode()
    assert not Invoice.objects.exists()


def test_without_script_the_recipient_requirements_are_shown(as_alice):
    response = as_alice.post(reverse("invoices:create"), form_post("recipient", service_code=""))
    html = response.content.decode()
    assert "Cette structure exige un code service" in html
    assert (
        '<option value="FINANCES"' in html and '<option value="ARCHIVES"' not in html
    )  # active services only
    assert not Invoice.objects.exists()


def test_attachments_are_checked_from_their_content(as_alice):
    fake = SimpleUploadedFile("devis.pdf", b"MZ\x90\x00 executable", content_type="application/pdf")
    response = as_alice.post(reverse("invoices:create"), {**form_post("draft"), "attachments": [fake]})
    assert response.status_code == 400
    assert "ne correspond pas à son extension" in response.content.decode()
    assert not Invoice.objects.exists()
    good = SimpleUploadedFile("bon-de-commande.pdf", b"%PDF-1.4\nbon", content_type="application/pdf")
    as_alice.post(reverse("invoices:create"), {**form_post("draft"), "attachments": [good]})
    document = Document.objects.get()
    assert (document.role, document.name, document.size) == (
        DocumentRole.ATTACHMENT,
        "bon-de-commande.pdf",
        12,
    )


def test_an_attachment_can_be_removed_from_a_draft(as_alice, world):
    good = SimpleUploadedFile("annexe.txt", b"annexe", content_type="text/plain")
    as_alice.post(reverse("invoices:create"), {**form_post("draft"), "attachments": [good]})
    draft, document = Invoice.objects.get(), Document.objects.get()
    response = as_alice.post(reverse("invoices:attachment_remove", args=[draft.pk, document.pk]))
    assert response.status_code == 302 and not Document.objects.exists()


def test_editing_a_draft_and_not_a_sent_invoice(as_alice, world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    page = as_alice.get(reverse("invoices:edit", args=[draft.pk]))
    assert page.status_code == 200 and 'value="Ramettes de papier A4"' in page.content.decode()
    as_alice.post(reverse("invoices:edit", args=[draft.pk]), form_post("draft", number="F-2026-0002"))
    assert Invoice.objects.get().number == "F-2026-0002"
    sent = invoice_deposit(
        supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    response = as_alice.get(reverse("invoices:edit", args=[sent.pk]))
    assert response.status_code == 302 and response.url == reverse("invoices:detail", args=[sent.pk])


def test_deleting_a_draft(as_alice, world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    response = as_alice.post(reverse("invoices:draft_delete", args=[draft.pk]))
    assert response.status_code == 302 and not Invoice.objects.exists()


# --- Access ---------------------------------------------------------------------------------


def test_invoice_page_access(client, world, django_capture_on_commit_callbacks):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(number="B-1"), actor=world["alice"])
    # (made available to Beaufort by the workflow after commit)
    with django_capture_on_commit_callbacks(execute=True):
        sent = invoice_deposit(
            supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
        )
    expectations = {
        "alice": {draft.pk: 200, sent.pk: 200},
        "carla": {draft.pk: 404, sent.pk: 200},  # the recipient's buyer: invoices made available only
        "david": {draft.pk: 404, sent.pk: 404},  # another public structure
        "bob": {draft.pk: 404, sent.pk: 404, 999999: 404},  # another supplier: like an unknown id
    }
    for name, pages in expectations.items():
        client.force_login(world[name])
        for pk, status in pages.items():
            assert client.get(reverse("invoices:detail", args=[pk])).status_code == status, (name, pk)
            assert client.get(reverse("invoices:edit", args=[pk])).status_code in (
                {200} if (name, pk) == ("alice", draft.pk) else {302, 404}
            )
    client.logout()
    assert client.get(reverse("invoices:detail", args=[sent.pk])).status_code == 302


def test_invoice_page_includes_the_followup_block_and_documents(as_alice, world):
    sent = invoice_deposit(
        supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    invoice_generate_document(invoice_id=sent.pk)
    html = as_alice.get(reverse("invoices:detail", args=[sent.pk])).content.decode()
    document = Document.objects.get(invoice=sent)
    assert reverse("invoices:document_download", args=[sent.pk, document.pk]) in html
    assert "Ventilation de la TVA" in html and "Montant à payer" in html


def test_download_checks_access_and_the_stored_fingerprint(
    client, world, settings, django_capture_on_commit_callbacks
):
    # (made available to Beaufort by the workflow after commit, with its Factur-X)
    with django_capture_on_commit_callbacks(execute=True):
        sent = invoice_deposit(
            supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
        )
    invoice_generate_document(invoice_id=sent.pk)
    document = Document.objects.get(invoice=sent)
    url = reverse("invoices:document_download", args=[sent.pk, document.pk])
    client.force_login(world["alice"])
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:5] == b"%PDF-" and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    # The recipient's buyer may download it; another supplier gets a 404
    client.force_login(world["carla"])
    assert client.get(url).status_code == 200
    client.force_login(world["bob"])
    assert client.get(url).status_code == 404
    # A document id of another invoice is unknown here
    other = invoice_deposit(
        supplier=world["acme"], data=valid_data(number="F-2"), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    client.force_login(world["alice"])
    assert client.get(reverse("invoices:document_download", args=[other.pk, document.pk])).status_code == 404
    # When the stored file no longer matches its SHA-256, it is not delivered
    with open(document.file.path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"ALTERE")
    response = client.get(url)
    assert response.status_code == 409
    assert "ne correspond plus à son empreinte SHA-256" in response.content.decode()


def test_deposit_certificate_download(client, world):
    sent = invoice_deposit(
        supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(number="B-1"), actor=world["alice"])
    client.force_login(world["alice"])
    response = client.get(reverse("invoices:certificate", args=[sent.pk]))
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert f"accuse-de-depot-{sent.pk}.pdf" in response["Content-Disposition"]
    assert client.get(reverse("invoices:certificate", args=[draft.pk])).status_code == 404
    client.force_login(world["bob"])
    assert client.get(reverse("invoices:certificate", args=[sent.pk])).status_code == 404


def test_drafts_page_is_paginated_without_count_and_lists_only_own_drafts(
    client, world, django_assert_max_num_queries
):
    for i in range(23):
        invoice_draft_save(supplier=world["acme"], data=valid_data(number=f"B-{i}"), actor=world["alice"])
    invoice_deposit(supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL")
    bakery_data = valid_data(number="BOULANGERIE-1")
    invoice_draft_save(supplier=world["bakery"], data=bakery_data, actor=world["bob"])
    client.force_login(world["alice"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("invoices:drafts"))
    html = response.content.decode()
    assert html.count("non transmise") >= 20
    assert "B-22" in html and "B-2<" not in html and "BOULANGERIE-1" not in html and "F-2026-0001" not in html
    assert "?page=2" in html
    page2 = client.get(reverse("invoices:drafts") + "?page=2").content.decode()
    assert "B-0" in page2 and "?page=3" not in page2


def test_dashboard_shows_the_supplier_actions_and_last_invoices(client, world):
    invoice_deposit(supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL")
    client.force_login(world["alice"])
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("invoices:create") in html and reverse("invoices:drafts") in html
    assert "F-2026-0001" in html


def test_confirmation_page_of_an_incomplete_draft_lists_what_is_missing_and_offers_no_send(as_alice, world):
    draft = invoice_draft_save(
        supplier=world["acme"], data=valid_data(service_code="", number=""), actor=world["alice"]
    )
    response = as_alice.get(reverse("invoices:send_confirm", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="CPRO-SERVICE-REQUIS"' in html and 'data-code="CPRO-NUMERO-REQUIS"' in html
    assert 'data-action="confirm-send"' not in html
