"""The workers' chain after a deposit: DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION,
a failed re-check → REJETEE with its reasons, the A9/A12 validation circuit and its tacit
approval after 15 days, and the sweeper that leaves nothing in a transient status.

Tasks run eagerly (test settings), after commit as in production."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from entities.models import Service
from invoices.choices import DocumentRole, Framework
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.reasons import ReasonCode
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document
from notifications.models import Notification
from tests.factories import SupplierMembershipFactory, SupplierStructureFactory, UserFactory
from tracking import routing
from tracking.services import invoice_validator_process

from .factories import make_invoice


def legal_document(invoice):
    """The deposited PDF, kept as the legal document (as ``invoice_deposit`` records it)."""
    return Document.objects.create(
        invoice=invoice,
        role=DocumentRole.INVOICE,
        file=f"documents/originaux/{invoice.number}.pdf",
        name=f"{invoice.number}.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )


def statuses(invoice):
    return list(
        StatusEvent.objects.filter(invoice=invoice).order_by("at", "id").values_list("status", flat=True)
    )


def test_a_deposited_invoice_reaches_the_buyer(
    alice, acme, beaufort, finances, carla, django_capture_on_commit_callbacks
):
    # Given Alice deposits an invoice to Beaufort, FINANCES
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=alice)
    # Then the workers route it and make it available, once each
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert statuses(invoice) == [S.DEPOSEE, S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]
    events = StatusEvent.objects.filter(invoice=invoice)
    assert all(e.actor_role == ActorRole.SYSTEM for e in events[1:])
    # and the due date is the deposit date + 30 days (commune: R.2192-10)
    assert invoice.due_date == timezone.localdate(invoice.deposited_at) + timedelta(days=30)
    # and every event was notified
    assert not StatusEvent.objects.filter(invoice=invoice, notified_at__isnull=True).exists()


def test_a_closed_service_rejects_the_invoice_at_routing(
    alice, acme, beaufort, finances, carla, django_capture_on_commit_callbacks
):
    # Given the FINANCES service closed after the deposit
    invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=alice)
    Service.objects.filter(pk=finances.pk).update(active=False)
    # When the worker routes it
    with django_capture_on_commit_callbacks(execute=True):
        routing.invoice_route(invoice_id=invoice.pk)
    # Then it is REJETEE by the system, with the reason in French
    invoice.refresh_from_db()
    assert invoice.status == S.REJETEE
    event = StatusEvent.objects.get(invoice=invoice, status=S.REJETEE)
    assert event.actor_role == ActorRole.SYSTEM
    assert event.reason_code == ReasonCode.CODE_ROUTAGE_ERR
    assert "FINANCES" in event.comment and "n'est plus actif" in event.comment
    assert len(event.comment) <= 255
    # and the buyer never sees it (it never reached the structure)
    from invoices.selectors import invoices_visible_to_buyer

    assert not invoices_visible_to_buyer(structure=beaufort).filter(pk=invoice.pk).exists()
    # and the supplier is told why
    notification = Notification.objects.get(recipient=alice, event=event)
    assert "rejetée" in notification.title and "n'est plus actif" in notification.body


@pytest.fixture
def prime(db):
    """The prime contractor who validates ACME's subcontracting invoices (A9)."""
    structure = SupplierStructureFactory(name="Bâtiments Généraux")
    user = UserFactory(email="gaelle@batiments.test", first_name="Gaëlle", last_name="Bernard")
    SupplierMembershipFactory(user=user, structure=structure)
    return structure, user


def test_a_subcontractor_invoice_waits_for_the_validator(
    alice, acme, beaufort, finances, carla, prime, django_capture_on_commit_callbacks
):
    structure, gaelle = prime
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(
            supplier=acme,
            recipient=beaufort,
            service=finances,
            actor=alice,
            framework=Framework.A9,
            validator=structure,
        )
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    # the validator is asked
    assert Notification.objects.filter(recipient=gaelle, invoice=invoice, kind="a_valider").count() == 1
    # When the validator validates, the invoice goes on to the recipient
    with django_capture_on_commit_callbacks(execute=True):
        invoice_validator_process(invoice_id=invoice.pk, actor=gaelle, action="VALIDATION")
    invoice.refresh_from_db()
    assert statuses(invoice) == [
        S.DEPOSEE,
        S.A_VALIDER_1,
        S.VALIDEE_1,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]


def test_a_refusal_by_the_validator_needs_a_reason(
    alice, acme, beaufort, finances, prime, django_capture_on_commit_callbacks
):
    structure, gaelle = prime
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(
            supplier=acme,
            recipient=beaufort,
            service=finances,
            actor=alice,
            framework=Framework.A12,
            validator=structure,
        )
    from invoices.lifecycle.machine import ReasonRequired, TransitionNotAllowed

    with pytest.raises(ReasonRequired):
        invoice_validator_process(invoice_id=invoice.pk, actor=gaelle, action="REFUS")
    with pytest.raises(TransitionNotAllowed) as exc:
        invoice_validator_process(invoice_id=invoice.pk, actor=gaelle, action="MISE_EN_PAIEMENT")
    assert "VALIDATION ou REFUS" in exc.value.message
    invoice_validator_process(
        invoice_id=invoice.pk, actor=gaelle, action="REFUS", comment="Travaux non réalisés"
    )
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_1


def test_tacit_validation_after_15_days_without_answer(
    alice, acme, beaufort, finances, prime, django_capture_on_commit_callbacks
):
    structure, _gaelle = prime
    with freeze_time("2026-03-02 10:00:00"), django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(
            supplier=acme,
            recipient=beaufort,
            service=finances,
            actor=alice,
            framework=Framework.A9,
            validator=structure,
        )
    # 14 days later: nothing yet
    with freeze_time("2026-03-16 09:00:00"), django_capture_on_commit_callbacks(execute=True):
        assert routing.validations_tacit_approve() == 0
    # 15 days later: tacit validation, then routing to the recipient
    with freeze_time("2026-03-17 11:00:00"), django_capture_on_commit_callbacks(execute=True):
        assert routing.validations_tacit_approve() == 1
    invoice.refresh_from_db()
    assert statuses(invoice) == [
        S.DEPOSEE,
        S.A_VALIDER_1,
        S.ABSENCE_VALIDATION_1_HORS_DELAI,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]
    tacit = StatusEvent.objects.get(invoice=invoice, status=S.ABSENCE_VALIDATION_1_HORS_DELAI)
    assert "15 jours" in tacit.comment
    # A second run changes nothing
    with freeze_time("2026-03-18 11:00:00"), django_capture_on_commit_callbacks(execute=True):
        assert routing.validations_tacit_approve() == 0


def test_the_sweeper_moves_on_an_invoice_whose_message_was_lost(
    alice, acme, beaufort, finances, carla, django_capture_on_commit_callbacks
):
    # Given a deposit whose after-commit dispatch never happened (broker down at that moment)
    invoice = make_invoice(
        supplier=acme,
        recipient=beaufort,
        service=finances,
        actor=alice,
        deposited_at=timezone.now() - timedelta(minutes=30),
    )
    legal_document(invoice)
    assert StatusEvent.objects.get(invoice=invoice).notified_at is None
    # When the periodic sweeper runs
    with django_capture_on_commit_callbacks(execute=True):
        found = routing.lifecycle_sweep()
    # Then the invoice is routed and made available, and the deposit event notified
    assert found["invoices"] == 1 and found["events"] == 1
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    # in one notification for the chain of automatic steps (issue #17)
    (notification,) = Notification.objects.filter(recipient=alice, invoice=invoice)
    assert notification.title == f"Facture {invoice.number} : Déposée et mise à disposition"
    assert not StatusEvent.objects.filter(invoice=invoice, notified_at__isnull=True).exists()
    # A second sweep finds nothing left
    with django_capture_on_commit_callbacks(execute=True):
        assert routing.lifecycle_sweep() == {"invoices": 0, "events": 0, "documents": 0, "emails": 0}


def test_the_sweeper_leaves_fresh_work_to_the_queue(invoice):
    assert routing.lifecycle_sweep()["invoices"] == 0


def test_overdue_candidates_use_a_bounded_window(invoice, carla):
    from .factories import advance

    advance(invoice, S.SERVICE_FAIT, buyer=carla)
    today = timezone.localdate()
    type(invoice).objects.filter(pk=invoice.pk).update(due_date=today - timedelta(days=2))
    assert routing.overdue_candidates(today=today) == [invoice.pk]
    # Overdue for longer than the catch-up window: already notified on an earlier day
    assert routing.overdue_candidates(today=today + timedelta(days=10)) == []


def test_the_validator_decides_from_their_pages(
    client, alice, acme, beaufort, finances, prime, bob, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    structure, gaelle = prime
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(
            supplier=acme, recipient=beaufort, service=finances, framework=Framework.A9, validator=structure
        )
    client.force_login(gaelle)
    listing = client.get(reverse("tracking:validations"))
    assert [i.pk for i in listing.context["invoices"]] == [invoice.pk]
    url = reverse("tracking:validation_detail", args=[invoice.pk])
    # A refusal without a reason is refused next to the field
    response = client.post(url, {"action": "REFUS", "comment": ""})
    assert "motif du refus" in response.context["form"].errors["comment"][0]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "VALIDATION"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    # Neither the subcontractor nor another supplier can act as the validator
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(url).status_code == 404
