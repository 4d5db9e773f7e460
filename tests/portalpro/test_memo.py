"""Stories of the memo of court fees (A3_MEMOIRE_JUSTICE): web form, lifecycle, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.checks import InvoiceRejected
from invoices.choices import Framework, VatCategory
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document, Invoice
from notifications.models import Notification
from portalpro.services import MemoData, MemoLine, memo_submit
from tests.invoices.en16931 import blocking, schematron_failures
from tracking.notices import status_event_notify

from .conftest import EN16931_XSLT, MARIE_IBAN

pytestmark = pytest.mark.django_db


def memo_post(**overrides):
    data = {
        "recipient_siret": "17140000500020",
        "requisition": "REQ-2026-00417",
        "number": "MEM-2026-001",
        "invoice_date": "2026-11-30",
        "iban": MARIE_IBAN,
        "comment": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-designation": "Interprétariat en langue arabe, audience du 12 novembre",
        "lines-0-quantity": "3,5",
        "lines-0-unit": "HUR",
        "lines-0-unit_price": "42",
        "lines-1-designation": "Déplacement Caen – Bayeux aller-retour",
        "lines-1-quantity": "62",
        "lines-1-unit": "KMT",
        "lines-1-unit_price": "0,35",
        "lines-2-designation": "",
        "lines-2-quantity": "",
        "lines-2-unit": "HUR",
        "lines-2-unit_price": "",
    }
    data.update(overrides)
    return data


def test_an_interpreter_without_siret_sends_a_memo_the_court_pays_it(
    client, marie, lefevre, caen_court, court_clerk, django_capture_on_commit_callbacks
):
    # Given Marie, interpreter without a SIRET and not liable to VAT, on the memo form
    client.force_login(marie)
    page = client.get(reverse("portalpro:memo"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tribunal judiciaire de Caen" in body
    assert "TVA non applicable, art. 293 B du CGI" in body
    # When she sends her memo with two tariffed services and the requisition attached
    requisition = SimpleUploadedFile("requisition.pdf", b"%PDF-1.4\n% requisition\n", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portalpro:memo"), {**memo_post(), "attachments": [requisition]})
    # Then it is deposited as an A3 memo to the court, without VAT, with the legal mention
    memo = Invoice.objects.get(supplier=lefevre, number="MEM-2026-001")
    assert response.status_code == 302 and response["Location"] == reverse("invoices:detail", args=[memo.pk])
    assert memo.framework == Framework.A3 and memo.recipient == caen_court
    assert memo.engagement_number == "REQ-2026-00417"
    assert memo.total_ht == Decimal("168.70") and memo.total_vat == 0 and memo.amount_due == Decimal("168.70")
    assert memo.vat_exemption_reason == "TVA non applicable, art. 293 B du CGI"
    assert {line.vat_category for line in memo.lines.all()} == {VatCategory.NOT_SUBJECT}
    assert Document.objects.filter(invoice=memo, name="requisition.pdf").exists()
    # And, deposited, it was routed to the court after commit
    assert memo.iban == MARIE_IBAN and memo.status == S.MISE_A_DISPOSITION
    # When the court's clerk finds it in the inbox and takes it to payment
    client.force_login(court_clerk)
    assert memo.pk in [i.pk for i in client.get(reverse("inbox:list")).context["page"].invoices]
    url = reverse("inbox:detail", args=[memo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"to": S.SERVICE_FAIT, "statut_vu": S.MISE_A_DISPOSITION})
        client.post(url, {"to": S.MANDATEE, "mandate_number": "MDT-JUS-0007"})
        for to in (S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.MISE_EN_PAIEMENT):
            assert client.post(url, {"to": to}).status_code == 302
    memo.refresh_from_db()
    assert memo.status == S.MISE_EN_PAIEMENT
    # And Marie was notified at each step, up to the payment
    for event in StatusEvent.objects.filter(invoice=memo):
        status_event_notify(event_id=event.pk)
    titles = set(Notification.objects.filter(recipient=marie).values_list("title", flat=True))
    # (the deposit and its automatic steps are told in one notification, issue 17)
    assert "Facture MEM-2026-001 : Déposée et mise à disposition" in titles
    assert "Facture MEM-2026-001 : Mise en paiement" in titles


def test_the_memo_passes_the_en16931_rules_without_a_vat_number(marie, lefevre, caen_court):
    # Given a memo of a collaborator with no VAT number (category O, BR-O-02 / BR-O-10)
    from invoices.cii import invoice_cii_xml

    memo = memo_submit(
        supplier=lefevre,
        actor=marie,
        memo=MemoData(
            recipient_siret=caen_court.siret,
            number="MEM-XML-1",
            invoice_date=__import__("datetime").date(2026, 11, 2),
            requisition="REQ-1",
            iban=MARIE_IBAN,
            lines=[
                MemoLine(
                    designation="Traduction", quantity=Decimal(12), unit="C62", unit_price=Decimal("25.5")
                )
            ],
        ),
    )
    # When its CII XML is written
    xml = invoice_cii_xml(invoice=memo, lines=list(memo.lines.all()), vat_lines=list(memo.vat_lines.all()))
    # Then it passes the official EN 16931 schematron and carries the legal mention
    assert blocking(schematron_failures(xml, stylesheet=EN16931_XSLT)) == []
    assert b"TVA non applicable, art. 293 B du CGI" in xml
    assert b'schemeID="VA"' not in xml


def test_a_memo_without_requisition_is_refused_saying_requisition(client, marie, lefevre, caen_court):
    client.force_login(marie)
    # When Marie forgets the reference of the requisition
    response = client.post(reverse("portalpro:memo"), memo_post(requisition=""))
    # Then nothing is deposited and the message next to the field speaks of the requisition
    assert response.status_code == 200
    assert not Invoice.objects.filter(supplier=lefevre).exists()
    errors = response.context["form"].errors["requisition"]
    assert "réquisition" in errors[0]


def test_a_memo_to_a_structure_that_is_not_a_court_is_refused(client, marie, lefevre, caen_court, beaufort):
    # Given a service call that bypasses the list of courts
    with pytest.raises(InvoiceRejected) as exc:
        memo_submit(
            supplier=lefevre,
            actor=marie,
            memo=MemoData(
                recipient_siret=beaufort.siret,
                number="M-1",
                invoice_date=__import__("datetime").date(2026, 11, 2),
                requisition="REQ-9",
                iban=MARIE_IBAN,
                lines=[
                    MemoLine(designation="Heures", quantity=Decimal(1), unit="HUR", unit_price=Decimal(40))
                ],
            ),
        )
    # Then the memo is refused: Beaufort receives no memo of court fees
    assert "CPRO-A3-DESTINATAIRE" in [e.code for e in exc.value.errors]


def test_a_collaborator_not_liable_to_vat_cannot_charge_vat(marie, lefevre, caen_court):
    with pytest.raises(InvoiceRejected) as exc:
        memo_submit(
            supplier=lefevre,
            actor=marie,
            memo=MemoData(
                recipient_siret=caen_court.siret,
                number="M-2",
                invoice_date=__import__("datetime").date(2026, 11, 2),
                requisition="REQ-9",
                iban=MARIE_IBAN,
                lines=[
                    MemoLine(
                        designation="Heures",
                        quantity=Decimal(1),
                        unit="HUR",
                        unit_price=Decimal(40),
                        vat_rate=Decimal(20),
                    )
                ],
            ),
        )
    assert "CPRO-A3-TVA" in [e.code for e in exc.value.errors]


def test_an_expert_liable_to_vat_charges_vat_on_the_memo(client, alice, acme, caen_court):
    # Given ACME (SIRET, VAT number) requisitioned as an expert
    from suppliers.models import BankAccount

    BankAccount.objects.create(structure=acme, iban=MARIE_IBAN)
    client.force_login(alice)
    assert "Vous êtes assujetti à la TVA" in client.get(reverse("portalpro:memo")).content.decode()
    # When it sends a memo at 20 %
    client.post(reverse("portalpro:memo"), memo_post(**{"lines-0-vat_rate": "20", "lines-1-vat_rate": "20"}))
    # Then the VAT is charged
    memo = Invoice.objects.get(supplier=acme, number="MEM-2026-001")
    assert memo.total_vat == Decimal("33.74") and memo.vat_exemption_reason == ""


def test_a_person_without_siret_may_not_send_an_ordinary_invoice(marie, lefevre, beaufort):
    # Given the one rule of who may send which framework
    from invoices.frameworks import framework_refusal, frameworks_open_to

    # Then a person without a SIRET may only send memos of court fees
    assert frameworks_open_to(supplier=lefevre) == [Framework.A3]
    refusal = framework_refusal(supplier=lefevre, framework=Framework.A1)
    assert refusal.code == "CPRO-CADRE-PARTICULIER"
    assert "mémoires de frais de justice" in refusal.message


def test_the_invoice_form_offers_only_the_frameworks_the_supplier_may_send(client, marie, alice):
    # Given Marie without a SIRET: the invoice form sends her to the forms open to her
    client.force_login(marie)
    response = client.get(reverse("invoices:create"))
    assert response.status_code == 302 and response["Location"] == reverse("portalpro:home")
    # Given Alice (ACME, Angers): the invoice form offers neither memos nor TIC/TICGN refunds
    client.force_login(alice)
    form = client.get(reverse("invoices:create")).context["form"]
    choices = [code for code, _label in form.fields["framework"].choices]
    assert Framework.A1 in choices and Framework.A3 not in choices and Framework.A21 not in choices
