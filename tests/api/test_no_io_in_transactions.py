"""No file storage or e-mail I/O happens inside a database transaction (style §5): a deposit
writes its files before its transaction, the workflow writes the Factur-X and sends the e-mails
after commit, and the API's Idempotency-Key is claimed in its own short transaction while the
deposit runs outside any."""

from __future__ import annotations

import base64

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction

from cpro.samples import demo_facturx
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from invoices.services import invoice_deposit
from tests.invoices.conftest import valid_data


@pytest.fixture
def io_inside_transactions(monkeypatch):
    """Every storage write and e-mail, with whether a transaction was open at that moment."""
    seen: list[tuple[str, bool]] = []
    save, send = FileSystemStorage._save, EmailBackend.send_messages

    def spy_save(self, name, content):
        seen.append((f"fichier {name}", connection.in_atomic_block))
        return save(self, name, content)

    def spy_send(self, messages):
        seen.append((f"{len(messages)} e-mail(s)", connection.in_atomic_block))
        return send(self, messages)

    monkeypatch.setattr(FileSystemStorage, "_save", spy_save)
    monkeypatch.setattr(EmailBackend, "send_messages", spy_send)
    return seen


@pytest.mark.django_db(transaction=True)
def test_an_api_deposit_with_an_idempotency_key_writes_files_outside_transactions(
    api, acme, beaufort, alice, carla, io_inside_transactions
):
    # Given a connector depositing a Factur-X with an Idempotency-Key (real commits: no test
    # transaction around the request, the after-commit work runs as in production)
    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FA-2026-0201"
    )
    body = {
        "fichierFlux": base64.b64encode(content).decode(),
        "nomFichier": name,
        "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
    }
    # When it is deposited and integrated up to availability
    response = api.call("/cpro/factures/v1/deposer/flux", body, headers={"Idempotency-Key": "cle-io"})
    assert response.status_code == 200, response.content
    # Then the invoice is available, files and e-mails went out, and never inside a transaction
    assert Invoice.objects.get(number="FA-2026-0201").status == S.MISE_A_DISPOSITION
    assert any(what.startswith("fichier") for what, _ in io_inside_transactions)
    assert any("e-mail" in what for what, _ in io_inside_transactions)
    assert [what for what, inside in io_inside_transactions if inside] == []


@pytest.mark.django_db(transaction=True)
def test_a_web_form_deposit_generates_its_pdf_outside_transactions(
    acme, alice, beaufort, io_inside_transactions
):
    # Given a supplier's invoice entered on the portal (its Factur-X is made by the workflow)
    invoice = invoice_deposit(supplier=acme, data=valid_data(), actor=alice, channel="SAISIE_PORTAIL")
    # Then it was made available with its legal document, written outside any transaction
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.documents.filter(role="FACTURE").exists()
    assert [what for what, inside in io_inside_transactions if inside] == []


@pytest.mark.django_db(transaction=True)
def test_top_level_deposit_services_refuse_to_run_inside_a_callers_transaction(acme, alice, beaufort):
    # A deposit is a top-level transaction (durable): nested in another, its after-commit work
    # and its I/O boundaries would be wrong.
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_deposit(supplier=acme, data=valid_data(), actor=alice, channel="SAISIE_PORTAIL")
