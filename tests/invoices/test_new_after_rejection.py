"""After a rejection the supplier issues a new invoice with a new number, prefilled from the
rejected one (Chorus Pro: a rejected invoice is final, its number cannot be reused)."""

from __future__ import annotations

import pytest

from invoices.choices import Channel
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.services import invoice_deposit
from tests.invoices.conftest import valid_data
from tests.tracking.factories import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(acme, alice, beaufort, carla):
    invoice = invoice_deposit(
        supplier=acme, data=valid_data(number="F-REJ-1"), actor=alice, channel=Channel.SAISIE_PORTAIL
    )
    return advance(invoice, InvoiceStatus.REJETEE, buyer=carla)


def test_new_invoice_is_prefilled_from_the_rejected_one_without_its_number(client, alice, rejected):
    client.force_login(alice)
    response = client.get(f"/factures/saisir/?depuis={rejected.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["recipient_siret"] == "21490244700017"
    assert form.initial["service_code"] == "FINANCES"
    assert not form.initial.get("number")
    assert len(response.context["formset"].initial) == rejected.lines.count()
    assert "nouveau numéro" in response.content.decode()


def test_another_suppliers_rejected_invoice_is_not_a_source(client, bob, rejected):
    client.force_login(bob)
    response = client.get(f"/factures/saisir/?depuis={rejected.pk}")
    assert response.status_code == 200
    assert not response.context["form"].initial
    assert "F-REJ-1" not in response.content.decode()
