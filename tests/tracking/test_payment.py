"""Payment delays and late-payment interest, with fixed dates (reference §6.1, §6.2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from entities.models import PublicCategory
from invoices.lifecycle.models import EcbRate
from invoices.lifecycle.payment import ecb_rate_for, interest_amount, invoice_lateness, lateness
from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.factories import PublicStructureFactory
from tracking.services import invoice_buyer_process, invoice_complete

from .factories import advance, make_invoice

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("category", "due"),
    [
        (PublicCategory.COLLECTIVITE, date(2026, 4, 1)),  # 30 days (art. R.2192-10)
        (PublicCategory.ETAT, date(2026, 4, 1)),
        (PublicCategory.SANTE, date(2026, 4, 21)),  # 50 days (art. R.2192-11)
        (PublicCategory.ENTREPRISE_PUBLIQUE, date(2026, 5, 1)),  # 60 days
    ],
)
def test_due_date_is_the_deposit_date_plus_the_legal_delay(acme, category, due):
    recipient = PublicStructureFactory(category=category)
    # Deposited at 23:30 in Paris on 2 March (22:30 UTC): the French calendar day counts
    invoice = make_invoice(supplier=acme, recipient=recipient, deposited_at=at("2026-03-02T23:30:00"))
    advance(invoice, S.MISE_A_DISPOSITION)
    assert invoice.due_date == due


def test_suspension_stops_the_clock_and_completion_restarts_it(acme, alice, beaufort, finances, carla):
    with freeze_time(at("2026-03-02T10:00:00")):
        invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances)
        advance(invoice, S.MISE_A_DISPOSITION)
    assert invoice.due_date == date(2026, 4, 1)
    # Suspended on 10 March
    with freeze_time(at("2026-03-10T09:00:00")):
        invoice_buyer_process(invoice_id=invoice.pk, to=S.SUSPENDUE, actor=carla, reason_code="JUSTIF_ABS")
    invoice.refresh_from_db()
    assert invoice.clock_paused_at is not None
    # On 15 March the due date shown is already 5 days later (clock stopped)
    position = invoice_lateness(invoice, today=date(2026, 3, 15))
    assert position.clock_paused and position.due_date == date(2026, 4, 6) and not position.overdue
    # Completed on 17 March: 7 days of suspension
    with freeze_time(at("2026-03-17T16:00:00")):
        invoice_complete(invoice_id=invoice.pk, actor=alice, comment="Bon de livraison joint", attachments=[])
    invoice.refresh_from_db()
    assert (invoice.paused_days, invoice.due_date, invoice.clock_paused_at) == (7, date(2026, 4, 8), None)
    # A second suspension adds up
    with freeze_time(at("2026-03-20T09:00:00")):
        invoice_buyer_process(invoice_id=invoice.pk, to=S.SUSPENDUE, actor=carla, reason_code="JUSTIF_ABS")
    with freeze_time(at("2026-03-22T09:00:00")):
        invoice_buyer_process(invoice_id=invoice.pk, to=S.MISE_A_DISPOSITION, actor=carla)
    invoice.refresh_from_db()
    assert (invoice.paused_days, invoice.due_date) == (9, date(2026, 4, 10))


def test_interest_is_the_ecb_rate_plus_8_points_pro_rata_plus_40_euros(db):
    # Due 31 March 2024, paid 15 May 2024: 45 days late; interest runs from 1 April 2024, in the
    # first half-year 2024, whose ECB rate is 4.50 %: 12.50 % a year.
    position = lateness(
        status=S.MISE_EN_PAIEMENT,
        due_date=date(2024, 3, 31),
        amount=Decimal("10000.00"),
        paid_at=at("2024-05-15T10:00:00"),
        today=date(2024, 9, 1),
    )
    assert position.days_late == 45 and position.paid
    assert position.rate == Decimal("12.50")
    # 10 000 × 45 / 365 × 12.5 % = 154.109… → 154.11 €
    assert position.interest == Decimal("154.11")
    assert position.indemnity == Decimal("40.00") and position.total == Decimal("194.11")
    assert position.rate_is_current


def test_the_half_year_is_the_one_in_which_interest_starts(db):
    # Due 30 June 2024: interest starts on 1 July 2024, second half-year (4.25 % + 8)
    position = lateness(
        status=S.SERVICE_FAIT, due_date=date(2024, 6, 30), amount=Decimal("3650.00"), today=date(2024, 7, 10)
    )
    assert position.days_late == 10 and position.rate == Decimal("12.25")
    # 3 650 × 10 / 365 × 12.25 % = 12.25 €
    assert position.interest == Decimal("12.25")


def test_an_unrecorded_half_year_uses_the_last_known_rate_and_says_so(db):
    EcbRate.objects.filter(starts_on__gte=date(2026, 1, 1)).delete()
    position = lateness(
        status=S.MISE_A_DISPOSITION,
        due_date=date(2026, 4, 1),
        amount=Decimal("1200.00"),
        today=date(2026, 5, 1),
    )
    # 30 days late at 2.15 % + 8 (rate of the second half-year 2025)
    assert position.days_late == 30 and position.rate == Decimal("10.15")
    assert position.rate_half_year == date(2025, 7, 1) and not position.rate_is_current
    # 1 200 × 30 / 365 × 10.15 % = 10.011 → 10.01 €
    assert position.interest == Decimal("10.01")
    # Once the administrator records the half-year, it is used
    EcbRate.objects.create(starts_on=date(2026, 1, 1), rate=Decimal("2.00"))
    assert ecb_rate_for(date(2026, 4, 2)) == (Decimal("2.000"), date(2026, 1, 1))


def test_no_interest_when_paid_in_time_or_not_payable(db):
    on_time = lateness(
        status=S.MISE_EN_PAIEMENT,
        due_date=date(2026, 4, 1),
        amount=Decimal("100"),
        paid_at=at("2026-04-01T18:00:00"),
        today=date(2026, 6, 1),
    )
    assert not on_time.overdue and on_time.total == Decimal("0.00")
    rejected = lateness(
        status=S.REJETEE, due_date=date(2026, 4, 1), amount=Decimal("100"), today=date(2026, 6, 1)
    )
    assert not rejected.overdue
    assert interest_amount(amount=Decimal("0"), days_late=10, annual_rate=Decimal("10")) == Decimal("0.00")


def test_a_credit_note_is_never_late(acme, beaufort, finances):
    credit_note = make_invoice(
        supplier=acme,
        recipient=beaufort,
        service=finances,
        kind="AVOIR",
        deposited_at=at("2026-01-05T10:00:00"),
    )
    advance(credit_note, S.MISE_A_DISPOSITION, at=at("2026-01-05T10:05:00"))
    assert not invoice_lateness(credit_note, today=date(2026, 6, 1)).overdue


def test_ecb_rates_are_data_the_admin_can_update(admin_client):
    # Only half-year starts are accepted
    with pytest.raises(ValidationError) as exc:
        EcbRate(starts_on=date(2026, 3, 1), rate=Decimal("2")).full_clean()
    assert "1er janvier ou le 1er juillet" in str(exc.value)
    response = admin_client.post("/admin/invoices/ecbrate/add/", {"starts_on": "01/07/2026", "rate": "2.15"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EcbRate.objects.get(starts_on=date(2026, 7, 1)).rate == Decimal("2.15")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
