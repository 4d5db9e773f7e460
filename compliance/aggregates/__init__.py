"""The nightly refresh of the summary tables read by the compliance dashboard and the statistics.

Pages never scan the invoice table (tens of millions of rows a year): this package does, once a
night, from a Celery task. Each part works either in one grouped query over a window of recent
months, or in chunks of structure ids that use the invoice indexes on ``supplier`` and
``recipient``, so that memory stays bounded whatever the volume.

Invoice statuses and payments of old invoices rarely change: by default only the last
``WINDOW_MONTHS`` months are recomputed; ``full=True`` (first run, ``manage.py
compliance_refresh --full``) rebuilds everything. The supplier positions (``SupplierCompliance``)
are always rebuilt in full, because an administrator may change a supplier's category and thus
its obligation date.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from entities.models import PublicStructure
from suppliers.models import IdentifierType, SupplierStructure

from ..models import MonthlyVolume, PaperInvoice, PlatformSnapshot
from .common import months_before
from .delays import percentile, refresh_delays
from .punctuality import refresh_punctuality
from .suppliers import refresh_supplier_compliance, supplier_key
from .volumes import (
    active_last_12_months,
    refresh_monthly_volumes,
    refresh_recipient_months,
    refresh_yearly_activity,
)

__all__ = ["RefreshReport", "paper_invoices_link", "percentile", "statistics_refresh", "supplier_key"]

WINDOW_MONTHS = 13


@dataclass(frozen=True)
class RefreshReport:
    window_start: date | None
    suppliers: int
    duration_seconds: float


def statistics_refresh(*, full: bool = False, now: datetime | None = None) -> RefreshReport:
    """Recompute every summary table. Idempotent: running it twice gives the same tables."""
    started = now or timezone.now()
    clock = time.monotonic()
    today = timezone.localdate(started)
    window = None if full or not MonthlyVolume.objects.exists() else months_before(today, WINDOW_MONTHS)
    paper_invoices_link()
    refresh_monthly_volumes(window)
    refresh_recipient_months(window)
    refresh_delays(window)
    refresh_punctuality(window)
    refresh_yearly_activity(window)
    suppliers = refresh_supplier_compliance(started)
    duration = time.monotonic() - clock
    PlatformSnapshot.objects.update_or_create(
        pk=1,
        defaults={
            "refreshed_at": started,
            "suppliers_registered": SupplierStructure.objects.filter(active=True).count(),
            "public_structures_registered": PublicStructure.objects.filter(active=True).count(),
            **active_last_12_months(started),
            "window_start": window,
            "duration_seconds": duration,
        },
    )
    return RefreshReport(window_start=window, suppliers=suppliers, duration_seconds=duration)


def statistics_stale(*, older_than: timedelta, now: datetime | None = None) -> bool:
    """Whether the summary tables were last refreshed longer ago than ``older_than`` (or never)."""
    refreshed = PlatformSnapshot.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    return refreshed is None or refreshed < (now or timezone.now()) - older_than


def paper_invoices_link() -> int:
    """Attach paper invoices recorded before their supplier registered (same SIRET)."""
    match = SupplierStructure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=OuterRef("supplier_siret")
    ).values("pk")[:1]
    return PaperInvoice.objects.filter(supplier__isnull=True).update(supplier=Subquery(match))
