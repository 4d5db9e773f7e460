"""The state machine: every allowed transition by its role, every other one refused (by role),
reasons, compare-and-set, and the history row written with each change."""

from __future__ import annotations

import pytest

from invoices.lifecycle.machine import (
    TRANSITIONS,
    ReasonRequired,
    StatusConflict,
    TransitionError,
    TransitionNotAllowed,
    allowed_targets,
    check_transition,
    invoice_transition,
)
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S

from .factories import advance

ROLES = [ActorRole.SYSTEM, ActorRole.SUPPLIER, ActorRole.BUYER, ActorRole.VALIDATOR]
PAIRS = [(frm, to) for frm in S.values for to in S.values if frm != to]
REASON = {"comment": "Bon de livraison manquant", "reason_code": "JUSTIF_ABS"}


@pytest.mark.parametrize(("frm", "to"), PAIRS)
def test_each_transition_is_allowed_to_its_roles_only(frm, to):
    # Given an invoice in `frm`, when each role asks to move it to `to` (with a reason)
    rule = TRANSITIONS.get((frm, to))
    allowed = rule.roles if rule else frozenset()
    for role in ROLES:
        if role in allowed:
            # Then the roles of the table may
            assert check_transition(current=frm, to=to, role=role, **REASON) is rule
        else:
            # and every other role is refused, in French
            with pytest.raises(TransitionNotAllowed) as exc:
                check_transition(current=frm, to=to, role=role, **REASON)
            assert "n'est pas autorisé" in exc.value.message


def test_the_table_covers_allowed_transitions_for_each_role():
    by_role = {role: sum(role in rule.roles for rule in TRANSITIONS.values()) for role in ROLES}
    assert all(by_role.values()), by_role


def test_the_table_matches_the_lifecycle_of_the_issue():
    # The recipient's targets from MISE_A_DISPOSITION (reference §1.1, PASTELL target list)
    assert set(allowed_targets(status=S.MISE_A_DISPOSITION, role=ActorRole.BUYER)) == {
        S.SUSPENDUE,
        S.A_RECYCLER,
        S.REJETEE,
        S.SERVICE_FAIT,
    }
    assert allowed_targets(status=S.SUSPENDUE, role=ActorRole.SUPPLIER) == [S.COMPLETEE]
    assert allowed_targets(status=S.A_RECYCLER, role=ActorRole.SUPPLIER) == [S.DEPOSEE]
    assert allowed_targets(status=S.MISE_EN_PAIEMENT, role=ActorRole.BUYER) == []
    # Suppliers never process, buyers never route
    assert allowed_targets(status=S.MISE_A_DISPOSITION, role=ActorRole.SUPPLIER) == []
    assert allowed_targets(status=S.DEPOSEE, role=ActorRole.BUYER) == []


@pytest.mark.parametrize("to", [S.SUSPENDUE, S.REJETEE])
def test_suspension_and_rejection_require_a_reason(to):
    with pytest.raises(ReasonRequired) as exc:
        check_transition(current=S.MISE_A_DISPOSITION, to=to, role=ActorRole.BUYER, comment="  ")
    assert "motif est obligatoire" in exc.value.message


def test_a_reason_longer_than_255_characters_is_refused():
    with pytest.raises(TransitionError) as exc:
        check_transition(
            current=S.MISE_A_DISPOSITION, to=S.SUSPENDUE, role=ActorRole.BUYER, comment="x" * 256
        )
    assert "255 caractères" in exc.value.message


def test_an_unknown_reason_code_is_refused():
    with pytest.raises(TransitionError) as exc:
        check_transition(current=S.MISE_A_DISPOSITION, to=S.REJETEE, role=ActorRole.BUYER, reason_code="FAUX")
    assert "Code motif inconnu" in exc.value.message


def test_a_transition_writes_status_and_history_in_one_go(invoice, carla):
    # Given an invoice made available to Beaufort
    advance(invoice, S.MISE_A_DISPOSITION)
    # When Carla suspends it with a reason
    event = invoice_transition(
        invoice_id=invoice.pk,
        to=S.SUSPENDUE,
        role=ActorRole.BUYER,
        actor=carla,
        **REASON,
    )
    # Then the invoice and its history agree, with the user's name (histoStatut, reference §1.2)
    invoice.refresh_from_db()
    assert invoice.status == S.SUSPENDUE and invoice.status_changed_at == event.at
    assert (event.previous_status, event.actor_first_name, event.actor_last_name) == (
        S.MISE_A_DISPOSITION,
        "Carla",
        "Petit",
    )
    assert event.reason_code == "JUSTIF_ABS" and event.comment == "Bon de livraison manquant"
    assert list(StatusEvent.objects.filter(invoice=invoice).values_list("status", flat=True)) == [
        S.DEPOSEE,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
        S.SUSPENDUE,
    ]


def test_a_refused_transition_writes_nothing(invoice, carla):
    advance(invoice, S.MISE_A_DISPOSITION)
    before = StatusEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        invoice_transition(invoice_id=invoice.pk, to=S.MISE_EN_PAIEMENT, role=ActorRole.BUYER, actor=carla)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and StatusEvent.objects.count() == before


def test_two_buyers_acting_on_the_same_screen_only_one_wins(invoice, carla):
    # Given two buyers who both saw the invoice MISE_A_DISPOSITION
    advance(invoice, S.MISE_A_DISPOSITION)
    invoice_transition(
        invoice_id=invoice.pk,
        to=S.SERVICE_FAIT,
        role=ActorRole.BUYER,
        actor=carla,
        expected=S.MISE_A_DISPOSITION,
    )
    # When the second one rejects it from what they saw
    with pytest.raises(StatusConflict) as exc:
        invoice_transition(
            invoice_id=invoice.pk,
            to=S.REJETEE,
            role=ActorRole.BUYER,
            actor=carla,
            expected=S.MISE_A_DISPOSITION,
            **REASON,
        )
    # Then they are told it changed meanwhile, and nothing else was written
    assert "a changé de statut" in exc.value.message
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT
    assert StatusEvent.objects.filter(invoice=invoice, status=S.REJETEE).count() == 0


def test_a_chain_passes_its_row_from_step_to_step_and_a_stale_one_loses(invoice, carla):
    """Issue #17: the automatic chain reads the invoice once and hands the row to each transition,
    which keeps it up to date; a row someone else's change made stale loses the compare-and-set
    like a stale page."""
    from invoices.lifecycle.machine import TRANSITION_FIELDS
    from invoices.models import Invoice

    # Given the worker read the deposited invoice once
    row = Invoice.objects.filter(pk=invoice.pk).values(*TRANSITION_FIELDS).get()
    # When it routes it and makes it available with that row
    invoice_transition(invoice_id=invoice.pk, to=S.EN_COURS_ACHEMINEMENT, role=ActorRole.SYSTEM, row=row)
    invoice_transition(invoice_id=invoice.pk, to=S.MISE_A_DISPOSITION, role=ActorRole.SYSTEM, row=row)
    # Then both steps happened, the due date was set by routing, and the row says what is stored
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.due_date is not None
    assert row["status"] == S.MISE_A_DISPOSITION
    assert row["status_changed_at"] == invoice.status_changed_at and row["due_date"] == invoice.due_date
    # And when a buyer acts meanwhile, a step taken from the old row is refused, writing nothing
    stale = dict(row)
    invoice_transition(invoice_id=invoice.pk, to=S.SERVICE_FAIT, role=ActorRole.BUYER, actor=carla)
    with pytest.raises(StatusConflict):
        invoice_transition(
            invoice_id=invoice.pk, to=S.SUSPENDUE, role=ActorRole.BUYER, actor=carla, row=stale, **REASON
        )
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT
    assert not StatusEvent.objects.filter(invoice=invoice, status=S.SUSPENDUE).exists()
    assert stale["status"] == S.MISE_A_DISPOSITION  # a lost step leaves the caller's row as it was


def test_an_unknown_invoice_is_refused_clearly(db):
    with pytest.raises(TransitionError) as exc:
        invoice_transition(invoice_id=999_999, to=S.EN_COURS_ACHEMINEMENT, role=ActorRole.SYSTEM)
    assert exc.value.message == "Facture inconnue."


def test_a_change_through_the_api_records_the_technical_account(invoice, beaufort):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import TechnicalAccount
    from tracking.services import invoice_buyer_process

    account = TechnicalAccount.objects.create(
        login="TECH-BEAUFORT",
        password="!",
        public_structure=beaufort,
        expires_at=timezone.now() + timedelta(days=90),
    )
    advance(invoice, S.MISE_A_DISPOSITION)
    event = invoice_buyer_process(invoice_id=invoice.pk, to=S.SERVICE_FAIT, actor=account)
    assert (event.actor, event.actor_first_name, event.actor_last_name) == (
        None,
        "Compte technique",
        "TECH-BEAUFORT",
    )
