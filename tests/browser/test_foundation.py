"""A visitor opens the portal, logs in as the demo supplier and sees their dashboard."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_visitor_logs_in_as_demo_supplier_and_sees_dashboard(live_server, browser_page):
    # Given the demo data of `make run`
    call_command("seed_demo")
    page = browser_page
    # When a visitor opens the home page
    page.goto(live_server.url + "/")
    assert "Chorus" in page.title()
    logo = page.locator(".fr-header .fr-logo").inner_text()
    assert logo.replace("\n", " ").lower() == "république française"
    # and logs in as the demo supplier
    page.get_by_role("link", name="Se connecter").first.click()
    login(page, live_server, "fournisseur@chorus.test", "Demo-Fournisseur-2026!")
    # Then they land on their dashboard, for their structure
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    assert page.get_by_role("heading", name="Tableau de bord").is_visible()
    assert page.get_by_text("ACME Fournitures").first.is_visible()
