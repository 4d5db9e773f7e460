"""Layout at 1280 px (a laptop) and 390 px (a phone): no page is wider than the screen, the
« République Française » block is never cut next to a long structure name, the menu labels do
not wrap, and the invoice form's lines table shows a reference and « Autre taux » whole
(issue 18, point 3)."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from invoices.models import Invoice
from suppliers.models import SupplierStructure
from tests.browser.conftest import login

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser

LONG_NAME = "Société coopérative d'intérêt collectif des fournitures du Haut-Anjou"
SUPPLIER = ("fournisseur@chorus.test", "Demo-Fournisseur-2026!")
BUYER = ("acheteur@chorus.test", "Demo-Acheteur-2026!")

MEASURE = """() => {
  const top = document.querySelector('.fr-header__brand-top');
  const logo = document.querySelector('.fr-header__logo');
  const lines = (el) => {
    const range = document.createRange(); range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const menu = [...document.querySelectorAll(
    '#fr-navigation .fr-nav__list > li > .fr-nav__link, #fr-navigation .fr-nav__list > li > .fr-nav__btn'
  )];
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // the logo block must end inside the visible box of its parent (which hides its overflow)
    brandCut:
      logo.getBoundingClientRect().right > top.getBoundingClientRect().left + top.clientWidth + 1,
    wrappedMenu: menu
      .filter((el) => el.offsetParent !== null && lines(el) > 1)
      .map((el) => el.textContent.trim()),
  };
}"""

FITS = """(selector) => {
  const el = document.querySelector(selector);
  const cs = getComputedStyle(el);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = cs.font;
  const text = el.tagName === 'SELECT' ? el.options[el.selectedIndex].text : el.value;
  const needed = ctx.measureText(text).width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
  return needed <= el.clientWidth + 1;
}"""


def _check(page, url: str, width: int) -> None:
    page.goto(url)
    page.wait_for_load_state()
    assert "Page non trouvée" not in page.title(), url
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["innerWidth"], (url, width, found)
    assert not found["brandCut"], (url, width, "« République Française » is cut")
    if width >= 1280:
        assert not found["wrappedMenu"], (url, width, found["wrappedMenu"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen(live_server, browser, width):
    # Given the demo data, and a supplier structure with a long name
    call_command("seed_demo")
    SupplierStructure.objects.filter(name="ACME Fournitures").update(name=LONG_NAME)
    invoice = Invoice.objects.filter(status="MISE_A_DISPOSITION", supplier__name=LONG_NAME).first()
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        # When the supplier walks its pages
        login(page, live_server, *SUPPLIER)
        page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
        for path in ("/tableau-de-bord/", "/suivi/factures-envoyees/", f"/factures/{invoice.pk}/"):
            _check(page, live_server.url + path, width)
        # and fills a line of the entry form with a reference and a manual VAT rate
        _check(page, f"{live_server.url}/factures/saisir/", width)
        page.fill("#id_lines-0-reference", "REF-2026-0042")
        page.select_option("#id_lines-0-vat_rate", "MANUEL")
        # Then the page is still no wider than the screen, and both show whole
        found = page.evaluate(MEASURE)
        assert found["scrollWidth"] <= found["innerWidth"], found
        assert page.evaluate(FITS, "#id_lines-0-reference")
        assert page.evaluate(FITS, "#id_lines-0-vat_rate")
        page.context.clear_cookies()
        # When the buyer walks the inbox and the invoice page, they fit as well
        login(page, live_server, *BUYER)
        page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
        for path in ("/factures-recues/", f"/factures-recues/{invoice.pk}/"):
            _check(page, live_server.url + path, width)
    finally:
        context.close()
