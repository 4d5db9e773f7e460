"""Payment punctuality of each public structure, per year of payment."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.db.models.functions import ExtractYear

from entities.models import PAYMENT_DELAY_DAYS, PublicStructure

from ..geography import department_from_postcode
from ..models import (
    RecipientPunctuality,
)
from .common import (
    BATCH,
    id_chunks,
    local_midnight,
    sent_invoices,
)

# --- payment punctuality per public structure ------------------------------------------------------


def on_time_condition() -> Q:
    """Paid within the délai global de paiement: by the due date the lifecycle computed (it
    includes suspensions), else deposit + the legal delay of the structure's category (Code de
    la commande publique, art. R.2192-10: 30 days; R.2192-11: 50 days for public health
    establishments; 60 days for public undertakings)."""
    condition = Q(due_date__isnull=False, paid_at__date__lte=F("due_date"))
    for category, days in PAYMENT_DELAY_DAYS.items():
        condition |= Q(
            due_date__isnull=True,
            recipient__category=category,
            paid_at__lte=F("deposited_at") + timedelta(days=days),
        )
    return condition


def refresh_punctuality(window: date | None) -> None:
    first_year = window.year if window else None
    with transaction.atomic():
        stale = RecipientPunctuality.objects.all()
        if first_year:
            stale = stale.filter(year__gte=first_year)
        stale.delete()
        on_time = on_time_condition()
        delay = ExpressionWrapper(F("paid_at") - F("deposited_at"), output_field=DurationField())
        for low, high in id_chunks(PublicStructure):
            paid = sent_invoices().filter(recipient_id__gte=low, recipient_id__lt=high, paid_at__isnull=False)
            if first_year:
                paid = paid.filter(paid_at__gte=local_midnight(date(first_year, 1, 1)))
            rows = [
                RecipientPunctuality(
                    recipient_id=r["recipient_id"],
                    year=r["y"],
                    recipient_category=r["recipient__category"],
                    department=department_from_postcode(r["recipient__postcode"]),
                    paid=r["n"],
                    on_time=r["on_time"],
                    total_days=(r["total"] or timedelta()).total_seconds() / 86400,
                )
                for r in paid.annotate(y=ExtractYear("paid_at"))
                .values("recipient_id", "y", "recipient__category", "recipient__postcode")
                .annotate(n=Count("id"), on_time=Count("id", filter=on_time), total=Sum(delay))
                .order_by()
            ]
            RecipientPunctuality.objects.bulk_create(rows, batch_size=BATCH)
