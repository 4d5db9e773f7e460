"""Helpers of the invoice stories: a valid invoice of ACME to the Commune de Beaufort-en-Anjou."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from invoices.data import InvoiceData, LineData

# CI clones the repository elsewhere with ``shared/`` beside it.
# The corpus lives beside the repository; CHORUS_CORPUS points to it from a worktree elsewhere.
CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)


def lines_two_rates() -> list[LineData]:
    """Three lines at 20 % and 5.5 %, one with a discount."""
    return [
        LineData(
            designation="Ramettes de papier A4",
            quantity=Decimal("10"),
            unit_price=Decimal("4.99"),
            vat_rate=Decimal("20"),
            reference="PAP-A4",
            unit="C62",
        ),
        LineData(
            designation="Cartouches d'encre",
            quantity=Decimal("3"),
            unit_price=Decimal("27.333"),
            vat_rate=Decimal("20"),
            discount=Decimal("2.50"),
            unit="H87",
        ),
        LineData(
            designation="Livres pour la médiathèque",
            quantity=Decimal("4"),
            unit_price=Decimal("18.95"),
            vat_rate=Decimal("5.5"),
            unit="C62",
        ),
    ]


def valid_data(**overrides: object) -> InvoiceData:
    values: dict[str, object] = {
        "number": "F-2026-0001",
        "invoice_date": timezone.localdate() - dt.timedelta(days=1),
        "recipient_siret": "21490244700017",
        "service_code": "FINANCES",
        "payment_mode": "VIREMENT",
        "iban": "FR7630006000011234567890189",
        "lines": lines_two_rates(),
    }
    values.update(overrides)
    return InvoiceData(**values)  # type: ignore[arg-type]


@pytest.fixture
def data_factory():
    return valid_data


@pytest.fixture
def world(acme, alice, beaufort, carla, quimper, david, bakery, bob):
    """The whole cast at once."""
    return {
        "acme": acme,
        "alice": alice,
        "beaufort": beaufort,
        "carla": carla,
        "quimper": quimper,
        "david": david,
        "bakery": bakery,
        "bob": bob,
    }
