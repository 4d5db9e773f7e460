"""Demo data of ``seed_demo`` for the compliance dashboard: paper invoices received by the demo
public structures, then the summary tables.

Idempotent: paper invoices are keyed by their unique business key; running it again changes
nothing but the refresh time of the summaries.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .aggregates import statistics_refresh
from .models import PaperInvoice, PaperSource

# (recipient, supplier SIRET, supplier name, number, invoice date, amount TTC)
# ACME Fournitures is a PME: obliged from 1 January 2019. Its 2018 paper invoices were still
# allowed; those of February 2019 are not (the dashboard as of 1 March 2019 lists it).
ACME_SIRET = "81234567600017"
GARAGE_SIRET = "83147592600018"
PRINTER_SIRET = "90215733800010"


def _paper_rows(today: date) -> list[tuple[str, str, str, str, date, Decimal]]:
    recent = date(today.year, today.month, 1) - timedelta(days=20)
    return [
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2018-0412", date(2018, 10, 12), Decimal("845.40")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2018-0587", date(2018, 12, 3), Decimal("1290.00")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2019-0031", date(2019, 2, 5), Decimal("612.00")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2019-0058", date(2019, 2, 19), Decimal("2304.60")),
        ("quimper", ACME_SIRET, "ACME Fournitures", "F-2019-0064", date(2019, 2, 26), Decimal("498.00")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", f"F-{recent.year}-0907", recent, Decimal("1120.80")),
        ("quimper", GARAGE_SIRET, "Garage du Steir", "2024-118", date(2024, 6, 14), Decimal("356.52")),
        (
            "quimper",
            GARAGE_SIRET,
            "Garage du Steir",
            f"{recent.year}-041",
            recent - timedelta(days=9),
            Decimal("212.40"),
        ),
        (
            "ddfip",
            PRINTER_SIRET,
            "Imprimerie de l'Odet",
            "IMP-5521",
            recent - timedelta(days=3),
            Decimal("1875.00"),
        ),
    ]


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        for key, siret, name, number, day, amount in _paper_rows(today):
            recipient = entities[key]
            PaperInvoice.objects.get_or_create(
                recipient=recipient,
                supplier_siret=siret,
                number=number,
                invoice_date=day,
                defaults={
                    "supplier_name": name,
                    "amount_ttc": amount,
                    "source": PaperSource.DEMO,
                    "recorded_by": users["buyer"] if key == "beaufort" else None,
                    "supplier": suppliers["acme"] if siret == ACME_SIRET else None,
                },
            )
    # The dashboard and the statistics read summary tables: fill them now rather than at night.
    statistics_refresh(full=True)
