"""A buyer's connector pages through everything it received, even past the bounded count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpro.api import base
from invoices.lifecycle.statuses import InvoiceStatus
from tests.tracking.factories import advance, make_invoice

pytestmark = pytest.mark.django_db
SEARCH = "/cpro/factures/v1/rechercher/recipiendaire"


@pytest.fixture
def seven_received(acme, beaufort) -> list[int]:
    return [
        advance(make_invoice(supplier=acme, recipient=beaufort), InvoiceStatus.MISE_A_DISPOSITION).pk
        for _ in range(7)
    ]


def search_page(api, page: int) -> dict:
    body = {"paramRecherche": {"nbResultatsParPage": 2, "pageResultatDemandee": page}}
    return api.call(SEARCH, body, account="TECH-BEAUFORT").json()


def test_total_is_exact_below_the_count_cap(api, seven_received):
    # Given seven invoices received, far below the cap
    # When the connector asks page 1 by twos
    answer = search_page(api, 1)
    # Then the total and the number of pages are exact
    assert (answer["total"], answer["pages"], answer["pageCourante"]) == (7, 4, 1)


def test_connector_reading_pages_on_each_answer_reaches_the_last_invoice(api, seven_received, monkeypatch):
    # Given a count bounded at 3 (10,000 in production) and seven invoices received
    monkeypatch.setattr(base, "COUNT_CAP", 3)
    # When the connector asks page 1, then the next one while ``pages`` announces one (Pastell)
    seen, page, totals = [], 1, []
    while True:
        answer = search_page(api, page)
        seen += [row["idFacture"] for row in answer["listeFactures"]]
        totals.append(answer["total"])
        if page >= answer["pages"]:
            break
        page += 1
    # Then page 1 says "at least 4" (one page more than it shows), the bound rises page by page,
    # and every invoice is read once, newest first
    assert totals == [4, 5, 7, 7]
    assert seen == sorted(seven_received, reverse=True)


def test_page_past_the_end_is_empty(api, seven_received, monkeypatch):
    # Given seven invoices and a count bounded at 3
    monkeypatch.setattr(base, "COUNT_CAP", 3)
    # When a connector asks page 5 by twos (rows 9 and 10)
    answer = search_page(api, 5)
    # Then it gets an empty page with the exact total, and code 20000 ("no result")
    assert answer["listeFactures"] == [] and answer["total"] == 7 and answer["codeRetour"] == 20000


def test_a_page_costs_the_same_queries_whatever_its_rows(api, acme, bakery, beaufort):
    # Given invoices from two suppliers, to two services of Beaufort, one of them deposited by flow
    services = list(beaufort.services.filter(active=True))
    for i in range(6):
        invoice = make_invoice(
            supplier=(acme, bakery)[i % 2], recipient=beaufort, service=services[i % len(services)]
        )
        advance(invoice, InvoiceStatus.MISE_A_DISPOSITION)

    def queries(size: int) -> tuple[int, list[dict]]:
        body = {"paramRecherche": {"nbResultatsParPage": size}}
        with CaptureQueriesContext(connection) as captured:
            rows = api.call(SEARCH, body, account="TECH-BEAUFORT").json()["listeFactures"]
        return len(captured), rows

    # When the buyer's connector, once signed in, reads a page of one row, then a page of six
    queries(1)
    one, _ = queries(1)
    six, rows = queries(6)
    # Then six rows cost no query more than one: each row's supplier, service and structure come
    # with it, read from the columns the row shows
    assert six == one
    assert {row["designationFournisseur"] for row in rows} == {acme.name, bakery.name}
    assert {row["codeServiceExecutant"] for row in rows} == {s.code for s in services}
    assert {row["codeDestinataire"] for row in rows} == {beaufort.siret}


def test_supplier_pages_cost_the_same_queries_whatever_their_rows(api, acme, beaufort):
    # Given six invoices ACME sent to Beaufort
    for _ in range(6):
        advance(make_invoice(supplier=acme, recipient=beaufort), InvoiceStatus.MISE_A_DISPOSITION)

    def queries(size: int) -> tuple[int, list[dict]]:
        body = {"rechercheFactureParFournisseur": {"nbResultatsParPage": size}}
        with CaptureQueriesContext(connection) as captured:
            reply = api.call("/cpro/factures/v1/rechercher/fournisseur", body, account="TECH-ACME")
        return len(captured), reply.json()["listeFactures"]

    # When ACME's connector, once signed in, reads a page of one row, then a page of six
    queries(1)
    one, _ = queries(1)
    six, rows = queries(6)
    # Then the six rows, with their flow and channel columns, cost no query more
    assert six == one and len(rows) == 6
    assert {row["designationDestinataire"] for row in rows} == {beaufort.name}
    assert all("numeroFluxDepot" in row and row["modeDepot"] for row in rows)
