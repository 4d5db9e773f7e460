"""Invoices for the lifecycle tests, inserted directly (as an upload or API deposit does)."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from invoices.choices import Channel, Framework
from invoices.lifecycle.machine import invoice_transition, status_event_record_creation
from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice, InvoiceLine, VatLine

_numbers = itertools.count(1)

# Who moves an invoice into each status, to walk a path through the machine.
ROLE_FOR = {
    S.DEPOSEE: ActorRole.SUPPLIER,
    S.COMPLETEE: ActorRole.SUPPLIER,
    S.EN_COURS_ACHEMINEMENT: ActorRole.SYSTEM,
    S.MISE_A_DISPOSITION: ActorRole.SYSTEM,
    S.A_VALIDER_1: ActorRole.SYSTEM,
    S.ABSENCE_VALIDATION_1_HORS_DELAI: ActorRole.SYSTEM,
    S.VALIDEE_1: ActorRole.VALIDATOR,
    S.REFUSEE_1: ActorRole.VALIDATOR,
}
PATH_TO = {
    S.DEPOSEE: [],
    S.EN_COURS_ACHEMINEMENT: [S.EN_COURS_ACHEMINEMENT],
    S.MISE_A_DISPOSITION: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION],
    S.SUSPENDUE: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.SUSPENDUE],
    S.COMPLETEE: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.SUSPENDUE, S.COMPLETEE],
    S.A_RECYCLER: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.A_RECYCLER],
    S.REJETEE: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.REJETEE],
    S.SERVICE_FAIT: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.SERVICE_FAIT],
    S.MANDATEE: [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.SERVICE_FAIT, S.MANDATEE],
    S.MISE_A_DISPOSITION_COMPTABLE: [
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
    ],
    S.COMPTABILISEE: [
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
    ],
    S.MISE_EN_PAIEMENT: [
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
    ],
    S.A_VALIDER_1: [S.A_VALIDER_1],
    S.VALIDEE_1: [S.A_VALIDER_1, S.VALIDEE_1],
    S.REFUSEE_1: [S.A_VALIDER_1, S.REFUSEE_1],
    S.ABSENCE_VALIDATION_1_HORS_DELAI: [S.A_VALIDER_1, S.ABSENCE_VALIDATION_1_HORS_DELAI],
}


def make_invoice(
    *,
    supplier: Any,
    recipient: Any,
    service: Any = None,
    number: str | None = None,
    total_ht: Decimal = Decimal("1000.00"),
    vat_rate: Decimal = Decimal("20"),
    deposited_at: datetime | None = None,
    channel: str = Channel.DEPOT_PDF_PORTAIL,
    framework: str = Framework.A1,
    validator: Any = None,
    engagement_number: str = "",
    kind: str = "FACTURE",
    actor: Any = None,
) -> Invoice:
    """A deposited invoice (status DEPOSEE with its first history row), as a deposit leaves it.

    The after-commit dispatch is scheduled like in production; tests using the ``db`` fixture
    only run it inside ``django_capture_on_commit_callbacks(execute=True)``."""
    deposited_at = deposited_at or timezone.now()
    total_vat = (total_ht * vat_rate / 100).quantize(Decimal("0.01"))
    total_ttc = total_ht + total_vat
    number = number or f"F-{deposited_at:%Y}-{next(_numbers):05d}"
    with transaction.atomic():
        invoice = Invoice.objects.create(
            kind=kind,
            framework=framework,
            number=number,
            invoice_date=deposited_at.date(),
            invoice_year=deposited_at.year,
            supplier=supplier,
            recipient=recipient,
            recipient_service=service,
            validator=validator,
            engagement_number=engagement_number,
            total_ht=total_ht,
            total_vat=total_vat,
            total_ttc=total_ttc,
            amount_due=total_ttc,
            channel=channel,
            status=S.DEPOSEE,
            status_changed_at=deposited_at,
            deposited_at=deposited_at,
            fingerprint="0" * 64,
            payment_mode="VIREMENT",
            iban="FR7630006000011234567890189",
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            position=1,
            designation="Fournitures de bureau",
            quantity=Decimal("10"),
            unit="C62",
            unit_price=total_ht / 10,
            vat_rate=vat_rate,
            total_ht=total_ht,
        )
        VatLine.objects.create(invoice=invoice, rate=vat_rate, base=total_ht, amount=total_vat)
        status_event_record_creation(
            invoice_id=invoice.pk,
            status=S.DEPOSEE,
            role=ActorRole.SUPPLIER,
            actor=actor,
            at=deposited_at,
        )
    return invoice


def advance(
    invoice: Invoice,
    status: str,
    *,
    buyer: Any = None,
    at: datetime | None = None,
    mandate_number: str = "M-2026-001",
) -> Invoice:
    """Walk ``invoice`` (DEPOSEE) through the machine to ``status``; buyer steps by ``buyer``."""
    for step in PATH_TO[status]:
        role = ROLE_FOR.get(step, ActorRole.BUYER)
        if step in (S.SUSPENDUE, S.REJETEE):
            comment, code = "Bon de livraison manquant", "JUSTIF_ABS"
        elif step == S.REFUSEE_1:
            comment, code = "Prestation non réalisée", ""
        else:
            comment, code = "", ""
        invoice_transition(
            invoice_id=invoice.pk,
            to=step,
            role=role,
            actor=buyer if role == ActorRole.BUYER else None,
            comment=comment,
            reason_code=code,
            at=at,
            changes={"mandate_number": mandate_number} if step == S.MANDATEE else None,
        )
    invoice.refresh_from_db()
    return invoice
