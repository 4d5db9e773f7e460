"""Drafts (BROUILLON): stored, editable, sent to no one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.identifiers import compact_identifier
from entities.selectors import public_structure_get_active, service_get
from invoices.lifecycle.statuses import InvoiceStatus
from suppliers.models import IdentifierType, SupplierStructure
from suppliers.selectors import supplier_structure_find, user_can_send_invoices

from ..attachments import HEAD_BYTES, attachment_errors
from ..checks import (
    ENGAGEMENT_MAX_LENGTH,
    MARKET_MAX_LENGTH,
    NUMBER_MAX_LENGTH,
    CheckError,
    InvoiceRejected,
    Resolved,
    supplier_actor_errors,
)
from ..checks.seller import seller_is_foreign
from ..choices import Channel, DocumentRole
from ..data import InvoiceData
from ..models import Document, Invoice
from .common import (
    _apply_fields,
    _attachments_store,
    _files_delete,
    _files_delete_unreferenced,
    _record_attachments,
    _replace_allowances_charges,
    _replace_lines,
    _replace_vat_lines,
    _user,
)


def invoice_draft_save(
    *, supplier: SupplierStructure, data: InvoiceData, actor: Any, invoice: Invoice | None = None
) -> Invoice:
    """Create or update a draft. Nothing is sent and the business checks do not block: only what
    cannot be stored (or may not be done by ``actor``) is refused."""
    errors = _draft_errors(data=data, supplier=supplier, actor=actor)
    if invoice is not None and (invoice.supplier_id != supplier.pk):
        raise InvoiceRejected([_not_a_draft_error()])
    if errors:
        raise InvoiceRejected(errors)
    routing = _draft_routing(data=data, supplier=supplier)
    stored = _attachments_store(data.attachments)  # before the transaction: no I/O inside it
    try:
        with transaction.atomic():
            if invoice is not None:
                # Lock the draft: a send in progress must not see half an edit.
                invoice = (
                    Invoice.objects.select_for_update()
                    .filter(pk=invoice.pk, supplier=supplier, status=InvoiceStatus.BROUILLON)
                    .first()
                )
                if invoice is None:
                    raise InvoiceRejected([_not_a_draft_error()])
            else:
                invoice = Invoice(
                    supplier=supplier,
                    status=InvoiceStatus.BROUILLON,
                    channel=Channel.SAISIE_PORTAIL,
                    created_by=_user(actor),
                )
            totals = data.totals()
            _apply_fields(invoice, data=data, totals=totals, routing=routing)
            invoice.invoice_year = data.invoice_date.year if data.invoice_date else None
            invoice.parties = {
                "draft": {
                    "recipient_siret": data.recipient_siret.strip(),
                    "service_code": data.service_code.strip(),
                    "validator_identifier": data.validator_identifier.strip(),
                }
            }
            invoice.save()
            _replace_lines(invoice, data=data, totals=totals)
            _replace_vat_lines(invoice, totals=totals)
            _replace_allowances_charges(invoice, data=data)
            _record_attachments(invoice, stored=stored, actor=actor)
    except BaseException:
        _files_delete([name for name, *_rest in stored])
        raise
    return invoice


def invoice_draft_delete(*, invoice: Invoice, actor: Any) -> None:
    """Delete a draft (never a sent invoice) and its attachments."""
    _require_member(invoice=invoice, actor=actor)
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update().filter(pk=invoice.pk, status=InvoiceStatus.BROUILLON).first()
        )
        if locked is None:
            raise InvoiceRejected([_not_a_draft_error()])
        names = list(Document.objects.filter(invoice=locked).values_list("file", flat=True))
        Document.objects.filter(invoice=locked).delete()
        locked.delete()
        transaction.on_commit(lambda: _files_delete_unreferenced(names))


def invoice_attachment_remove(*, invoice: Invoice, document_id: int, actor: Any) -> None:
    """Remove an attachment from a draft (attachments of a sent invoice are kept forever)."""
    _require_member(invoice=invoice, actor=actor)
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update().filter(pk=invoice.pk, status=InvoiceStatus.BROUILLON).first()
        )
        if locked is None:
            raise InvoiceRejected([_not_a_draft_error()])
        document = Document.objects.filter(
            invoice=locked, pk=document_id, role=DocumentRole.ATTACHMENT
        ).first()
        if document is None:
            return
        name = document.file.name
        document.delete()
        if name:
            transaction.on_commit(lambda: _files_delete_unreferenced([name]))


def _require_member(*, invoice: Invoice, actor: Any) -> None:

    if not user_can_send_invoices(user=actor, structure=invoice.supplier):
        raise InvoiceRejected(
            [
                CheckError(
                    code="CPRO-DROIT-ENVOI",
                    field="supplier",
                    message=_("Vous n'êtes pas habilité à modifier les factures de cette structure."),
                )
            ]
        )


def _not_a_draft_error() -> CheckError:
    return CheckError(
        code="CPRO-NON-MODIFIABLE",
        field="",
        message=_(
            "Cette facture n'est plus un brouillon : une facture transmise ne se modifie pas. "
            "Pour la corriger, déposez un avoir."
        ),
    )


def _draft_errors(*, data: InvoiceData, supplier: SupplierStructure, actor: Any) -> list[CheckError]:
    """What prevents storing a draft at all: the actor's rights and values the database refuses."""
    errors = supplier_actor_errors(supplier=supplier, actor=actor)
    limits = (
        ("number", data.number, NUMBER_MAX_LENGTH),
        ("engagement_number", data.engagement_number, ENGAGEMENT_MAX_LENGTH),
        ("market_number", data.market_number, MARKET_MAX_LENGTH),
    )
    for name, value, limit in limits:
        if len(value.strip()) > limit:
            errors.append(
                CheckError(
                    code="CPRO-LONGUEUR",
                    field=name,
                    value=value[:80],
                    message=_("Ce champ ne doit pas dépasser %(n)d caractères.") % {"n": limit},
                )
            )
    # A seller established in France states the VAT in euros (CGI annexe II, art. 242 nonies A),
    # which the portal computes from the exchange rate; a foreign seller has no such obligation.
    foreign = seller_is_foreign(supplier)
    if not foreign and data.currency != "EUR" and not (data.exchange_rate and data.exchange_rate > 0):
        errors.append(
            CheckError(
                code="CPRO-TAUX-CHANGE",
                field="exchange_rate",
                bt="BT-6",
                value=data.currency,
                message=_(
                    "Indiquez le taux de change d'une facture en %(currency)s (valeur en euros d'une unité)."
                )
                % {"currency": data.currency},
            )
        )
    if data.global_discount < 0 or data.prepaid_amount < 0:
        errors.append(
            CheckError(
                code="CPRO-MONTANT-INVALIDE",
                field="prepaid_amount",
                message=_("Les montants de remise et déjà payé doivent être positifs."),
            )
        )
    for i, line in enumerate(data.lines):
        if line.unit_price < 0:
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-PRIX",
                    field=f"lines-{i}-unit_price",
                    bt="BT-146",
                    value=str(line.unit_price),
                    message=_("Le prix unitaire HT doit être positif ou nul."),
                )
            )
        if line.discount < 0:
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-REMISE",
                    field=f"lines-{i}-discount",
                    bt="BT-136",
                    value=str(line.discount),
                    message=_("La remise doit être positive."),
                )
            )
        if not (0 <= line.vat_rate <= 100):
            errors.append(
                CheckError(
                    code="CPRO-TAUX-TVA",
                    field=f"lines-{i}-vat_rate",
                    bt="BT-152",
                    value=str(line.vat_rate),
                    message=_("Le taux de TVA est un pourcentage entre 0 et 100."),
                )
            )
    for attachment in data.attachments:
        errors.extend(
            attachment_errors(
                name=attachment.name, size=len(attachment.content), head=attachment.content[:HEAD_BYTES]
            )
        )
    return errors


def _draft_routing(*, data: InvoiceData, supplier: SupplierStructure) -> Resolved:
    """Recipient, service and validator of a draft, when what was typed designates them."""

    resolved = Resolved()
    siret = compact_identifier(data.recipient_siret)
    if siret:
        resolved.recipient = public_structure_get_active(siret=siret)
    if resolved.recipient is not None and data.service_code.strip():
        resolved.service = service_get(structure=resolved.recipient, code=data.service_code.strip())
    if data.validator_identifier.strip():
        resolved.validator = supplier_structure_find(
            identifier_type=IdentifierType.SIRET, identifier=data.validator_identifier
        )
    return resolved
