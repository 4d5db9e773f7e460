"""The administrator opens the compliance dashboard as of 1 March 2019 and sees the demo supplier,
ACME Fournitures (a PME, obliged from 1 January 2019), listed as obliged."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import login, menu

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_admin_sees_the_demo_pme_obliged_on_1_march_2019(live_server, browser_page):
    # Given the demo data of `make run` (paper invoices and the summary tables included)
    call_command("seed_demo")
    page = browser_page
    # When the administrator logs in and opens the compliance dashboard from the menu
    login(page, live_server, "admin@chorus.test", "Demo-Admin-2026!")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    menu(page, "Pilotage", "Conformité")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Conformité à l'obligation de facturation électronique"
    )
    # and asks for the situation on 1 March 2019
    page.get_by_label("Situation au").fill("2019-03-01")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/conformite/?date=2019-03-01*")
    expect(page.get_by_text("Situation au 1er mars 2019")).to_be_visible()
    # Then the PME row counts ACME among the obliged suppliers
    pme = page.locator("#categories + .fr-table tbody tr", has_text="Petite ou moyenne entreprise")
    expect(pme.locator("td").nth(0)).to_have_text("1er janvier 2019")
    expect(pme.locator("td").nth(1)).to_have_text("1")
    # And ACME Fournitures is listed, obliged since 1 January 2019, with its paper invoices
    acme = page.locator("table tbody tr", has=page.get_by_role("rowheader", name="ACME Fournitures"))
    expect(acme).to_have_count(1)
    expect(acme).to_contain_text("Petite ou moyenne entreprise")
    expect(acme).to_contain_text("1er janvier 2019")
    expect(acme).to_contain_text("Papier après l'obligation")
    expect(acme).to_contain_text("F-2019-0058")
    # And the charts are drawn with their data tables
    expect(page.locator("figure svg")).to_have_count(3)
