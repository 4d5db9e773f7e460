"""Two concurrent sends of the same invoice number: exactly one wins (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from invoices.checks import InvoiceRejected
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from invoices.services import invoice_deposit, invoice_draft_save, invoice_send
from tests.invoices.conftest import valid_data

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL (SQLite serialises writers)"
)


def _race(*jobs) -> list[object]:
    """Run the jobs at the same time, each in its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int, job) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_drafts_with_the_same_number_sent_at_once_exactly_one_wins(world):
    acme, alice = world["acme"], world["alice"]
    first = invoice_draft_save(supplier=acme, data=valid_data(), actor=alice)
    second = invoice_draft_save(supplier=acme, data=valid_data(service_code="TECHNIQUE"), actor=alice)
    results = _race(
        lambda: invoice_send(invoice=first, actor=alice), lambda: invoice_send(invoice=second, actor=alice)
    )
    winners = [r for r in results if isinstance(r, Invoice)]
    losers = [r for r in results if isinstance(r, InvoiceRejected)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert [e.code for e in losers[0].errors] == ["CPRO-DOUBLON"]
    # The loser is still a draft; the winner was deposited (and the workers may have routed it since).
    loser_id = first.pk if winners[0].pk == second.pk else second.pk
    assert Invoice.objects.get(pk=loser_id).status == InvoiceStatus.BROUILLON
    assert (
        Invoice.objects.get(pk=winners[0].pk).status_events.filter(status=InvoiceStatus.DEPOSEE).count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_deposits_of_the_same_number_at_once_exactly_one_wins(world):
    acme, alice = world["acme"], world["alice"]
    deposit = lambda: invoice_deposit(supplier=acme, data=valid_data(), actor=alice, channel="SAISIE_API")  # noqa: E731
    results = _race(deposit, deposit, deposit)
    assert sum(isinstance(r, Invoice) for r in results) == 1, results
    assert all(
        [e.code for e in r.errors] == ["CPRO-DOUBLON"] for r in results if not isinstance(r, Invoice)
    ), results
    assert Invoice.objects.filter(supplier=acme, number="F-2026-0001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_send_sends_once(world):
    acme, alice = world["acme"], world["alice"]
    draft = invoice_draft_save(supplier=acme, data=valid_data(), actor=alice)
    results = _race(
        lambda: invoice_send(invoice=draft, actor=alice), lambda: invoice_send(invoice=draft, actor=alice)
    )
    assert sum(isinstance(r, Invoice) for r in results) == 1, results
    refused = next(r for r in results if isinstance(r, InvoiceRejected))
    assert [e.code for e in refused.errors] == ["CPRO-DEJA-TRANSMISE"]
    assert draft.status_events.filter(status=InvoiceStatus.DEPOSEE).count() == 1
