"""Invoices per month (statistics, charts), per public structure and month (share of electronic
invoices), and active suppliers and structures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    Sum,
)
from django.db.models.functions import ExtractYear, TruncMonth

from entities.models import PublicStructure

from ..geography import department_from_postcode
from ..models import (
    PAPER,
    MonthlyVolume,
    PaperInvoice,
    RecipientMonth,
    YearlyActivity,
)
from .common import (
    BATCH,
    id_chunks,
    local_date,
    local_midnight,
    sent_invoices,
    supplier_category_sql,
)

# --- monthly volumes (statistics, charts) -----------------------------------------------------------


def refresh_monthly_volumes(window: date | None) -> None:
    electronic = sent_invoices()
    paper = PaperInvoice.objects.all()
    if window:
        electronic = electronic.filter(deposited_at__gte=local_midnight(window))
        paper = paper.filter(invoice_date__gte=window)
    rows: dict[tuple, list] = {}
    for r in (
        electronic.annotate(m=TruncMonth("deposited_at"), sc=supplier_category_sql())
        .values("m", "channel", "status", "sc", "recipient__category")
        .annotate(n=Count("id"), amount=Sum("total_ttc"))
        .order_by()
    ):
        key = (local_date(r["m"]), r["channel"], r["status"], r["sc"], r["recipient__category"] or "")
        rows[key] = [r["n"], r["amount"] or Decimal(0)]
    for r in (
        paper.annotate(m=TruncMonth("invoice_date"), sc=supplier_category_sql())
        .values("m", "sc", "recipient__category")
        .annotate(n=Count("id"), amount=Sum("amount_ttc"))
        .order_by()
    ):
        key = (local_date(r["m"]), PAPER, "", r["sc"], r["recipient__category"])
        rows[key] = [r["n"], r["amount"] or Decimal(0)]
    with transaction.atomic():
        stale = MonthlyVolume.objects.all()
        if window:
            stale = stale.filter(month__gte=window)
        stale.delete()
        MonthlyVolume.objects.bulk_create(
            (
                MonthlyVolume(
                    month=m,
                    channel=channel,
                    status=status,
                    supplier_category=sc,
                    recipient_category=rc,
                    invoices=n,
                    amount_ttc=amount,
                )
                for (m, channel, status, sc, rc), (n, amount) in rows.items()
            ),
            batch_size=BATCH,
        )


# --- per public structure and month (share of electronic invoices) ------------------------------------


def refresh_recipient_months(window: date | None) -> None:
    # Chunks of structure ids: the queries use the (recipient, -deposited_at) index and the
    # memory holds one chunk of structures at a time.
    with transaction.atomic():
        stale = RecipientMonth.objects.all()
        if window:
            stale = stale.filter(month__gte=window)
        stale.delete()
        for low, high in id_chunks(PublicStructure):
            electronic = sent_invoices().filter(recipient_id__gte=low, recipient_id__lt=high)
            paper = PaperInvoice.objects.filter(recipient_id__gte=low, recipient_id__lt=high)
            if window:
                electronic = electronic.filter(deposited_at__gte=local_midnight(window))
                paper = paper.filter(invoice_date__gte=window)
            counts: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
            for r in (
                electronic.annotate(m=TruncMonth("deposited_at"))
                .values("recipient_id", "m")
                .annotate(n=Count("id"))
                .order_by()
            ):
                counts[(r["recipient_id"], local_date(r["m"]))][0] = r["n"]
            for r in (
                paper.annotate(m=TruncMonth("invoice_date"))
                .values("recipient_id", "m")
                .annotate(n=Count("id"))
                .order_by()
            ):
                counts[(r["recipient_id"], local_date(r["m"]))][1] = r["n"]
            if not counts:
                continue
            info = dict(
                (pk, (category, department_from_postcode(postcode)))
                for pk, category, postcode in PublicStructure.objects.filter(
                    pk__in={rid for rid, _m in counts}
                ).values_list("pk", "category", "postcode")
            )
            RecipientMonth.objects.bulk_create(
                (
                    RecipientMonth(
                        recipient_id=rid,
                        month=month,
                        recipient_category=info[rid][0],
                        department=info[rid][1],
                        electronic_count=e,
                        paper_count=p,
                    )
                    for (rid, month), (e, p) in counts.items()
                ),
                batch_size=BATCH,
            )


# --- active suppliers and structures --------------------------------------------------------------------


def refresh_yearly_activity(window: date | None) -> None:
    invoices = sent_invoices()
    if window:
        invoices = invoices.filter(deposited_at__gte=local_midnight(date(window.year, 1, 1)))
    rows = list(
        invoices.annotate(y=ExtractYear("deposited_at"))
        .values("y")
        .annotate(s=Count("supplier_id", distinct=True), r=Count("recipient_id", distinct=True))
        .order_by()
    )
    with transaction.atomic():
        stale = YearlyActivity.objects.all()
        if window:
            stale = stale.filter(year__gte=window.year)
        stale.delete()
        YearlyActivity.objects.bulk_create(
            YearlyActivity(year=r["y"], active_suppliers=r["s"], active_recipients=r["r"]) for r in rows
        )


def active_last_12_months(now: datetime) -> dict[str, int]:
    recent = sent_invoices().filter(deposited_at__gte=now - timedelta(days=365))
    counts = recent.aggregate(s=Count("supplier_id", distinct=True), r=Count("recipient_id", distinct=True))
    return {"active_suppliers_12m": counts["s"] or 0, "active_recipients_12m": counts["r"] or 0}
