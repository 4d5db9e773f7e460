"""Processing times: deposit → MISE_A_DISPOSITION and deposit → MISE_EN_PAIEMENT (median, p90)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import (
    Min,
)
from django.utils import timezone

from invoices.lifecycle.models import StatusEvent
from invoices.models import Invoice

from ..models import (
    DelayMeasure,
    DelayStat,
)
from .common import (
    BATCH,
    local_midnight,
)

# --- processing times: deposit → MISE_A_DISPOSITION, deposit → MISE_EN_PAIEMENT ------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks: PostgreSQL's ``percentile_cont``."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def refresh_delays(window: date | None) -> None:
    rows: list[DelayStat] = []
    for measure in DelayMeasure.values:
        for kind in ("M", "Y"):
            start = window if kind == "M" or window is None else date(window.year, 1, 1)
            for period, n, median, p90 in _delays(measure=measure, kind=kind, since=start):
                rows.append(
                    DelayStat(
                        period_start=period,
                        period_kind=kind,
                        measure=measure,
                        invoices=n,
                        median_hours=median,
                        p90_hours=p90,
                    )
                )
    with transaction.atomic():
        for kind in ("M", "Y"):
            stale = DelayStat.objects.filter(period_kind=kind)
            if window:
                stale = stale.filter(period_start__gte=window if kind == "M" else date(window.year, 1, 1))
            stale.delete()
        DelayStat.objects.bulk_create(rows, batch_size=BATCH)


def _delays(*, measure: str, kind: str, since: date | None) -> list[tuple[date, int, float, float]]:
    """(period, invoices, median hours, p90 hours) per month or year of deposit."""
    since_dt = local_midnight(since) if since else None
    if connection.vendor == "postgresql":
        return _delays_postgresql(measure=measure, kind=kind, since=since_dt)
    # Other databases (the embedded SQLite default): the durations are read and sorted here.
    events = StatusEvent.objects.filter(status=measure, invoice__deposited_at__isnull=False)
    if since_dt:
        events = events.filter(invoice__deposited_at__gte=since_dt)
    per_period: dict[date, list[float]] = defaultdict(list)
    for r in events.values("invoice_id", "invoice__deposited_at").annotate(first=Min("at")).order_by():
        deposited = timezone.localtime(r["invoice__deposited_at"])
        hours = (r["first"] - r["invoice__deposited_at"]).total_seconds() / 3600
        if hours < 0:
            continue
        period = date(deposited.year, deposited.month if kind == "M" else 1, 1)
        per_period[period].append(hours)
    return [
        (period, len(values), percentile(values, 0.5), percentile(values, 0.9))
        for period, values in sorted(per_period.items())
    ]


def _delays_postgresql(*, measure: str, kind: str, since: datetime | None) -> list:
    invoice_table = Invoice._meta.db_table
    event_table = StatusEvent._meta.db_table
    trunc = "month" if kind == "M" else "year"
    tz = timezone.get_current_timezone_name()
    since_sql = "AND i.deposited_at >= %s" if since else ""
    # Events never precede the deposit: the window also bounds the scan of the history table
    # (indexed on ``at``).
    event_since_sql = 'AND "at" >= %s' if since else ""
    # The first passage through the status, per invoice, then percentile_cont per period.
    sql = f"""
        SELECT date_trunc('{trunc}', i.deposited_at AT TIME ZONE %s)::date AS period,
               count(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.first_at - i.deposited_at)),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM e.first_at - i.deposited_at))
        FROM "{invoice_table}" i
        JOIN (SELECT invoice_id, min("at") AS first_at FROM "{event_table}"
              WHERE status = %s {event_since_sql} GROUP BY invoice_id) e ON e.invoice_id = i.id
        WHERE i.deposited_at IS NOT NULL AND e.first_at >= i.deposited_at {since_sql}
        GROUP BY 1 ORDER BY 1
    """  # noqa: S608 - table names come from model metadata, values are parameters
    params: list = [tz, measure]
    if since:
        params += [since, since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (
                period,
                n,
                median / 3600 if median is not None else None,
                p90 / 3600 if p90 is not None else None,
            )
            for period, n, median, p90 in cursor.fetchall()
        ]
