"""The size categories of the LME (décret 2008-1354) and the obligation calendar (ordonnance
2014-697), with fixed dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from compliance.aggregates import statistics_refresh
from compliance.selectors import DashboardFilters, compliance_categories, compliance_suppliers
from suppliers.calendar import (
    compliance_category,
    effective_size_category,
    obligation_date,
    obligation_on,
    size_category,
)
from tests.factories import SupplierStructureFactory

M = Decimal(1_000_000)


@pytest.mark.parametrize(
    ("headcount", "turnover", "balance", "expected"),
    [
        (None, None, None, None),  # no declared figures: unknown
        (9, None, None, "MICRO"),
        (10, None, None, "PME"),  # "fewer than 10" employees for a micro-enterprise
        (249, None, None, "PME"),
        (250, None, None, "ETI"),
        (4999, None, None, "ETI"),
        (5000, None, None, "GE"),
        (5, 2 * M, None, "MICRO"),  # turnover at the threshold is still within it
        (5, 3 * M, 1 * M, "MICRO"),  # turnover above, balance sheet within: "or"
        (5, 3 * M, None, "PME"),  # turnover above, balance sheet unknown: not a micro
        (100, 60 * M, 50 * M, "ETI"),  # both above the PME thresholds
        (100, 60 * M, 40 * M, "PME"),  # balance sheet within 43 M€
        (3000, 2000 * M, 3000 * M, "GE"),  # both above the ETI thresholds
        (3000, 1500 * M, 3000 * M, "ETI"),
    ],
)
def test_size_category_follows_the_thresholds_of_decree_2008_1354(headcount, turnover, balance, expected):
    assert size_category(headcount=headcount, turnover=turnover, balance_sheet=balance) == expected


def test_obligation_dates_of_the_calendar():
    assert obligation_date("GE") == date(2017, 1, 1)
    assert obligation_date("ETI") == date(2018, 1, 1)
    assert obligation_date("PME") == date(2019, 1, 1)
    assert obligation_date("MICRO") == date(2020, 1, 1)
    assert obligation_date("MICRO", is_public=True) == date(2017, 1, 1)
    assert obligation_date(None) is None
    # On the dashboard an unknown size is obliged when every company is: 1 January 2020.
    assert obligation_on(compliance_category(size=None, is_public=False)) == date(2020, 1, 1)
    assert obligation_on(compliance_category(size="GE", is_public=True)) == date(2017, 1, 1)


@pytest.mark.django_db
def test_an_administrator_category_wins_over_the_declared_figures():
    # Given a supplier whose figures make it a PME, but whose category an admin set to ETI
    supplier = SupplierStructureFactory(headcount=120, size_category="ETI", size_category_set_by_admin=True)
    # Then the admin's category applies
    assert effective_size_category(supplier) == "ETI"
    # And without the admin's decision, the figures decide
    supplier.size_category_set_by_admin = False
    assert effective_size_category(supplier) == "PME"
    # And without figures, the stored category is kept
    supplier.headcount = None
    assert effective_size_category(supplier) == "ETI"


@pytest.mark.django_db
def test_a_pme_is_obliged_from_1_january_2019_not_the_day_before(acme):
    # Given ACME, a PME, and the summary tables of tonight
    with freeze_time("2019-06-30 03:00:00"):
        statistics_refresh(full=True)
    # When the dashboard is looked at on 31 December 2018, the PME row counts nobody
    before = {
        row.category: row for row in compliance_categories(filters=DashboardFilters(as_of=date(2018, 12, 31)))
    }
    assert before["PME"].not_yet and before["PME"].obliged == 0
    # Then on 1 January 2019, ACME is obliged (and has sent nothing since)
    after = {
        row.category: row for row in compliance_categories(filters=DashboardFilters(as_of=date(2019, 1, 1)))
    }
    assert not after["PME"].not_yet and after["PME"].obliged == 1 and after["PME"].without_invoice == 1
    listed = compliance_suppliers(filters=DashboardFilters(as_of=date(2019, 1, 1)), state="tous")
    assert [(row.name, row.obligation_on) for row in listed.rows] == [("ACME Fournitures", date(2019, 1, 1))]
