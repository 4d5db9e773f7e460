"""Works documents at the steps of the maître d'œuvre's circuit, for the dashboard stories:
deposited by ``tests.tracking.factories.make_invoice`` then moved by the real state machine
(no after-commit work runs: a validated document stays TRANSMISE_MOA unless a test routes it)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from invoices.choices import Framework
from invoices.lifecycle.machine import invoice_transition
from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document, Invoice
from tests.tracking.factories import make_invoice
from tracking.services import invoice_validator_process

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def to_moe(
    *,
    supplier: Any,
    recipient: Any,
    moe: Any,
    number: str | None = None,
    market: str = "",
    engagement: str = "",
    framework: str = Framework.A4,
    received_at: datetime | None = None,
) -> Invoice:
    """A works document of ``supplier`` waiting for its maître d'œuvre ``moe`` (A_VALIDER_MOE)."""
    invoice = make_invoice(
        supplier=supplier,
        recipient=recipient,
        service=recipient.services.get(code="TECHNIQUE"),
        number=number,
        framework=framework,
        validator=moe,
        engagement_number=engagement,
    )
    if market:
        Invoice.objects.filter(pk=invoice.pk).update(market_number=market)
    invoice.refresh_from_db()
    if invoice.status == S.DEPOSEE:  # not routed already (a live-server test runs after-commit work)
        invoice_transition(
            invoice_id=invoice.pk,
            to=S.A_VALIDER_MOE,
            role=ActorRole.SYSTEM,
            expected=S.DEPOSEE,
            at=received_at,
        )
        invoice.refresh_from_db()
    return invoice


def decide(invoice: Invoice, *, by: Any, refuse: str = "", comment: str = "") -> Invoice:
    """The MOE's decision on ``invoice``: a refusal with reason ``refuse``, else a validation."""
    invoice_validator_process(
        invoice_id=invoice.pk,
        actor=by,
        action="REFUS" if refuse else "VALIDATION",
        comment=refuse or comment,
    )
    invoice.refresh_from_db()
    return invoice


def attach_pdf(invoice: Invoice, content: bytes = PDF) -> Document:
    """The legal PDF of ``invoice``, stored with its SHA-256 as a deposit keeps it."""
    name = default_storage.save(f"documents/test/{invoice.pk}.pdf", ContentFile(content))
    return Document.objects.create(
        invoice=invoice,
        role="FACTURE",
        file=name,
        name=f"{invoice.number}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
