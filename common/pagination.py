"""Pagination for tables of millions of rows: never a COUNT, never a deep OFFSET where a keyset
can be used.

- ``page_slice`` / ``PageResult``: numbered pages of short, bounded lists (one row more is read
  to know whether a next page exists).
- ``recent_page``: keyset pagination, newest first, on ``(created_at, id)``, for lists backed by
  an index on those columns (notifications, sent invoices).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import Q, QuerySet

T = TypeVar("T")
PER_PAGE = 20


@dataclass
class PageResult(Generic[T]):
    rows: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_slice(queryset: Any, page: int, per_page: int = PER_PAGE) -> tuple[list[Any], bool]:
    offset = (max(page, 1) - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return rows[:per_page], len(rows) > per_page


def parse_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """(created_at, id) of a ``recent_page`` cursor; None when absent or tampered with (the
    first page is shown then)."""
    raw, _sep, pk = (cursor or "").rpartition("~")
    try:
        at = datetime.fromisoformat(raw)
        return (at, int(pk)) if at.tzinfo is not None else None
    except ValueError:
        return None


def recent_page(queryset: QuerySet[Any], *, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` newest first, after ``cursor``, and the cursor of the next page."""
    parsed = parse_cursor(cursor)
    if parsed is not None:
        at, pk = parsed
        queryset = queryset.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(queryset.order_by("-created_at", "-pk")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = f"{last.created_at.isoformat()}~{last.pk}"
    return rows[:limit], next_cursor
