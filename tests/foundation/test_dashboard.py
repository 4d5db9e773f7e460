"""The dashboard counts the invoices of the selected structure only, within the buyer's services."""

from __future__ import annotations

import pytest

from tests.tracking.factories import make_invoice

pytestmark = pytest.mark.django_db


def test_buyer_restricted_to_a_service_counts_only_its_invoices(
    client, carla, beaufort, acme, django_capture_on_commit_callbacks
):
    # Given two invoices made available to Beaufort's FINANCES service and one to TECHNIQUE
    finances = beaufort.services.get(code="FINANCES")
    technique = beaufort.services.get(code="TECHNIQUE")
    with django_capture_on_commit_callbacks(execute=True):
        make_invoice(supplier=acme, recipient=beaufort, service=finances)
        make_invoice(supplier=acme, recipient=beaufort, service=finances)
        make_invoice(supplier=acme, recipient=beaufort, service=technique)
    # and Carla restricted to TECHNIQUE
    carla.buyer_memberships.get().services.set([technique])
    client.force_login(carla)
    # When she opens her dashboard
    response = client.get("/tableau-de-bord/")
    # Then the counts speak of the one invoice of her service
    counts = {code: n for code, _label, n, _capped in response.context["counts"]}
    assert counts == {"MISE_A_DISPOSITION": 1}


def test_supplier_dashboard_never_counts_another_suppliers_invoices(client, bob, acme, beaufort):
    make_invoice(supplier=acme, recipient=beaufort)
    client.force_login(bob)
    assert client.get("/tableau-de-bord/").context["counts"] == []
