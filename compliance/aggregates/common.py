"""Helpers shared by the parts of the refresh."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db.models import (
    Case,
    CharField,
    F,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice

from ..models import (
    ComplianceCategory,
)

CHUNK = 2000
BATCH = 1000


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def local_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def sent_invoices() -> QuerySet[Invoice]:
    """Invoices actually sent: drafts are not ("non transmises")."""
    return Invoice.objects.exclude(status=InvoiceStatus.BROUILLON).filter(deposited_at__isnull=False)


def supplier_category_sql(prefix: str = "supplier__") -> Case:
    """The dashboard category of an invoice's supplier, in SQL (stored size category)."""
    return Case(
        When(**{f"{prefix}isnull": True}, then=Value(ComplianceCategory.UNKNOWN)),
        When(**{f"{prefix}is_public": True}, then=Value(ComplianceCategory.PUBLIC)),
        When(**{f"{prefix}size_category": ""}, then=Value(ComplianceCategory.UNKNOWN)),
        default=F(f"{prefix}size_category"),
        output_field=CharField(),
    )


def id_chunks(model: type, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    """Consecutive [low, high) primary-key ranges of about ``size`` rows."""
    low = 0
    while True:
        ids = list(model.objects.filter(pk__gte=low).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids[0], ids[-1] + 1
        low = ids[-1] + 1


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
