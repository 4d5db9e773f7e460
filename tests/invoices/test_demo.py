"""``seed_demo`` gives a new user a living portal: invoices of the demo supplier in several states."""

from __future__ import annotations

import pytest

from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice

pytestmark = pytest.mark.django_db


def _seed():
    from accounts import demo as accounts_demo
    from entities import demo as entities_demo
    from invoices import demo
    from suppliers import demo as suppliers_demo

    users = accounts_demo.seed()
    suppliers = suppliers_demo.seed(users)
    entities = entities_demo.seed(users)
    return demo.seed(users=users, suppliers=suppliers, entities=entities)


def test_demo_invoices_in_several_states_and_idempotent():
    seeded = _seed()
    assert seeded["F-DEMO-0004"].status == InvoiceStatus.BROUILLON
    assert seeded["F-DEMO-0001"].status != InvoiceStatus.BROUILLON
    assert seeded["AV-DEMO-0001"].original_invoice == seeded["F-DEMO-0001"]
    assert seeded["F-DEMO-0003"].amount_due == 0
    count = Invoice.objects.count()
    again = _seed()
    assert Invoice.objects.count() == count == 5
    assert {k: v.pk for k, v in again.items()} == {k: v.pk for k, v in seeded.items()}
