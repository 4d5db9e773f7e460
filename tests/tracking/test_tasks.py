"""Every task of the lifecycle is idempotent: running it twice changes nothing the second time
(a message delivered again after a worker was killed). And the chain of a real deposit, from the
web form's data to MISE_A_DISPOSITION with its Factur-X PDF generated before availability."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from common import tasks as common_tasks
from invoices.choices import Channel, DocumentRole
from invoices.data import InvoiceData, LineData
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document, Invoice
from notifications import tasks as notification_tasks
from notifications.models import Digest, Notification, NotificationMode
from notifications.services import notification_preference_set
from tracking import tasks

from .factories import advance


def snapshot() -> tuple:
    return (
        sorted(Invoice.objects.values_list("pk", "status", "due_date", "paid_at")),
        sorted(StatusEvent.objects.values_list("pk", "status", "notified_at")),
        sorted(Notification.objects.values_list("pk", "recipient_id", "email_state", "digest_id")),
        sorted(Digest.objects.values_list("pk", "sent_at")),
        len(mail.outbox),
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a task eagerly, with the after-commit work it schedules (as a worker would)."""

    def run_task(task, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return task.apply(args=args).get()

    return run_task


@pytest.fixture
def twice(run):
    """Run a task twice; return the state after each run."""

    def run_twice(task, *args):
        run(task, *args)
        first = snapshot()
        run(task, *args)
        return first, snapshot()

    return run_twice


def test_routing_and_availability_twice(invoice, twice, run):
    run(tasks.status_event_notify, StatusEvent.objects.get(invoice=invoice).pk)  # the deposit's own task
    first, second = twice(tasks.invoice_route, invoice.pk)
    assert first == second
    first, second = twice(tasks.invoice_make_available, invoice.pk)
    assert first == second
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert StatusEvent.objects.filter(invoice=invoice).count() == 3


def test_notification_and_email_twice(invoice, alice, twice, run):
    event = StatusEvent.objects.get(invoice=invoice)
    first, second = twice(tasks.status_event_notify, event.pk)
    assert first == second and Notification.objects.filter(event=event).count() == 1
    notification = Notification.objects.get(event=event)
    first, second = twice(notification_tasks.notification_send_email, notification.pk)
    assert first == second and len(mail.outbox) == 1


def test_digest_twice(invoice, alice, acme, carla, twice, run):
    notification_preference_set(user=alice, structure=acme, mode=NotificationMode.DAILY_DIGEST)
    run(tasks.status_event_notify, StatusEvent.objects.get(invoice=invoice).pk)
    first, second = twice(notification_tasks.digests_prepare)
    assert first == second and Digest.objects.get().sent_at is not None
    first, second = twice(notification_tasks.digest_send, Digest.objects.get().pk)
    assert first == second and len(mail.outbox) == 1


def test_overdue_detection_twice(invoice, alice, carla, twice, run):
    advance(invoice, S.SERVICE_FAIT, buyer=carla)
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    first, second = twice(tasks.invoices_overdue_detect)
    assert first == second
    overdue = Notification.objects.filter(kind="retard")
    assert sorted(overdue.values_list("recipient_id", flat=True)) == sorted([alice.pk, carla.pk])
    assert "échéance dépassée" in overdue.get(recipient=alice).title
    first, second = twice(tasks.invoice_overdue_notify, invoice.pk)
    assert first == second


def test_a_redelivered_task_finishes_what_a_killed_run_left(invoice, alice, run):
    # Given a routing task killed after its commit, before it enqueued what follows: the
    # invoice is EN_COURS_ACHEMINEMENT, nothing queued, the deposit event not yet notified
    from invoices.lifecycle.machine import invoice_transition
    from invoices.lifecycle.models import ActorRole

    invoice_transition(invoice_id=invoice.pk, to=S.EN_COURS_ACHEMINEMENT, role=ActorRole.SYSTEM)
    # When its message is delivered again
    run(tasks.invoice_route, invoice.pk)
    # Then the chain goes on to the buyer and every event is notified, once
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert not StatusEvent.objects.filter(invoice=invoice, notified_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=alice, invoice=invoice).count() == 3


def test_a_chain_that_fails_before_its_notices_keeps_nothing_and_runs_again(invoice, alice, run, monkeypatch):
    from tracking import dispatch

    # Given a deposited invoice whose legal document is its own file (nothing to generate), and
    # notices that fail once (a worker killed, a database error) after both steps ran
    Invoice.objects.filter(pk=invoice.pk).update(document_by_portal=False)
    deposit = StatusEvent.objects.get(invoice=invoice)

    def fail(*args, **kwargs):
        raise RuntimeError("lost")

    monkeypatch.setattr("tracking.notices._chain_notify", fail)
    # When its dispatch runs
    with pytest.raises(RuntimeError):
        dispatch.status_event_dispatch(event_id=deposit.pk)
    # Then nothing of the chain is kept: the steps and their notices commit together
    invoice.refresh_from_db()
    assert invoice.status == S.DEPOSEE
    assert list(StatusEvent.objects.filter(invoice=invoice).values_list("pk", "notified_at")) == [
        (deposit.pk, None)
    ]
    # When the message is delivered again (or the sweeper finds the event not notified)
    monkeypatch.undo()
    run(tasks.status_event_dispatch, deposit.pk)
    # Then the chain runs to the buyer, each step in the history, Alice told once
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    events = StatusEvent.objects.filter(invoice=invoice).order_by("pk")
    assert [e.status for e in events] == [S.DEPOSEE, S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]
    assert all(e.notified_at is not None for e in events)
    assert Notification.objects.filter(recipient=alice, invoice=invoice).count() == 1


def test_tacit_validation_and_sweep_twice(invoice, twice, run):
    first, second = twice(tasks.validations_tacit_approve)
    assert first == second
    Invoice.objects.filter(pk=invoice.pk).update(status_changed_at=timezone.now() - timedelta(hours=1))
    StatusEvent.objects.filter(invoice=invoice).update(at=timezone.now() - timedelta(hours=1))
    first, second = twice(tasks.lifecycle_sweep)
    assert first == second
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_a_web_form_invoice_gets_its_facturx_before_it_is_made_available(
    alice,
    acme,
    beaufort,
    finances,
    carla,
    twice,
    django_capture_on_commit_callbacks,
):
    from invoices.services import invoice_deposit

    data = InvoiceData(
        number="ACME-2026-0100",
        invoice_date=date.today(),
        recipient_siret=beaufort.siret,
        service_code="FINANCES",
        payment_mode="VIREMENT",
        iban="FR7630006000011234567890189",
        lines=[
            LineData(
                designation="Ramettes de papier A4",
                quantity=Decimal("10"),
                unit_price=Decimal("4.50"),
                vat_rate=Decimal("20"),
            )
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_deposit(supplier=acme, data=data, actor=alice, channel=Channel.SAISIE_PORTAIL)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    document = Document.objects.get(invoice=invoice, role=DocumentRole.INVOICE)
    assert document.content_type == "application/pdf"
    # It existed before the MISE_A_DISPOSITION event
    available = StatusEvent.objects.get(invoice=invoice, status=S.MISE_A_DISPOSITION)
    assert document.created_at <= available.at
    first, second = twice(tasks.invoice_make_available, invoice.pk)
    assert first == second and Document.objects.filter(invoice=invoice).count() == 1


def test_unknown_ids_are_ignored(db, run):
    for task in (
        tasks.invoice_route,
        tasks.invoice_make_available,
        tasks.status_event_notify,
        tasks.invoice_overdue_notify,
        notification_tasks.notification_send_email,
        notification_tasks.digest_send,
    ):
        assert run(task, 999_999) in (None, 0, False)


def test_a_task_retries_a_transient_failure_and_never_a_business_one():
    assert tasks.invoice_route.autoretry_for == common_tasks.TRANSIENT
    from django.db import IntegrityError

    assert IntegrityError not in common_tasks.TRANSIENT
    assert tasks.invoice_route.acks_late and tasks.invoice_route.reject_on_worker_lost
