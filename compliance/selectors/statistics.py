"""Queries of the platform statistics pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast, ExtractYear, NullIf

from invoices.choices import Channel
from invoices.lifecycle.statuses import InvoiceStatus

from ..models import (
    PAPER,
    DelayMeasure,
    DelayStat,
    MonthlyVolume,
    PlatformSnapshot,
    RecipientPunctuality,
    YearlyActivity,
)
from .common import PER_PAGE, PageResult, month_start, months_back, page_slice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def stats_snapshot() -> PlatformSnapshot | None:
    return PlatformSnapshot.objects.filter(pk=1).first()


def stats_years() -> list[int]:
    return sorted(
        {d.year for d in MonthlyVolume.objects.exclude(channel=PAPER).dates("month", "year")}, reverse=True
    )


def stats_monthly(*, until: date, months: int = 24) -> list[tuple[date, int, Decimal]]:
    end = month_start(until)
    start = months_back(end, months - 1)
    found = {
        r["month"]: (r["n"], r["amount"])
        for r in MonthlyVolume.objects.exclude(channel=PAPER)
        .filter(month__gte=start, month__lte=end)
        .values("month")
        .annotate(n=Sum("invoices"), amount=Sum("amount_ttc"))
        .order_by()
    }
    rows = []
    month = start
    while month <= end:
        n, amount = found.get(month, (0, Decimal(0)))
        rows.append((month, n, amount))
        month = months_back(month, -1)
    return rows


@dataclass
class YearRow:
    year: int
    invoices: int
    amount: Decimal
    paper: int
    active_suppliers: int | None
    active_recipients: int | None


def stats_yearly() -> list[YearRow]:
    activity = {a.year: a for a in YearlyActivity.objects.all()}
    rows = []
    for r in (
        MonthlyVolume.objects.annotate(year=ExtractYear("month"))
        .values("year")
        .annotate(
            n=Sum("invoices", filter=~Q(channel=PAPER)),
            amount=Sum("amount_ttc", filter=~Q(channel=PAPER)),
            paper=Sum("invoices", filter=Q(channel=PAPER)),
        )
        .order_by("-year")
    ):
        a = activity.get(r["year"])
        rows.append(
            YearRow(
                year=r["year"],
                invoices=r["n"] or 0,
                amount=r["amount"] or Decimal(0),
                paper=r["paper"] or 0,
                active_suppliers=a.active_suppliers if a else None,
                active_recipients=a.active_recipients if a else None,
            )
        )
    return rows


def stats_by_channel(*, year: int) -> list[tuple[str, StrOrPromise, int]]:
    per_channel = dict(
        MonthlyVolume.objects.filter(month__year=year)
        .exclude(channel=PAPER)
        .values("channel")
        .annotate(n=Sum("invoices"))
        .values_list("channel", "n")
        .order_by()
    )
    return [(channel, label, per_channel.get(channel, 0)) for channel, label in Channel.choices]


def stats_by_status(*, year: int) -> list[tuple[str, StrOrPromise, int]]:
    per_status = dict(
        MonthlyVolume.objects.filter(month__year=year)
        .exclude(channel=PAPER)
        .values("status")
        .annotate(n=Sum("invoices"))
        .values_list("status", "n")
        .order_by()
    )
    return [
        (status, label, per_status[status])
        for status, label in InvoiceStatus.choices
        if per_status.get(status)
    ]


def stats_delays(*, kind: str, since: date | None = None) -> dict[str, list[DelayStat]]:
    qs = DelayStat.objects.filter(period_kind=kind).order_by("-period_start")
    if since:
        qs = qs.filter(period_start__gte=since)
    result: dict[str, list[DelayStat]] = {measure: [] for measure in DelayMeasure.values}
    for stat in qs:
        result[stat.measure].append(stat)
    return result


def stats_delay_table(*, kind: str, since: date | None = None) -> list[dict]:
    """One row per period: median and p90 of both measures."""
    per_period: dict[date, dict] = {}
    for measure, stats in stats_delays(kind=kind, since=since).items():
        for stat in stats:
            per_period.setdefault(stat.period_start, {"period": stat.period_start})[measure] = stat
    return [per_period[p] for p in sorted(per_period, reverse=True)]


def stats_punctuality_queryset(*, year: int, category: str = "", department: str = "") -> Any:
    qs = RecipientPunctuality.objects.filter(year=year).select_related("recipient")
    if category:
        qs = qs.filter(recipient_category=category)
    if department:
        qs = qs.filter(department=department)
    return qs.annotate(
        share=Cast(F("on_time"), FloatField()) / NullIf(Cast(F("paid"), FloatField()), 0.0)
    ).order_by("share", "-paid", "recipient__name", "pk")


def stats_punctuality(
    *, year: int, category: str = "", department: str = "", page: int = 1, per_page: int = PER_PAGE
) -> PageResult[RecipientPunctuality]:
    """Public structures by payment punctuality (least punctual first)."""
    rows, has_next = page_slice(
        stats_punctuality_queryset(year=year, category=category, department=department), page, per_page
    )
    return PageResult(rows=rows, number=max(page, 1), has_next=has_next)
