"""A buyer's connector searches received invoices by deposit day: days are days of Paris."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from invoices.lifecycle.statuses import InvoiceStatus
from tests.tracking.factories import advance, make_invoice

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_deposit_day_filter_uses_paris_days(api, acme, beaufort):
    # Given an invoice deposited on 3 March 2026 at 23:30 in Paris (22:30 UTC) and made available
    late = make_invoice(
        supplier=acme, recipient=beaufort, deposited_at=dt.datetime(2026, 3, 3, 23, 30, tzinfo=PARIS)
    )
    advance(late, InvoiceStatus.MISE_A_DISPOSITION)

    def found(du: str, au: str) -> list[int]:
        body = {"periodeDateDepotDu": du, "periodeDateDepotAu": au}
        reply = api.call("/cpro/factures/v1/rechercher/recipiendaire", body, account="TECH-BEAUFORT")
        return [row["idFacture"] for row in reply.json().get("listeFactures") or []]

    # Then it belongs to 3 March, not to 4 March
    assert found("2026-03-03", "2026-03-03") == [late.pk]
    assert found("2026-03-04", "2026-03-04") == []
    assert found("2026-03-01", "2026-03-31") == [late.pk]
