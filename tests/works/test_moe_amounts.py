"""The maître d'œuvre corrects the amount of a draft monthly statement (issue 14): it validates
its progress-payment statement at the amount it accepts, with a reason. The contractor's document
keeps its amounts; the MOE's amount is recorded beside them, in the history, in the contractor's
notification, on every side's page and in the API, and it is what the maître d'ouvrage pays."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from common.formats import format_money
from invoices.choices import Framework
from invoices.lifecycle.machine import TransitionError
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.payment import interest_amount, invoice_lateness
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from notifications.models import Notification
from tests.tracking.factories import advance, make_invoice
from tracking.forms import ValidatorForm
from tracking.services import InvalidRequest, invoice_validator_process

from .test_moe_circuit import F, a4_body

pytestmark = pytest.mark.django_db

DRAFT_TTC = Decimal("15000.00")  # 12 500 € HT + 20 % VAT, as ACME claims it
VALIDATED_TTC = Decimal("14160.00")  # 11 800 € HT + 20 % VAT, as the MOE accepts it
REASON = "Avancement constaté à 48 % au lieu de 50 %"


@pytest.fixture
def statement(acme, beaufort, moreau, django_capture_on_commit_callbacks):
    """ACME's A4 draft monthly statement of 15 000 € TTC, waiting for Atelier Moreau."""
    technique = beaufort.services.get(code="TECHNIQUE")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(
            supplier=acme,
            recipient=beaufort,
            service=technique,
            framework=Framework.A4,
            validator=moreau,
            total_ht=Decimal("12500.00"),
        )
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_MOE and invoice.amount_due == DRAFT_TTC
    return invoice


def correction_text(reason: str = REASON) -> str:
    return f"Montant corrigé : {format_money(DRAFT_TTC)} → {format_money(VALIDATED_TTC)} — {reason}"


def test_the_moe_corrects_the_amount_on_its_page_and_every_side_sees_both(
    client, alice, carla, maxime, statement, django_capture_on_commit_callbacks
):
    # Given the MOE's page offers the amount field, with the draft's amount in its hint
    client.force_login(maxime)
    url = reverse("tracking:validation_detail", args=[statement.pk])
    page = client.get(url).content.decode()
    assert "Montant TTC validé (si vous corrigez le montant du projet de décompte)" in page
    assert format_money(DRAFT_TTC) in page
    # When the MOE validates at 14 160 € with a reason (typed the French way)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "VALIDATION", "validated_amount": "14 160,00", "comment": REASON}
        )
    assert response.status_code == 302
    # Then the document goes on to the commune, its own amounts untouched, the MOE's beside them
    invoice = Invoice.objects.get(pk=statement.pk)
    assert invoice.status == S.MISE_A_DISPOSITION
    assert (invoice.total_ttc, invoice.amount_due) == (DRAFT_TTC, DRAFT_TTC)
    assert invoice.moe_amount_due == VALIDATED_TTC and invoice.amount_payable == VALIDATED_TTC
    # And the history records the correction and its reason
    event = StatusEvent.objects.get(invoice=invoice, status=S.TRANSMISE_MOA)
    assert event.comment == correction_text() and event.actor_id == maxime.pk
    # And ACME was told of the corrected amount, and of its right to object (one notification for
    # the chain: transmitted to the MOA, routed, made available)
    note = Notification.objects.filter(recipient=alice, invoice=invoice).order_by("-pk").first()
    assert note is not None and str(S.TRANSMISE_MOA.label) in note.body
    assert correction_text() in note.body
    assert f"{format_money(VALIDATED_TTC)[:-2]} € au lieu de {format_money(DRAFT_TTC)[:-2]} €" in note.body
    assert "30 jours" in note.body
    # And ACME's invoice page shows both amounts
    both = (
        f"Montant du projet de décompte : {format_money(DRAFT_TTC)} — Montant validé par le maître "
        f"d'œuvre : <strong>{format_money(VALIDATED_TTC)}</strong>"
    )
    client.force_login(alice)
    assert both in client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    # And so do the commune's pages, and its inbox row shows the amount it pays
    client.force_login(carla)
    assert both in client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    inbox_page = client.get(reverse("inbox:detail", args=[invoice.pk])).content.decode()
    assert both in inbox_page and "data-moe-amount-row" in inbox_page
    row = client.get(reverse("inbox:list")).content.decode()
    assert f"{format_money(VALIDATED_TTC)}<br>" in row and "validé par le maître d'œuvre" in row
    # And the commune was told of the amount it pays
    buyer_note = Notification.objects.filter(recipient=carla, invoice=invoice).get()
    assert f"à payer : {format_money(VALIDATED_TTC)[:-2]} €" in buyer_note.body
    # And late-payment interest, once due, runs on the MOE's amount
    late = invoice_lateness(invoice, today=invoice.due_date + timedelta(days=30))
    assert late.days_late == 30
    assert late.interest == interest_amount(amount=VALIDATED_TTC, days_late=30, annual_rate=late.rate)
    assert late.interest != interest_amount(amount=DRAFT_TTC, days_late=30, annual_rate=late.rate)


def test_a_correction_without_reason_is_refused_in_french(client, maxime, statement):
    # When the MOE changes the amount without saying why
    client.force_login(maxime)
    url = reverse("tracking:validation_detail", args=[statement.pk])
    response = client.post(url, {"action": "VALIDATION", "validated_amount": "14160", "comment": ""})
    # Then the page says so next to the reason, and nothing changed
    assert response.status_code == 200
    assert "Indiquez le motif de la correction du montant" in response.content.decode()
    assert response.context["form"].errors["comment"]
    invoice = Invoice.objects.get(pk=statement.pk)
    assert invoice.status == S.A_VALIDER_MOE and invoice.moe_amount_due is None
    # And the reason's label is no longer marked optional for the page as rendered
    assert response.context["form"].fields["comment"].required_now


def test_the_same_amount_is_no_correction(maxime, statement):
    # When the MOE types the draft's own amount, without a reason
    invoice_validator_process(
        invoice_id=statement.pk, actor=maxime, action="VALIDATION", validated_amount=DRAFT_TTC
    )
    # Then it is a plain validation
    invoice = Invoice.objects.get(pk=statement.pk)
    assert invoice.status == S.TRANSMISE_MOA and invoice.moe_amount_due is None
    assert StatusEvent.objects.get(invoice=invoice, status=S.TRANSMISE_MOA).comment == ""


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "Le montant validé doit être supérieur à zéro."),
        (Decimal("-100.00"), "Le montant validé doit être supérieur à zéro."),
        (Decimal("14160.005"), "au centime près"),
    ],
)
def test_a_bad_amount_is_refused(maxime, statement, amount, message):
    with pytest.raises(InvalidRequest) as refused:
        invoice_validator_process(
            invoice_id=statement.pk,
            actor=maxime,
            action="VALIDATION",
            comment=REASON,
            validated_amount=amount,
        )
    assert message in refused.value.errors["validated_amount"]
    assert Invoice.objects.get(pk=statement.pk).status == S.A_VALIDER_MOE


def test_a_refusal_carries_no_amount(maxime, statement):
    with pytest.raises(InvalidRequest) as refused:
        invoice_validator_process(
            invoice_id=statement.pk,
            actor=maxime,
            action="REFUS",
            comment="Métrés absents",
            validated_amount=VALIDATED_TTC,
        )
    assert "un refus n'en a pas" in refused.value.errors["validated_amount"]
    assert Invoice.objects.get(pk=statement.pk).status == S.A_VALIDER_MOE


def test_a_prime_contractor_cannot_send_an_amount(alice, acme, bakery, beaufort):
    # Given the bakery's A9 invoice waiting for ACME's validation (prime contractor, not a MOE)
    invoice = advance(
        make_invoice(supplier=bakery, recipient=beaufort, framework=Framework.A9, validator=acme),
        S.A_VALIDER_1,
    )
    # When ACME sends an amount with its validation, it is refused and nothing changes
    with pytest.raises(InvalidRequest) as refused:
        invoice_validator_process(
            invoice_id=invoice.pk,
            actor=alice,
            action="VALIDATION",
            comment="Montant revu",
            validated_amount=Decimal("900.00"),
        )
    assert "Seul le maître d'œuvre" in refused.value.errors["validated_amount"]
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1 and invoice.moe_amount_due is None
    # And its form has no amount field at all
    assert "validated_amount" not in ValidatorForm(moe=False).fields
    assert "validated_amount" in ValidatorForm(moe=True, document_amount=DRAFT_TTC).fields


def test_a_reason_too_long_for_the_history_is_refused(maxime, statement):
    with pytest.raises(InvalidRequest) as refused:
        invoice_validator_process(
            invoice_id=statement.pk,
            actor=maxime,
            action="VALIDATION",
            comment="x" * 250,
            validated_amount=VALIDATED_TTC,
        )
    assert "ne doit pas dépasser" in refused.value.errors["comment"]


def test_an_unknown_invoice_is_refused(maxime):
    with pytest.raises(TransitionError):
        invoice_validator_process(
            invoice_id=987654, actor=maxime, action="VALIDATION", validated_amount=Decimal(1)
        )


# --- API -----------------------------------------------------------------------------------------


def _deposit_a4(api, number: str, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(F + "soumettre", a4_body(number))
    assert response.status_code == 200, response.json()
    return response.json()["identifiantFactureCPP"]


def test_the_moe_corrects_through_the_api_and_consulter_shows_it(
    api, alice, acme, beaufort, moreau, moe_account, django_capture_on_commit_callbacks
):
    # Given ACME's A4 of 12 500 € HT (15 000 € TTC) waiting for Atelier Moreau
    invoice_id = _deposit_a4(api, "PDM-API-CORR", django_capture_on_commit_callbacks)
    body = {"idFacture": invoice_id, "action": "VALIDATION", "typeValideur": "MOE"}
    # When the MOE sends a corrected amount without a reason
    refused = api.call(
        F + "traiter/factureAValider", {**body, "montantValideMOE": 14160}, account="TECH-MOREAU"
    )
    # Then it is refused with the code of a bad request and a French message on the reason
    assert refused.status_code == 400
    payload = refused.json()
    assert payload["codeRetour"] == 20001
    assert payload["listeErreurs"] == [
        {
            "champ": "motifRefus",
            "message": "Indiquez le motif de la correction du montant : l'entreprise le verra.",
        }
    ]
    # And a negative amount is refused on its own field
    negative = api.call(
        F + "traiter/factureAValider",
        {**body, "montantValideMOE": -5, "complementInfo": REASON},
        account="TECH-MOREAU",
    ).json()
    assert negative["codeRetour"] == 20001
    assert negative["listeErreurs"][0]["champ"] == "montantValideMOE"
    # When it validates at 14 160 € with its reason in complementInfo
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            F + "traiter/factureAValider",
            {**body, "montantValideMOE": 14160, "complementInfo": REASON},
            account="TECH-MOREAU",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["statutFacture"] == S.TRANSMISE_MOA
    # Then the history has the correction
    event = StatusEvent.objects.get(invoice_id=invoice_id, status=S.TRANSMISE_MOA)
    assert event.comment == correction_text()
    # And consulter answers it to the contractor and to the commune, beside the draft's amount
    for path, account in (
        ("consulter/fournisseur", "TECH-ACME"),
        ("consulter/recipiendaire", "TECH-BEAUFORT"),
    ):
        detail = api.call(F + path, {"identifiantFactureCPP": invoice_id}, account=account).json()
        assert detail["facture"]["montantTotal"]["montantValideMOE"] == 14160.0
        assert detail["facture"]["montantTotal"]["montantAPayer"] == 15000.0
        assert detail["montantTotal"]["montantValideMOE"] == 14160.0
    # And the works search too
    rows = api.call("/cpro/facturesTravaux/v1/rechercher", {}).json()["listeFacturesTravaux"]
    assert [r["montantValideMOE"] for r in rows if r["idFactureTravaux"] == invoice_id] == [14160.0]


def test_consulter_answers_null_without_correction(
    api, acme, beaufort, moreau, django_capture_on_commit_callbacks
):
    invoice_id = _deposit_a4(api, "PDM-API-SANS", django_capture_on_commit_callbacks)
    detail = api.call(F + "consulter/fournisseur", {"identifiantFactureCPP": invoice_id}).json()
    assert detail["facture"]["montantTotal"]["montantValideMOE"] is None
