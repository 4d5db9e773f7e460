"""Month arithmetic shared by the selectors (pagination: ``common.pagination``)."""

from __future__ import annotations

from datetime import date

from common.pagination import PER_PAGE, PageResult, page_slice

__all__ = ["PER_PAGE", "PageResult", "month_start", "months_back", "page_slice"]


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
