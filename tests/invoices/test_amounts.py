"""The server computes every amount the way EN 16931 does (half-up to the cent, per VAT rate)."""

from __future__ import annotations

from decimal import Decimal

from invoices.amounts import LineAmount, compute_totals, line_net_amount, round_cent, vat_amount
from invoices.data import InvoiceData, LineData
from tests.invoices.conftest import lines_two_rates


def test_amounts_round_half_up_to_the_cent():
    # Given amounts exactly half a cent away (banker's rounding would give 0.12 and 2.00)
    # Then they round up, as EN 16931 examples do
    assert round_cent(Decimal("0.125")) == Decimal("0.13")
    assert round_cent(Decimal("2.005")) == Decimal("2.01")
    assert round_cent(Decimal("-2.005")) == Decimal("-2.01")


def test_line_net_amount_is_quantity_times_price_minus_discount_rounded():
    assert line_net_amount(
        quantity=Decimal("3"), unit_price=Decimal("27.333"), discount=Decimal("2.50")
    ) == Decimal("79.50")
    assert line_net_amount(quantity=Decimal("0.3333"), unit_price=Decimal("10")) == Decimal("3.33")


def test_vat_is_computed_once_per_rate_not_per_line():
    # Given three lines of 0.10 € at 5.5 % (per line: 0.0055 → 0.01 each, 0.03 in all)
    lines = [LineAmount(category="S", rate=Decimal("5.5"), rate_manual=False, net=Decimal("0.10"))] * 3
    # When the totals are computed
    totals = compute_totals(lines=lines)
    # Then the VAT is base × rate once (BR-CO-17): 0.30 × 5.5 % = 0.0165 → 0.02
    assert [(r.base, r.amount) for r in totals.vat_rows] == [(Decimal("0.30"), Decimal("0.02"))]
    assert vat_amount(base=Decimal("0.30"), rate=Decimal("5.5")) == Decimal("0.02")


def test_invoice_totals_two_rates():
    # Given the three lines of the stories (20 % and 5.5 %)
    data = InvoiceData(lines=lines_two_rates(), prepaid_amount=Decimal("35.25"))
    # When the portal computes the totals
    totals = data.totals()
    # Then HT, VAT per rate, TTC and amount due follow BR-CO-10..17
    assert [line.net for line in totals.lines] == [Decimal("49.90"), Decimal("79.50"), Decimal("75.80")]
    assert [(r.rate, r.base, r.amount) for r in totals.vat_rows] == [
        (Decimal("20"), Decimal("129.40"), Decimal("25.88")),
        (Decimal("5.5"), Decimal("75.80"), Decimal("4.17")),
    ]
    assert totals.total_ht == Decimal("205.20")
    assert totals.total_vat == Decimal("30.05")
    assert totals.total_ttc == Decimal("235.25")
    assert totals.amount_due == Decimal("200.00")


def test_exempt_invoice_uses_category_e_and_zero_rate_without_exemption_uses_z():
    line = LineData(
        designation="Formation", quantity=Decimal("1"), unit_price=Decimal("100"), vat_rate=Decimal("0")
    )
    assert InvoiceData(lines=[line], vat_regime="EXONERATION").totals().vat_rows[0].category == "E"
    assert InvoiceData(lines=[line]).totals().vat_rows[0].category == "Z"
