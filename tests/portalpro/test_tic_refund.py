"""Stories of the TIC/TICGN refund request (A21_DEMANDE_REMBOURSEMENT_TIC): web form, official
rates, who may send it, the lifecycle to payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.choices import Framework, VatCategory
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from portalpro.models import TicRefundRate
from tests.invoices.en16931 import blocking, schematron_failures

from .conftest import EN16931_XSLT, GAEC_IBAN

pytestmark = pytest.mark.django_db
PERIOD_2021 = "2021-01-01_2021-12-31"


def tic_post(**overrides):
    data = {
        "period": PERIOD_2021,
        "recipient_siret": "13000456700017",
        "number": "TIC-2021",
        "iban": GAEC_IBAN,
        "volume_GNR": "85,5",
        "volume_GN_COMBUSTIBLE": "12",
        "comment": "",
    }
    data.update(overrides)
    return data


def test_the_official_rates_of_2021_are_published_with_their_source(client, paul, customs):
    # Given the rates table seeded by the migrations (instruction of 28 March 2022)
    gnr = TicRefundRate.objects.get(product="GNR", period_start=dt.date(2021, 1, 1))
    assert gnr.rate == Decimal("14.96") and gnr.unit == "HLT"
    assert TicRefundRate.objects.get(product="GN_COMBUSTIBLE").rate == Decimal("7.89")
    assert TicRefundRate.objects.get(product="FIOUL_LOURD").rate == Decimal("13.765")
    # When the farmer opens the form
    client.force_login(paul)
    body = client.get(reverse("portalpro:tic")).content.decode()
    # Then the rates and their source are shown
    assert "Gazole non routier" in body and "14,96" in body
    assert "Instruction du 28 mars 2022" in body


def test_a_farm_of_calvados_asks_for_its_refund_and_is_paid(
    client, paul, gaec, customs, django_capture_on_commit_callbacks
):
    # Given Paul of the GAEC des Prés Verts (Calvados, 14) on the refund form
    client.force_login(paul)
    # When he declares 85,5 hl of GNR and 12 MWh of natural gas consumed in 2021
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portalpro:tic"), tic_post())
    # Then an A21 request goes to the customs office, one line per product at the official rate
    request = Invoice.objects.get(supplier=gaec, number="TIC-2021")
    assert response.status_code == 302
    assert request.framework == Framework.A21 and request.recipient == customs
    lines = list(request.lines.order_by("position"))
    assert [(line.reference, line.quantity, line.unit_price, line.unit) for line in lines] == [
        ("GNR", Decimal("85.5"), Decimal("14.96"), "HLT"),
        ("GN_COMBUSTIBLE", Decimal("12"), Decimal("7.89"), "MWH"),
    ]
    # and the amount is computed, without VAT and without any exemption reason asked
    assert request.total_ht == Decimal("1373.76")  # 85,5 × 14,96 + 12 × 7,89
    assert request.total_vat == 0 and request.amount_due == Decimal("1373.76")
    assert {line.vat_category for line in lines} == {VatCategory.NOT_SUBJECT}
    assert "hors du champ de la TVA" in request.vat_exemption_reason
    # When the customs office (routed after commit) processes it to payment
    request.refresh_from_db()
    assert request.status == S.MISE_A_DISPOSITION
    _walk_to_payment(request)
    # Then the request is paid
    request.refresh_from_db()
    assert request.status == S.MISE_EN_PAIEMENT and request.paid_at is not None


def _walk_to_payment(invoice):
    from invoices.lifecycle.machine import invoice_transition
    from invoices.lifecycle.models import ActorRole

    for step in (
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
    ):
        changes = {"mandate_number": "MDT-DOU-1"} if step == S.MANDATEE else None
        invoice_transition(
            invoice_id=invoice.pk,
            to=step,
            role=ActorRole.BUYER,
            actor=None,
            **({"changes": changes} if changes else {}),
        )


def test_the_refund_passes_the_en16931_rules(paul, gaec, customs):
    from invoices.cii import invoice_cii_xml
    from portalpro.selectors import TicPeriod
    from portalpro.services import TicRefundData, tic_refund_submit

    request = tic_refund_submit(
        supplier=gaec,
        actor=paul,
        request=TicRefundData(
            recipient_siret=customs.siret,
            number="TIC-XML",
            invoice_date=dt.date(2026, 11, 2),
            period=TicPeriod.from_key(PERIOD_2021),
            volumes={"FIOUL_LOURD": Decimal("40")},
            iban=GAEC_IBAN,
        ),
    )
    xml = invoice_cii_xml(
        invoice=request, lines=list(request.lines.all()), vat_lines=list(request.vat_lines.all())
    )
    assert blocking(schematron_failures(xml, stylesheet=EN16931_XSLT)) == []
    # BR-O-02: no seller VAT number on an invoice wholly outside the scope of VAT
    assert b"FR82423456789" not in xml


def test_a_farm_outside_the_experiment_is_told_why_naming_its_department(client, yann, kerlann, customs):
    # Given Yann of the EARL de Kerlann, head office in Finistère (29)
    client.force_login(yann)
    # When he opens the refund form
    response = client.get(reverse("portalpro:tic"))
    # Then he is told why he may not send it, naming his department
    body = response.content.decode()
    assert response.status_code == 403
    assert "Finistère (29)" in body and "expérimentation" in body
    # and a request sent by another way is refused with the same reason
    from invoices.checks import InvoiceRejected
    from portalpro.selectors import TicPeriod
    from portalpro.services import TicRefundData, tic_refund_submit

    with pytest.raises(InvoiceRejected) as exc:
        tic_refund_submit(
            supplier=kerlann,
            actor=yann,
            request=TicRefundData(
                recipient_siret=customs.siret,
                number="TIC-1",
                invoice_date=dt.date(2026, 11, 2),
                period=TicPeriod.from_key(PERIOD_2021),
                volumes={"GNR": Decimal(10)},
                iban=GAEC_IBAN,
            ),
        )
    (error,) = [e for e in exc.value.errors if e.code == "CPRO-A21-DEPARTEMENT"]
    assert "Finistère (29)" in error.message
    assert not Invoice.objects.filter(supplier=kerlann).exists()


def test_a_person_without_siret_may_not_ask_for_a_tic_refund(client, marie, lefevre, customs):
    client.force_login(marie)
    response = client.get(reverse("portalpro:tic"))
    assert response.status_code == 403
    assert "SIRET" in response.content.decode()
    # And the list of forms tells her the same, and offers the memo
    home = client.get(reverse("portalpro:home")).content.decode()
    assert "réservée aux exploitants" in home and reverse("portalpro:memo") in home


def test_a_request_without_any_volume_is_refused(client, paul, gaec, customs):
    client.force_login(paul)
    response = client.post(reverse("portalpro:tic"), tic_post(volume_GNR="", volume_GN_COMBUSTIBLE=""))
    assert response.status_code == 200
    assert "Indiquez le volume consommé" in response.content.decode()
    assert not Invoice.objects.filter(supplier=gaec).exists()


@pytest.mark.parametrize(
    ("postcode", "department", "open_"),
    [
        ("14310", "14", True),
        ("75011", "75", True),
        ("02100", "02", True),
        ("29800", "29", False),
        ("20167", "2A", False),
        ("97400", "974", False),
    ],
)
def test_the_experiment_is_decided_by_the_department_of_the_head_office(gaec, postcode, department, open_):
    from invoices.frameworks import department_of, framework_refusal

    gaec.postcode = postcode
    assert department_of(postcode) == department
    assert (framework_refusal(supplier=gaec, framework=Framework.A21) is None) is open_


def test_an_admin_edits_the_official_rates_and_the_form_uses_them(client, admin_user, paul, customs):
    # Given an admin on the rates table
    client.force_login(admin_user)
    assert client.get(reverse("admin:portalpro_ticrefundrate_changelist")).status_code == 200
    # When a new period is published and entered
    rate = TicRefundRate.objects.create(
        product="GNR",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        rate=Decimal("14.96"),
        unit="HLT",
        unit_label="hectolitre",
        source="Arrêté de test",
    )
    # Then the farmer's form offers that period and its rate, most recent first
    client.force_login(paul)
    form = client.get(reverse("portalpro:tic")).context["form"]
    assert form.fields["period"].choices[0][0] == "2022-01-01_2022-12-31"
    assert [r.pk for r in form.rates] == [rate.pk]
