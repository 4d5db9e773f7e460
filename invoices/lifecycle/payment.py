"""Payment delays and late-payment interest of public buyers (reference §6.1, §6.2).

- Délai global de paiement (Code de la commande publique, art. R.2192-10 and R.2192-11): 30 days
  for the State and local authorities, 50 for public health establishments, 60 for public
  undertakings, from the date the payment request is received (art. R.2192-12): with Chorus
  Pro, the deposit date on the certificate.
- A suspension stops the clock; the completion (or the buyer lifting the suspension) restarts
  it (art. R.2192-27: the delay is suspended once, until the supplier sends what is missing).
- Late-payment interest (décret 2013-269, art. 8 and 9): the ECB main refinancing rate in force
  on the first day of the half-year in which interest started to run, plus 8 points, pro rata
  temporis on a 365-day year, plus a 40 € fixed indemnity for recovery costs.

Pure functions of dates and amounts, except ``ecb_rate_for`` which reads the rates table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import EcbRate
from .statuses import InvoiceStatus as S

if TYPE_CHECKING:
    from ..models import Invoice

INTEREST_POINTS = Decimal("8")  # décret 2013-269, art. 8: ECB rate + 8 points
FIXED_INDEMNITY = Decimal("40.00")  # décret 2013-269, art. 9
DAYS_PER_YEAR = Decimal("365")
CENT = Decimal("0.01")

# The clock does not run (or no longer matters) in these statuses.
NO_CLOCK = frozenset({S.BROUILLON, S.REJETEE, S.REFUSEE_1, S.REFUSEE_MOE, S.A_RECYCLER})


def local_date(moment: datetime | date) -> date:
    """The calendar date in France of a timestamp (delays count French calendar days)."""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def due_date_from(*, received: datetime | date, delay_days: int) -> date:
    """The due date of a payment request received on ``received`` (art. R.2192-12)."""
    return local_date(received) + timedelta(days=delay_days)


def paused_days(*, paused_at: datetime, resumed_at: datetime) -> int:
    """Whole calendar days a suspension lasted (suspended and completed the same day: 0)."""
    return max(0, (local_date(resumed_at) - local_date(paused_at)).days)


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def ecb_rate_for(day: date) -> tuple[Decimal, date | None]:
    """The ECB rate of the half-year of ``day`` and the half-year it was recorded for.

    When the administrators have not yet recorded that half-year, the latest earlier rate is
    used and its own half-year is returned, so that the page can say so.
    """
    start = half_year_start(day)
    row = (
        EcbRate.objects.filter(starts_on__lte=start)
        .order_by("-starts_on")
        .values_list("rate", "starts_on")
        .first()
    )
    if row is None:
        return Decimal("0"), None
    return row[0], row[1]


@dataclass(frozen=True)
class Lateness:
    """The payment position of an invoice on a given day."""

    due_date: date | None  # including the days of a suspension in progress
    days_late: int
    rate: Decimal  # annual rate in %, ECB + 8 points
    rate_half_year: date | None  # the half-year whose ECB rate applies
    rate_is_current: bool  # False when the applicable half-year is not recorded yet
    interest: Decimal
    indemnity: Decimal
    paid: bool
    clock_paused: bool

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


def interest_amount(*, amount: Decimal, days_late: int, annual_rate: Decimal) -> Decimal:
    """Amount × days late / 365 × rate, rounded to the cent (décret 2013-269, art. 8)."""
    if days_late <= 0 or amount <= 0:
        return Decimal("0.00")
    raw = amount * Decimal(days_late) * annual_rate / Decimal(100) / DAYS_PER_YEAR
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def effective_due_date(
    *, status: str, due_date: date | None, clock_paused_at: datetime | None, today: date
) -> date | None:
    """The due date, moved by the days of a suspension still in progress (clock stopped)."""
    if due_date is not None and clock_paused_at is not None and status == S.SUSPENDUE:
        return due_date + timedelta(days=max(0, (today - local_date(clock_paused_at)).days))
    return due_date


def days_late(
    *,
    status: str,
    due_date: date | None,
    clock_paused_at: datetime | None = None,
    paid_at: datetime | None = None,
    today: date | None = None,
) -> int:
    """Days past the due date, up to the payment (MISE_EN_PAIEMENT) or today. No query."""
    today = today or timezone.localdate()
    due = effective_due_date(status=status, due_date=due_date, clock_paused_at=clock_paused_at, today=today)
    if due is None or status in NO_CLOCK:
        return 0
    end = local_date(paid_at) if status == S.MISE_EN_PAIEMENT and paid_at is not None else today
    return max(0, (end - due).days)


def lateness(
    *,
    status: str,
    due_date: date | None,
    amount: Decimal,
    clock_paused_at: datetime | None = None,
    paid_at: datetime | None = None,
    today: date | None = None,
) -> Lateness:
    """Whether the invoice is (or was paid) late on ``today``, and the interest due."""
    today = today or timezone.localdate()
    paused = clock_paused_at is not None and status == S.SUSPENDUE
    effective_due = effective_due_date(
        status=status, due_date=due_date, clock_paused_at=clock_paused_at, today=today
    )
    paid = status == S.MISE_EN_PAIEMENT and paid_at is not None
    late = days_late(
        status=status, due_date=due_date, clock_paused_at=clock_paused_at, paid_at=paid_at, today=today
    )
    rate, half_year, current = Decimal("0"), None, True
    if late:
        assert effective_due is not None  # days late are counted from a due date
        # Interest starts to run the day after the due date.
        start = effective_due + timedelta(days=1)
        ecb, half_year = ecb_rate_for(start)
        rate = ecb + INTEREST_POINTS
        current = half_year == half_year_start(start)
    return Lateness(
        due_date=effective_due,
        days_late=late,
        rate=rate,
        rate_half_year=half_year,
        rate_is_current=current,
        interest=interest_amount(amount=amount, days_late=late, annual_rate=rate),
        indemnity=FIXED_INDEMNITY if late else Decimal("0.00"),
        paid=paid,
        clock_paused=paused,
    )


def invoice_lateness(invoice: Invoice, *, today: date | None = None) -> Lateness:
    """``lateness`` of an ``invoices.Invoice`` (interest on the amount due, TTC — for a works
    document, the amount its maître d'œuvre validated when it corrected it).

    A credit note is not paid by the buyer: it is never late.
    """
    is_credit_note = invoice.kind == "AVOIR"
    payable = invoice.amount_payable
    return lateness(
        status=invoice.status,
        due_date=None if is_credit_note else invoice.due_date,
        amount=payable if payable else Decimal("0"),
        clock_paused_at=invoice.clock_paused_at,
        paid_at=invoice.paid_at,
        today=today,
    )
