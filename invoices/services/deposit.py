"""Sending a draft and depositing in one go: one transaction, every check, the fingerprint and the
first history row."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.machine import StatusConflict, invoice_transition, status_event_record_creation
from tracking.models import ActorRole
from tracking.statuses import InvoiceStatus

from ..attachments import content_type_for
from ..checks import (
    CheckError,
    InvoiceRejected,
    duplicate_error,
    invoice_data_resolve,
    invoice_draft_resolve,
)
from ..choices import DocumentRole
from ..cii import invoice_cii_xml, sha256_hex
from ..data import InvoiceData
from ..frameworks import framework_data_complete
from ..models import Document, Invoice, InvoiceAllowanceCharge, InvoiceLine, VatLine
from .common import (
    _apply_fields,
    _attachments_store,
    _build_allowances_charges,
    _build_lines,
    _build_vat_lines,
    _files_delete,
    _parties_snapshot,
    _record_attachments,
    _replace_allowances_charges,
    _replace_lines,
    _replace_vat_lines,
    _user,
)
from .documents import _enqueue_document

DUPLICATE_CONSTRAINT = "invoice_number_unique_per_supplier_year"


def invoice_send(*, invoice: Invoice, actor: Any) -> Invoice:
    """Send a draft: BROUILLON → DEPOSEE, or ``InvoiceRejected`` and the draft left as it was.

    One transaction: lock the draft, run every check on what it holds, recompute the amounts,
    take the parties' snapshot, build the CII XML in memory and keep its SHA-256 as the
    fingerprint, then the status change and its first history row. The Factur-X PDF is
    generated after commit."""
    number, year = invoice.number.strip(), invoice.invoice_year
    try:
        with transaction.atomic():
            locked = (
                Invoice.objects.select_for_update()
                .filter(pk=invoice.pk, supplier_id=invoice.supplier_id)
                .first()
            )
            if locked is None or locked.status != InvoiceStatus.BROUILLON:
                raise InvoiceRejected([_already_sent_error()])
            resolved = invoice_draft_resolve(invoice=locked, actor=actor)
            locked, data = resolved.invoice, resolved.data
            number = data.number.strip()
            year = data.invoice_date.year if data.invoice_date else None
            if resolved.errors:
                raise InvoiceRejected(resolved.errors)
            now = timezone.now()
            totals = resolved.totals
            _apply_fields(locked, data=data, totals=totals, routing=resolved)
            locked.invoice_year = data.invoice_date.year
            locked.parties = _parties_snapshot(supplier=locked.supplier, data=data, resolved=resolved)
            locked.save()
            lines = _replace_lines(locked, data=data, totals=totals)
            vat_lines = _replace_vat_lines(locked, totals=totals)
            adjustments = _replace_allowances_charges(locked, data=data)
            # A draft opened from a deposited PDF already holds its legal document: its bytes are
            # the fingerprint. Otherwise the portal writes the Factur-X: its CII XML is.
            original_sha = (
                Document.objects.filter(invoice=locked, role=DocumentRole.INVOICE)
                .values_list("sha256", flat=True)
                .first()
            )
            fingerprint = original_sha or sha256_hex(
                invoice_cii_xml(
                    invoice=locked, lines=lines, vat_lines=vat_lines, allowances_charges=adjustments
                )
            )
            # The partial unique constraint on (supplier, number, year) applies from here: of two
            # concurrent sends of the same number, the second one fails on this update.
            invoice_transition(
                invoice_id=locked.pk,
                to=InvoiceStatus.DEPOSEE,
                role=ActorRole.SUPPLIER,
                actor=_user(actor),
                expected=InvoiceStatus.BROUILLON,
                at=now,
                changes={"deposited_at": now, "fingerprint": fingerprint},
            )
            invoice_id = locked.pk
            transaction.on_commit(lambda: _enqueue_document(invoice_id), robust=True)
    except IntegrityError as exc:
        if not _is_duplicate(exc):
            raise
        raise InvoiceRejected([duplicate_error(number=number, year=year or 0)]) from exc
    except StatusConflict as exc:
        raise InvoiceRejected([_already_sent_error()]) from exc
    return Invoice.objects.get(pk=invoice.pk)


def invoice_deposit(
    *,
    supplier: Any,
    data: InvoiceData,
    actor: Any,
    channel: str,
    original: tuple[str, bytes, str] | None = None,
    flow: Any = None,
) -> Invoice:
    """Create and send an invoice at once (status DEPOSEE), or raise ``InvoiceRejected``.

    ``original`` = (filename, bytes, content type) of a deposited file: it is the legal document,
    kept byte for byte, and its SHA-256 is the fingerprint. Without it, the portal generates the
    Factur-X after commit and the fingerprint is the SHA-256 of its CII XML."""
    data = framework_data_complete(data=dataclasses.replace(data, channel=channel), supplier=supplier)
    original_name = ""
    original_sha = ""
    if original is not None:
        # Refuse before writing anything to storage when the deposit fails its checks anyway.
        early = invoice_data_resolve(data=data, supplier=supplier, actor=actor).errors
        if early:
            raise InvoiceRejected(early)
        # The original is written to storage BEFORE the transaction, under a name derived from
        # its SHA-256: once the deposit commits, the legal document is already safe on disk.
        # Written after commit, a crash in between would leave a deposited invoice whose legal
        # document is lost forever. A refused deposit leaves at worst an unreferenced file with
        # the same content-addressed name as any later deposit of those very bytes.
        original_sha = sha256_hex(original[1])
        original_name = _original_store(filename=original[0], content=original[1], sha=original_sha)
    stored = _attachments_store(data.attachments)
    try:
        with transaction.atomic():
            resolved = invoice_data_resolve(data=data, supplier=supplier, actor=actor)
            if resolved.errors:
                raise InvoiceRejected(resolved.errors)
            now = timezone.now()
            invoice = Invoice(
                supplier=supplier,
                status=InvoiceStatus.DEPOSEE,
                status_changed_at=now,
                deposited_at=now,
                channel=channel,
                source_format=data.source_format,
                flow=flow,
                created_by=_user(actor),
                invoice_year=data.invoice_date.year,
            )
            _apply_fields(invoice, data=data, totals=resolved.totals, routing=resolved)
            invoice.parties = _parties_snapshot(supplier=supplier, data=data, resolved=resolved)
            lines = _build_lines(invoice, data=data, totals=resolved.totals)
            vat_lines = _build_vat_lines(invoice, totals=resolved.totals)
            adjustments = _build_allowances_charges(invoice, data=data)
            if original is not None:
                invoice.fingerprint = original_sha
            else:
                invoice.fingerprint = sha256_hex(
                    invoice_cii_xml(
                        invoice=invoice, lines=lines, vat_lines=vat_lines, allowances_charges=adjustments
                    )
                )
            # The insert with status DEPOSEE meets the partial unique constraint: of two
            # concurrent deposits of the same number, the second one fails here.
            invoice.save()
            for line in lines:
                line.invoice = invoice
            InvoiceLine.objects.bulk_create(lines)
            for row in vat_lines:
                row.invoice = invoice
            VatLine.objects.bulk_create(vat_lines)
            for item in adjustments:
                item.invoice = invoice
            InvoiceAllowanceCharge.objects.bulk_create(adjustments)
            if original is not None:
                Document.objects.create(
                    invoice=invoice,
                    role=DocumentRole.INVOICE,
                    file=original_name,
                    name=original[0][:255],
                    content_type=original[2] or content_type_for(original[0]),
                    size=len(original[1]),
                    sha256=original_sha,
                    uploaded_by=_user(actor),
                )
            _record_attachments(invoice, stored=stored, actor=actor)
            status_event_record_creation(
                invoice_id=invoice.pk,
                status=InvoiceStatus.DEPOSEE,
                role=ActorRole.SUPPLIER,
                actor=_user(actor),
                at=now,
            )
            if original is None:
                invoice_id = invoice.pk
                transaction.on_commit(lambda: _enqueue_document(invoice_id), robust=True)
    except IntegrityError as exc:
        _files_delete([name for name, *_rest in stored])
        if not _is_duplicate(exc):
            raise
        raise InvoiceRejected(
            [duplicate_error(number=data.number.strip(), year=data.invoice_date.year)]
        ) from exc
    except BaseException:
        _files_delete([name for name, *_rest in stored])
        raise
    return invoice


def _already_sent_error() -> CheckError:
    return CheckError(
        code="CPRO-DEJA-TRANSMISE",
        field="",
        message=_(
            "Cette facture a déjà été transmise (peut-être par un double clic) : consultez-la "
            "dans vos factures envoyées."
        ),
    )


def _is_duplicate(exc: IntegrityError) -> bool:
    text = str(exc)
    # PostgreSQL names the index; SQLite lists the columns of the unique constraint.
    return DUPLICATE_CONSTRAINT in text or "invoices_invoice.number, invoices_invoice.invoice_year" in text


def _original_store(*, filename: str, content: bytes, sha: str) -> str:
    extension = filename.rsplit(".", 1)[1].lower()[:10] if "." in filename else "bin"
    name = f"documents/originaux/{sha[:2]}/{sha}.{extension}"
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(content))
