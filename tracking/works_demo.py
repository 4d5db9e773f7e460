"""Demo data of ``seed_demo`` (issue 14): ACME Fournitures' works contract with the Commune de
Beaufort-en-Anjou (service TECHNIQUE), maître d'œuvre Atelier Moreau Architectes. Draft monthly
statements (A4) at the steps of the MOE's circuit: waiting for the MOE, refused by it, validated
with a corrected amount (``Invoice.moe_amount_due``) and available to the commune, paid. Written
like ``tracking.demo``: the real deposit service and state machine, with past dates, notified
without e-mails.

Idempotent: a statement whose number exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.formats import format_money
from invoices.choices import Framework
from invoices.data import InvoiceData, LineData
from invoices.lifecycle.machine import invoice_transition
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from invoices.services import invoice_deposit_record, invoice_generate_document

from .notices import status_event_notify

MARKET = "MT-2026-017"  # the works contract (gymnase municipal, lot 2 gros œuvre)
SYSTEM, VALIDATOR, BUYER = ActorRole.SYSTEM, ActorRole.VALIDATOR, ActorRole.BUYER


@dataclass(frozen=True)
class Step:
    status: str
    day: float
    comment: str = ""
    mandate: str = ""
    moe_amount: str = ""  # the maître d'œuvre's corrected amount to pay (TTC)


@dataclass(frozen=True)
class Statement:
    number: str
    days_ago: float
    designation: str
    amount: str
    steps: list[Step] = field(default_factory=list)


TO_MOE = [Step(S.A_VALIDER_MOE, 0.001)]
ROUTED = [Step(S.EN_COURS_ACHEMINEMENT, 4.001), Step(S.MISE_A_DISPOSITION, 4.002)]
VALIDATED = [*TO_MOE, Step(S.TRANSMISE_MOA, 4, "Situation conforme à l'avancement constaté."), *ROUTED]
# October: 15 000 € HT claimed (18 000 € TTC), the MOE validates 14 200 € HT (17 040 € TTC).
CORRECTED = [
    *TO_MOE,
    Step(
        S.TRANSMISE_MOA,
        4,
        "État d'acompte arrêté à 14 200 € HT : terrassements constatés à 80 %.",
        moe_amount="17040.00",
    ),
    *ROUTED,
]
STATEMENTS = [
    Statement(
        "PDM-GYM-2026-09",
        75,
        "Gros œuvre — situation n° 1 (septembre)",
        "11800.00",
        [
            *VALIDATED,
            Step(S.SERVICE_FAIT, 8),
            Step(S.MANDATEE, 15, mandate="MDT-2026-0877"),
            Step(S.MISE_EN_PAIEMENT, 25),
        ],
    ),
    Statement("PDM-GYM-2026-10", 40, "Gros œuvre — situation n° 2 (octobre)", "15000.00", CORRECTED),
    Statement(
        "PDM-GYM-2026-11-A",
        20,
        "Gros œuvre — situation n° 3 (novembre)",
        "16400.00",
        [
            *TO_MOE,
            Step(
                S.REFUSEE_MOE,
                3,
                "Quantités de béton non constatées contradictoirement : déposez un projet rectifié.",
            ),
        ],
    ),
    Statement("PDM-GYM-2026-11-B", 2, "Gros œuvre — situation n° 3 rectifiée (novembre)", "13900.00", TO_MOE),
]


def _deposit(
    spec: Statement, *, supplier: Any, actor: Any, beaufort: Any, moe: Any
) -> tuple[Invoice, dt.datetime]:
    deposited = timezone.now() - dt.timedelta(days=spec.days_ago)
    data = InvoiceData(
        number=spec.number,
        invoice_date=timezone.localdate(deposited),
        framework=Framework.A4,
        recipient_siret=beaufort.siret,
        service_code="TECHNIQUE",
        market_number=MARKET,
        validator_identifier=moe.identifier,
        payment_mode="VIREMENT",
        iban="FR7630006000011234567890189",
        lines=[
            LineData(
                designation=spec.designation,
                quantity=Decimal("1"),
                unit_price=Decimal(spec.amount),
                vat_rate=Decimal("20"),
                unit="C62",
            )
        ],
    )
    invoice = invoice_deposit_record(
        supplier=supplier, data=data, actor=actor, channel="SAISIE_PORTAIL", at=deposited
    )
    return invoice, deposited


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> dict[str, Any]:
    acme, moe, beaufort = suppliers["acme"], suppliers["moreau"], entities["beaufort"]
    seeded: dict[str, Any] = {}
    for spec in STATEMENTS:
        existing = Invoice.objects.filter(supplier=acme, number=spec.number).first()
        if existing is not None:
            seeded[spec.number] = existing
            continue
        with transaction.atomic():
            invoice, deposited = _deposit(
                spec, supplier=acme, actor=users["supplier"], beaufort=beaufort, moe=moe
            )
            for step in spec.steps:
                if step.status in (S.TRANSMISE_MOA, S.REFUSEE_MOE):
                    role = VALIDATOR  # the maître d'œuvre's decision
                elif step.status in (S.A_VALIDER_MOE, S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION):
                    role = SYSTEM
                else:
                    role = BUYER
                actor = {SYSTEM: None, VALIDATOR: users["moe"], BUYER: users["buyer"]}[role]
                changes: dict[str, Any] = {"mandate_number": step.mandate} if step.mandate else {}
                comment = step.comment
                if step.moe_amount:
                    # As ``tracking.services.invoice_validator_process`` writes a correction.
                    changes["moe_amount_due"] = Decimal(step.moe_amount)
                    before, after = format_money(invoice.amount_due), format_money(Decimal(step.moe_amount))
                    comment = f"Montant corrigé : {before} → {after} — {step.comment}"
                invoice_transition(
                    invoice_id=invoice.pk,
                    to=step.status,
                    role=role,
                    actor=actor,
                    comment=comment,
                    at=deposited + dt.timedelta(days=step.day),
                    changes=changes,
                )
            for event_id in StatusEvent.objects.filter(invoice=invoice).values_list("pk", flat=True):
                status_event_notify(event_id=event_id, send_email=False)
        # Its Factur-X now, after the commit (storage I/O), not at the routing this history skips:
        # the maître d'œuvre previews the statement waiting for it (idempotent).
        invoice_generate_document(invoice_id=invoice.pk)
        seeded[spec.number] = Invoice.objects.get(pk=invoice.pk)
    return seeded
