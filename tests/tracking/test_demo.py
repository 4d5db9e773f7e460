"""``seed_demo`` leaves invoices at every status of the lifecycle, with their history and
notifications, and running it twice gives the same data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from notifications.models import Notification
from tracking.demo import SPECS


def state() -> tuple:
    return (
        sorted(Invoice.objects.values_list("number", "status", "due_date", "mandate_number")),
        StatusEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_seed_demo_leaves_every_status_and_is_idempotent():
    # Real commits: the after-commit work runs as in production (eager tasks)
    call_command("seed_demo")
    first = state()
    ours = {i.number: i for i in Invoice.objects.filter(number__startswith="F-SUIVI-")}
    assert len(ours) == len(SPECS)
    statuses = {i.status for i in ours.values()}
    for status in (
        S.DEPOSEE,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
        S.SUSPENDUE,
        S.COMPLETEE,
        S.A_RECYCLER,
        S.REJETEE,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
    ):
        assert status in statuses, status
    # A dated history, and the notifications of each step for the demo supplier and buyer
    paid = ours["F-SUIVI-14"]
    events = list(StatusEvent.objects.filter(invoice=paid).order_by("at", "id"))
    assert [e.status for e in events][-1] == S.MISE_EN_PAIEMENT
    assert (events[-1].at - events[0].at).days == 41
    # (one per change not made by the supplier itself: nobody is notified of their own action)
    assert Notification.objects.filter(
        recipient__email="fournisseur@chorus.test", invoice=paid
    ).count() == len([e for e in events if e.actor is None or e.actor.email != "fournisseur@chorus.test"])
    assert Notification.objects.filter(recipient__email="acheteur@chorus.test", invoice=paid).count() == 1
    from invoices.lifecycle.payment import invoice_lateness

    assert invoice_lateness(paid).days_late == 11 and invoice_lateness(ours["F-SUIVI-04"]).overdue
    # Running it again changes nothing
    call_command("seed_demo")
    assert state() == first
