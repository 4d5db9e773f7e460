"""The buyer's inbox: « À traiter » has its count and the chosen chip is marked, a « select
all » box for bulk actions, a page count; the supplier sees the mandate number (issue 18,
point 7)."""

from __future__ import annotations

from django.urls import reverse

from invoices.lifecycle.statuses import InvoiceStatus as S

from .factories import advance, make_invoice


def test_the_to_process_chip_counts_and_shows_it_is_selected(client, carla, acme, beaufort, finances):
    # Given three invoices made available to the buyer
    for _ in range(3):
        advance(make_invoice(supplier=acme, recipient=beaufort, service=finances), S.MISE_A_DISPOSITION)
    client.force_login(carla)
    # When the buyer clicks « À traiter »
    page = client.get(reverse("inbox:list"), {"statut": "A_TRAITER"}).content.decode()
    # Then the chip says how many, and is the selected one
    assert "À traiter : 3" in page
    assert 'data-status="A_TRAITER" aria-current="true"' in page
    assert 'data-status="MISE_A_DISPOSITION" aria-current' not in page
    # And a box selects every invoice of the page for the bulk actions, with a page count
    assert 'data-select-all="factures"' in page and "js/select-all.js" in page
    assert "Page 1 sur 1" in page and "3 factures trouvées" in page


def test_the_supplier_sees_the_mandate_number(client, alice, acme, beaufort, finances):
    invoice = advance(make_invoice(supplier=acme, recipient=beaufort, service=finances), S.MANDATEE)
    invoice.mandate_number = "MDT-2026-0042"
    invoice.save(update_fields=["mandate_number"])
    client.force_login(alice)
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "MDT-2026-0042" in page
