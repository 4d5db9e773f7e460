"""Demo data of ``seed_demo``: ACME Fournitures' invoices to the Commune de Beaufort-en-Anjou
(service FINANCES) at every status of the lifecycle, with a dated history and the notifications
of each step. Runs after ``invoices.demo``.

Each invoice is deposited through the real deposit service (checks, fingerprint) and its history
is written with past dates (deposit days ago, buyer's steps days later) by the real state
machine, all in one transaction: nobody has seen it before it commits, and no history row is
ever edited. The notifications of that past history are created in the same transaction,
without e-mails (nobody should receive mail about last month): the events are then already
dispatched, so the workers leave the two invoices shown in a transient status (DEPOSEE,
EN_COURS_ACHEMINEMENT) where they are — until the sweeper moves them on, as it would after a
lost message.

Idempotent: an invoice whose number exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from invoices.data import InvoiceData, LineData
from invoices.lifecycle.machine import invoice_transition
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from invoices.services import invoice_deposit_record
from notifications.models import Notification

from . import works_demo
from .notices import status_event_notify

IBAN = "FR7630006000011234567890189"
SYSTEM, SUPPLIER, BUYER = ActorRole.SYSTEM, ActorRole.SUPPLIER, ActorRole.BUYER


@dataclass(frozen=True)
class Step:
    status: str
    day: float  # days after the deposit
    reason_code: str = ""
    comment: str = ""
    mandate: str = ""


@dataclass(frozen=True)
class Spec:
    number: str
    days_ago: float
    designation: str
    quantity: str
    price: str
    steps: list[Step] = field(default_factory=list)


ROUTED = [Step(S.EN_COURS_ACHEMINEMENT, 0.001), Step(S.MISE_A_DISPOSITION, 0.002)]
PAID = [
    Step(S.SERVICE_FAIT, 3),
    Step(S.MANDATEE, 8, mandate="MDT-2026-0311"),
    Step(S.MISE_A_DISPOSITION_COMPTABLE, 12),
    Step(S.COMPTABILISEE, 16),
]
SUSPENSION = Step(S.SUSPENDUE, 2, "JUSTIF_ABS", "Le bon de livraison signé n'est pas joint : ajoutez-le.")

SPECS = [
    Spec("F-SUIVI-01", 0.004, "Classeurs à levier (lot de 20)", "3", "38.00"),
    Spec("F-SUIVI-02", 0.003, "Enveloppes kraft C4 (boîte de 250)", "4", "29.90", [ROUTED[0]]),
    Spec("F-SUIVI-03", 2, "Papier A4 recyclé (carton de 5 ramettes)", "10", "24.50", ROUTED),
    Spec("F-SUIVI-04", 45, "Mobilier de bureau : fauteuils ergonomiques", "6", "289.00", ROUTED),
    Spec("F-SUIVI-05", 10, "Toner laser couleur", "8", "74.90", [*ROUTED, SUSPENSION]),
    Spec(
        "F-SUIVI-06",
        20,
        "Agendas et calendriers 2027",
        "40",
        "6.80",
        [
            *ROUTED,
            SUSPENSION,
            Step(S.COMPLETEE, 6, comment="Bon de livraison signé joint, merci."),
        ],
    ),
    Spec(
        "F-SUIVI-07",
        8,
        "Signalétique des ateliers municipaux",
        "12",
        "45.00",
        [
            *ROUTED,
            Step(
                S.A_RECYCLER, 1, "ROUTAGE_ERR", "Cette commande relève des services techniques (TECHNIQUE)."
            ),
        ],
    ),
    Spec(
        "F-SUIVI-08",
        15,
        "Fournitures scolaires (écoles)",
        "1",
        "1280.00",
        [
            *ROUTED,
            Step(S.REJETEE, 4, "PU_ERR", "Le prix unitaire ne correspond pas au devis n° D-2026-14."),
        ],
    ),
    Spec("F-SUIVI-09", 12, "Ramettes de papier A3", "5", "39.90", [*ROUTED, Step(S.SERVICE_FAIT, 5)]),
    Spec("F-SUIVI-10", 25, "Stylos et surligneurs (assortiment)", "30", "4.20", [*ROUTED, *PAID[:2]]),
    Spec("F-SUIVI-11", 30, "Étiquettes d'archivage", "15", "12.40", [*ROUTED, *PAID[:3]]),
    Spec("F-SUIVI-12", 35, "Destructeur de documents", "2", "219.00", [*ROUTED, *PAID]),
    Spec(
        "F-SUIVI-13",
        40,
        "Tableaux blancs magnétiques",
        "4",
        "159.00",
        [
            *ROUTED,
            *PAID,
            Step(S.MISE_EN_PAIEMENT, 24),
        ],
    ),
    # Paid 11 days after its due date: late-payment interest and the 40 € indemnity are shown.
    Spec(
        "F-SUIVI-14",
        80,
        "Vidéoprojecteur de la salle du conseil",
        "1",
        "1450.00",
        [
            *ROUTED,
            *PAID,
            Step(S.MISE_EN_PAIEMENT, 41),
        ],
    ),
]


def _deposit(spec: Spec, *, supplier: Any, actor: Any, beaufort: Any) -> tuple[Invoice, dt.datetime]:
    deposited = timezone.now() - dt.timedelta(days=spec.days_ago)
    data = InvoiceData(
        number=spec.number,
        invoice_date=timezone.localdate(deposited),
        recipient_siret=beaufort.siret,
        service_code="FINANCES",
        engagement_number="BC-2026-0205",
        payment_mode="VIREMENT",
        iban=IBAN,
        lines=[
            LineData(
                designation=spec.designation,
                quantity=Decimal(spec.quantity),
                unit_price=Decimal(spec.price),
                vat_rate=Decimal("20"),
                unit="C62",
            )
        ],
    )
    invoice = invoice_deposit_record(
        supplier=supplier, data=data, actor=actor, channel="SAISIE_PORTAIL", at=deposited
    )
    return invoice, deposited


def _history(invoice: Any, spec: Spec, deposited: dt.datetime, *, buyer: Any, supplier_user: Any) -> None:
    for step in spec.steps:
        role = {S.EN_COURS_ACHEMINEMENT: SYSTEM, S.MISE_A_DISPOSITION: SYSTEM, S.COMPLETEE: SUPPLIER}.get(
            step.status, BUYER
        )
        actor = {SYSTEM: None, SUPPLIER: supplier_user, BUYER: buyer}[role]
        invoice_transition(
            invoice_id=invoice.pk,
            to=step.status,
            role=role,
            actor=actor,
            comment=step.comment,
            reason_code=step.reason_code,
            at=deposited + dt.timedelta(days=step.day),
            changes={"mandate_number": step.mandate} if step.mandate else None,
        )


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> dict[str, Any]:
    acme, beaufort = suppliers["acme"], entities["beaufort"]
    seeded: dict[str, Any] = {}
    for spec in SPECS:
        existing = Invoice.objects.filter(supplier=acme, number=spec.number).first()
        if existing is not None:
            seeded[spec.number] = existing
            continue
        with transaction.atomic():
            invoice, deposited = _deposit(spec, supplier=acme, actor=users["supplier"], beaufort=beaufort)
            _history(invoice, spec, deposited, buyer=users["buyer"], supplier_user=users["supplier"])
            # The notifications of this past history, without e-mails; older ones already read.
            # Notified here, each event is already dispatched when the transaction commits.
            for event_id in StatusEvent.objects.filter(invoice=invoice).values_list("pk", flat=True):
                status_event_notify(event_id=event_id, send_email=False)
            for notification in Notification.objects.filter(
                invoice=invoice, created_at__lt=timezone.now() - dt.timedelta(days=3)
            ):
                Notification.objects.filter(pk=notification.pk).update(
                    read_at=notification.created_at + dt.timedelta(hours=2)
                )
        seeded[spec.number] = Invoice.objects.get(pk=invoice.pk)
    # The works contract and its statements through the maître d'œuvre (issue 14).
    seeded.update(works_demo.seed(users=users, suppliers=suppliers, entities=entities))
    return seeded
