"""Demo invoices of ``seed_demo``: a few invoices of ACME Fournitures in several states, so that a
new user sees a living portal. Idempotent: an invoice whose number exists is left as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .data import InvoiceData, LineData
from .models import Invoice
from .services import invoice_deposit, invoice_draft_save

IBAN = "FR7630006000011234567890189"


def _line(
    designation: str, quantity: str, price: str, rate: str, unit: str = "C62", discount: str = "0"
) -> LineData:
    return LineData(
        designation=designation,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        vat_rate=Decimal(rate),
        unit=unit,
        discount=Decimal(discount),
    )


def _invoices(today: dt.date, entities: dict[str, Any]) -> list[tuple[str, InvoiceData]]:
    beaufort, quimper, ddfip = entities["beaufort"], entities["quimper"], entities["ddfip"]
    return [
        (
            "send",
            InvoiceData(
                number="F-DEMO-0001",
                invoice_date=today - dt.timedelta(days=12),
                recipient_siret=beaufort.siret,
                service_code="FINANCES",
                engagement_number="BC-2026-0117",
                payment_mode="VIREMENT",
                iban=IBAN,
                lines=[
                    _line("Ramettes de papier A4 80 g (carton de 5)", "12", "21.90", "20"),
                    _line("Cartouches d'encre noire", "6", "34.50", "20", unit="H87", discount="10"),
                    _line("Livres jeunesse pour la médiathèque", "15", "12.80", "5.5"),
                ],
            ),
        ),
        (
            "send",
            InvoiceData(
                number="F-DEMO-0002",
                invoice_date=today - dt.timedelta(days=5),
                recipient_siret=quimper.siret,
                engagement_number="EJ-CHQ-2026-0042",
                market_number="MAPA-2025-018",
                payment_mode="VIREMENT",
                iban=IBAN,
                lines=[
                    _line("Maintenance des imprimantes (forfait mensuel)", "1", "480", "20", unit="LS"),
                    _line("Intervention sur site", "3.5", "65", "20", unit="HUR"),
                ],
            ),
        ),
        (
            "send",
            InvoiceData(
                number="F-DEMO-0003",
                framework="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
                invoice_date=today - dt.timedelta(days=3),
                recipient_siret=ddfip.siret,
                payment_mode="CHEQUE",
                prepaid_amount=Decimal("178.80"),
                lines=[_line("Fournitures de bureau (commande par carte d'achat)", "1", "149", "20")],
            ),
        ),
        (
            "send",
            InvoiceData(
                kind="AVOIR",
                number="AV-DEMO-0001",
                invoice_date=today - dt.timedelta(days=2),
                recipient_siret=beaufort.siret,
                service_code="FINANCES",
                original_invoice_number="F-DEMO-0001",
                lines=[_line("Retour de cartouches d'encre défectueuses", "2", "34.50", "20", unit="H87")],
            ),
        ),
        (
            "draft",
            InvoiceData(
                number="F-DEMO-0004",
                invoice_date=today,
                recipient_siret=beaufort.siret,
                service_code="TECHNIQUE",
                payment_mode="VIREMENT",
                iban=IBAN,
                lines=[_line("Panneaux de signalisation temporaire", "8", "56.40", "20")],
            ),
        ),
    ]


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> dict[str, Invoice]:
    supplier, actor = suppliers["acme"], users["supplier"]
    seeded: dict[str, Invoice] = {}
    for action, data in _invoices(timezone.localdate(), entities):
        existing = Invoice.objects.filter(supplier=supplier, number=data.number).first()
        if existing is not None:
            seeded[data.number] = existing
        elif action == "draft":
            seeded[data.number] = invoice_draft_save(supplier=supplier, data=data, actor=actor)
        else:
            seeded[data.number] = invoice_deposit(
                supplier=supplier, data=data, actor=actor, channel="SAISIE_PORTAIL"
            )
    return seeded
