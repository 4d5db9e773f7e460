"""Pagination without COUNT and month arithmetic, shared by the selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

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


def page_slice(queryset: Any, page: int, per_page: int = PER_PAGE) -> tuple[list, bool]:
    offset = (max(page, 1) - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return rows[:per_page], len(rows) > per_page


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
