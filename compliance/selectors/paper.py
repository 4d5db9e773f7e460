"""Queries of a public buyer's paper invoices."""

from __future__ import annotations

from entities.models import PublicStructure

from ..models import (
    PaperInvoice,
)
from .common import PER_PAGE, PageResult, page_slice


def paper_invoices_for_recipient(
    *, recipient: PublicStructure, page: int = 1, per_page: int = PER_PAGE
) -> PageResult[PaperInvoice]:
    qs = (
        PaperInvoice.objects.filter(recipient=recipient)
        .select_related("recorded_by")
        .order_by("-invoice_date", "-id")
    )
    rows, has_next = page_slice(qs, page, per_page)
    return PageResult(rows=rows, number=max(page, 1), has_next=has_next)
