"""Amounts, units and dates written as French readers expect, by one formatter, on every output:
the supplier's and the buyer's pages, the generated PDF, the e-mails and the CSV exports
(issue 18, point 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from common.formats import (
    format_long_date,
    format_money,
    format_price,
    format_quantity,
    format_rate,
    unit_label,
)
from compliance.exports import cell
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import InvoiceLine

from .factories import advance, make_invoice

NNBSP, NBSP = "\u202f", "\u00a0"


def test_the_formatter_writes_french_typography():
    with translation.override("fr"):
        assert format_money(Decimal("2080.8")) == f"2{NNBSP}080,80{NBSP}€"
        assert format_money(Decimal("4.5")) == f"4,50{NBSP}€"
        assert format_price(Decimal("4.500000")) == "4,50"  # never "4,5" nor "4,500000"
        assert format_price(Decimal("0.123400")) == "0,1234"
        assert format_quantity(Decimal("3.5000")) == "3,5"
        assert format_rate(Decimal("5.50")) == f"5,5{NBSP}%"
        assert [unit_label(c) for c in ("H87", "C62", "HUR", "LS", "XPP")] == [
            "pièce",
            "unité",
            "heure",
            "forfait",
            "pièce",
        ]
        assert format_long_date(date(2026, 1, 1)) == "1er janvier 2026"
        assert format_long_date(date(2026, 1, 2)) == "2 janvier 2026"


def test_csv_cells_use_the_same_decimals_without_grouping():
    # Given the storage precision of a unit price, when exported, then a readable number
    assert cell(Decimal("4.500000")) == "4,50"
    assert cell(Decimal("2080.80")) == "2080,80"
    assert cell(date(2026, 1, 1)) == "01/01/2026"


def test_both_sides_show_the_same_amount(client, alice, carla, acme, beaufort, finances):
    # Given an invoice of 1 734 € HT (2 080,80 € TTC) made available to the buyer
    invoice = advance(
        make_invoice(supplier=acme, recipient=beaufort, service=finances, total_ht=Decimal("1734.00")),
        S.MISE_A_DISPOSITION,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=2,
        designation="Cartouches",
        quantity=Decimal("6"),
        unit="H87",
        unit_price=Decimal("4.500000"),
        vat_rate=Decimal("20"),
        total_ht=Decimal("27.00"),
    )
    expected = f"2{NNBSP}080,80{NBSP}€"
    # When the supplier lists its sent invoices, then the amount is written the French way
    client.force_login(alice)
    assert expected in client.get(reverse("tracking:sent")).content.decode()
    # When the buyer opens it, then the same amount, the unit name and the unit price with cents
    client.force_login(carla)
    page = client.get(reverse("inbox:detail", args=[invoice.pk])).content.decode()
    assert expected in page
    assert "pièce" in page and "H87" not in page
    assert "4,50" in page and "4,500000" not in page
    # And the inbox lists it with the same amount
    assert expected in client.get(reverse("inbox:list")).content.decode()


def test_the_generated_pdf_prints_the_due_date_in_one_font(acme, beaufort, finances):
    # Given an invoice deposited on 1 December 2026 to a recipient paying in 30 days
    invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances)
    invoice.deposited_at = invoice.deposited_at.replace(year=2026, month=12, day=1, hour=10)
    invoice.due_date = None
    # When its PDF template is rendered
    with translation.override("fr"):
        html = render_to_string(
            "invoices/pdf/invoice.html",
            {
                "invoice": invoice,
                "lines": [],
                "vat_lines": [],
                "parties": {"buyer": {}, "seller": {}},
                "type_label": "Facture",
            },
        )
    # Then the due date is printed, and one font family is declared
    assert "Date d'échéance" in html and "31 décembre 2026" in html
    assert "Liberation" not in html and "Mono" not in html
