"""What a public buyer sees is one rule (``invoices.selectors.buyer_visible``), the same on the
invoice page, in the inbox, in downloads and through the API: an invoice reaches its recipient
when it is made available (Chorus Pro: MISE_A_DISPOSITION); while it is deposited, routed or
waiting for its validator it is not the buyer's yet, and a rejection by the system at routing
never reaches it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from invoices.lifecycle.machine import invoice_transition
from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.tracking.factories import advance, make_invoice

from .conftest import Connector


def buyer_sees(client, api: Connector, carla, invoice) -> dict[str, bool]:
    """Whether Beaufort's buyer sees ``invoice`` on each of the portal's and the API's doors."""
    client.force_login(carla)
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    inbox = client.get(reverse("inbox:list"))
    consult = api.call(
        "/cpro/factures/v1/consulter/recipiendaire", {"idFacture": invoice.pk}, account="TECH-BEAUFORT"
    )
    search = api.call("/cpro/factures/v1/rechercher/recipiendaire", {}, account="TECH-BEAUFORT").json()
    return {
        "page": page.status_code == 200,
        "inbox": invoice.pk in [i.pk for i in inbox.context["page"].invoices],
        "api": consult.status_code == 200,
        "search": invoice.pk in [r["idFacture"] for r in search["listeFactures"]],
    }


NOWHERE = {"page": False, "inbox": False, "api": False, "search": False}
EVERYWHERE = {"page": True, "inbox": True, "api": True, "search": True}


def test_a_deposited_invoice_is_not_the_buyers_until_made_available(client, api, acme, beaufort, carla):
    # Given an invoice ACME just deposited (the workers have not routed it yet)
    invoice = make_invoice(supplier=acme, recipient=beaufort, service=beaufort.services.get(code="FINANCES"))
    # Then Beaufort's buyer sees it nowhere, not even by its id
    assert buyer_sees(client, api, carla, invoice) == NOWHERE
    # When it is routed, it is still not there
    invoice_transition(invoice_id=invoice.pk, to=S.EN_COURS_ACHEMINEMENT, role=ActorRole.SYSTEM)
    assert buyer_sees(client, api, carla, invoice) == NOWHERE
    # When it is made available, it is there on every door
    invoice_transition(invoice_id=invoice.pk, to=S.MISE_A_DISPOSITION, role=ActorRole.SYSTEM)
    assert buyer_sees(client, api, carla, invoice) == EVERYWHERE


def test_an_invoice_waiting_for_its_validator_is_not_the_buyers(client, api, acme, bakery, beaufort, carla):
    # Given an A9 invoice of a subcontractor waiting for the prime contractor's validation
    invoice = make_invoice(
        supplier=acme,
        recipient=beaufort,
        service=beaufort.services.get(code="FINANCES"),
        framework="A9_FACTURE_SOUSTRAITANT",
        validator=bakery,
    )
    invoice_transition(invoice_id=invoice.pk, to=S.A_VALIDER_1, role=ActorRole.SYSTEM)
    # Then the buyer does not see it
    assert buyer_sees(client, api, carla, invoice) == NOWHERE


@pytest.mark.parametrize("rejected_by", [ActorRole.SYSTEM, ActorRole.BUYER])
def test_only_the_buyers_own_rejections_are_shown_to_it(client, api, acme, beaufort, carla, rejected_by):
    finances = beaufort.services.get(code="FINANCES")
    invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances)
    if rejected_by == ActorRole.SYSTEM:
        # Rejected by the checks re-run at routing: it never reached Beaufort
        invoice_transition(
            invoice_id=invoice.pk, to=S.REJETEE, role=ActorRole.SYSTEM, comment="Service fermé entre-temps"
        )
        assert buyer_sees(client, api, carla, invoice) == NOWHERE
    else:
        advance(invoice, S.REJETEE, buyer=carla)
        assert buyer_sees(client, api, carla, invoice) == EVERYWHERE
