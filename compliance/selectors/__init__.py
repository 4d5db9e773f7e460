"""Queries of the compliance dashboard, the statistics pages and the paper-invoice pages.

They read the summary tables written by ``compliance.aggregates`` (and the paper invoices,
which are few and indexed), never the invoice table itself. Lists are paginated by offset with
one extra row fetched to know whether a next page exists: no COUNT over large tables.
"""

from __future__ import annotations

from .common import PER_PAGE, PageResult, month_start, months_back, page_slice
from .dashboard import (
    CATEGORY_ORDER,
    CHANNEL_GROUPS,
    PAPER_INVOICES_SHOWN,
    SUPPLIER_STATES,
    CategoryRow,
    DashboardFilters,
    PaperLine,
    ShareRow,
    StructureRow,
    SupplierRow,
    compliance_categories,
    compliance_category_share,
    compliance_channel_deposits,
    compliance_monthly_share,
    compliance_structures,
    compliance_structures_queryset,
    compliance_suppliers,
    paper_after,
    paper_after_obligation,
    positions_queryset,
    structure_row,
)
from .paper import paper_invoices_for_recipient
from .statistics import (
    YearRow,
    stats_by_channel,
    stats_by_status,
    stats_delay_table,
    stats_delays,
    stats_monthly,
    stats_punctuality,
    stats_punctuality_queryset,
    stats_snapshot,
    stats_yearly,
    stats_years,
)

__all__ = [
    "CATEGORY_ORDER",
    "CHANNEL_GROUPS",
    "PAPER_INVOICES_SHOWN",
    "PER_PAGE",
    "SUPPLIER_STATES",
    "CategoryRow",
    "DashboardFilters",
    "PageResult",
    "PaperLine",
    "ShareRow",
    "StructureRow",
    "SupplierRow",
    "YearRow",
    "compliance_categories",
    "compliance_category_share",
    "compliance_channel_deposits",
    "compliance_monthly_share",
    "compliance_structures",
    "compliance_structures_queryset",
    "compliance_suppliers",
    "month_start",
    "months_back",
    "page_slice",
    "paper_after",
    "paper_after_obligation",
    "paper_invoices_for_recipient",
    "positions_queryset",
    "stats_by_channel",
    "stats_by_status",
    "stats_delay_table",
    "stats_delays",
    "stats_monthly",
    "stats_punctuality",
    "stats_punctuality_queryset",
    "stats_snapshot",
    "stats_yearly",
    "stats_years",
    "structure_row",
]
