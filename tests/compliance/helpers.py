"""Helpers of the compliance stories: invoices as the lifecycle would have left them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from invoices.choices import Channel
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice

PARIS = ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def make_invoice(
    *,
    supplier,
    recipient,
    deposited: datetime,
    number: str,
    channel: str = Channel.SAISIE_PORTAIL,
    status: str = InvoiceStatus.MISE_A_DISPOSITION,
    total_ttc: Decimal = Decimal("120.00"),
    available_after_hours: float | None = None,
    paid: datetime | None = None,
    due_date: date | None = None,
) -> Invoice:
    """A sent invoice with its history rows (deposit, availability, payment)."""
    total_ht = (total_ttc / Decimal("1.2")).quantize(Decimal("0.01"))
    invoice = Invoice.objects.create(
        supplier=supplier,
        recipient=recipient,
        number=number,
        invoice_date=deposited.date(),
        invoice_year=deposited.year,
        channel=channel,
        status=status,
        deposited_at=deposited,
        status_changed_at=deposited,
        total_ht=total_ht,
        total_vat=total_ttc - total_ht,
        total_ttc=total_ttc,
        amount_due=total_ttc,
        paid_at=paid,
        due_date=due_date,
    )
    StatusEvent.objects.create(invoice=invoice, status=InvoiceStatus.DEPOSEE, at=deposited)
    if available_after_hours is not None:
        from datetime import timedelta

        StatusEvent.objects.create(
            invoice=invoice,
            status=InvoiceStatus.MISE_A_DISPOSITION,
            previous_status=InvoiceStatus.EN_COURS_ACHEMINEMENT,
            at=deposited + timedelta(hours=available_after_hours),
        )
    if paid is not None:
        StatusEvent.objects.create(
            invoice=invoice,
            status=InvoiceStatus.MISE_EN_PAIEMENT,
            previous_status=InvoiceStatus.MANDATEE,
            at=paid,
        )
    return invoice
