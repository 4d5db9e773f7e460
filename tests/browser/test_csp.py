"""The whole portal sends a Content-Security-Policy and no page breaks it (issue 19, point 2):
page by page, as a visitor, the supplier, the buyer and the administrator of the demo. The
buyer's PDF preview is a sandboxed frame whose document carries ``Content-Security-Policy:
sandbox``."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from invoices.choices import DocumentRole
from invoices.models import Invoice
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

PUBLIC = [
    "/",
    "/annuaire/",
    "/annuaire/?q=beaufort",
    "/aide/",
    "/statistiques/",
    "/api/demarrer/",
    "/api/docs/",
    "/compte/login/",
    "/compte/signup/",
]
SUPPLIER = [
    "/tableau-de-bord/",
    "/factures/saisir/",
    "/factures/brouillons/",
    "/factures/deposer/",
    "/suivi/factures-envoyees/",
    "/notifications/",
    "/fournisseur/structure/",
    "/sollicitations/",
    "/api/applications/",
]
BUYER = [
    "/tableau-de-bord/",
    "/factures-recues/",
    "/factures-papier/",
    "/acheteur/structure/",
    "/notifications/preferences/",
]
ADMIN = ["/conformite/", "/statistiques/"]


def _visit(page, live_server, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "script-src" in policy, (path, policy)
        page.wait_for_load_state("load")
        assert not page.csp_watch.violations(), (path, page.csp_watch.violations())


@pytest.mark.django_db(transaction=True)
def test_every_page_sends_a_policy_and_none_is_violated(live_server, browser_page):
    call_command("seed_demo")
    page = browser_page
    # As a visitor
    _visit(page, live_server, PUBLIC)
    # As the demo supplier
    login(page, live_server, "fournisseur@chorus.test", "Demo-Fournisseur-2026!")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    invoice = Invoice.objects.exclude(status="BROUILLON").filter(documents__role=DocumentRole.INVOICE).first()
    _visit(page, live_server, [*SUPPLIER, f"/factures/{invoice.pk}/"])
    page.context.clear_cookies()
    # As the demo buyer, the invoice page with its PDF preview included
    login(page, live_server, "acheteur@chorus.test", "Demo-Acheteur-2026!")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    _visit(page, live_server, [*BUYER, f"/factures-recues/{invoice.pk}/"])
    frame = page.locator("iframe.chorus-pdf-preview")
    assert frame.get_attribute("sandbox") == ""
    preview = page.request.get(live_server.url + frame.get_attribute("src"))
    assert preview.headers["content-security-policy"] == "sandbox"
    assert preview.headers["content-type"] == "application/pdf"
    page.context.clear_cookies()
    # As the administrator
    login(page, live_server, "admin@chorus.test", "Demo-Admin-2026!")
    page.wait_for_load_state("load")
    _visit(page, live_server, ADMIN)
