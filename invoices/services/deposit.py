"""Sending a draft and depositing in one go: one transaction, every check, the fingerprint and the
first history row."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.lifecycle.machine import StatusConflict, invoice_transition, status_event_record_creation
from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.statuses import InvoiceStatus
from suppliers.models import SupplierStructure

from ..amounts import Totals
from ..attachments import content_type_for
from ..checks import (
    CheckError,
    InvoiceRejected,
    Resolved,
    duplicate_error,
    invoice_data_resolve,
    invoice_draft_resolve,
)
from ..choices import DocumentRole
from ..cii import invoice_cii_xml, sha256_hex
from ..data import AttachmentData, InvoiceData
from ..frameworks import framework_data_complete
from ..models import DepositFlow, Document, Invoice, InvoiceAllowanceCharge, InvoiceLine, VatLine
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
from .preview import documents_from_data

DUPLICATE_CONSTRAINT = "invoice_number_unique_per_supplier_year"


@dataclass(frozen=True)
class _LegalDocument:
    """A legal document written to storage before the deposit's transaction."""

    name: str  # shown and downloaded as
    stored: str  # storage name
    sha256: str
    size: int
    content_type: str = "application/pdf"


def _portal_facturx_store(
    *, supplier: SupplierStructure, data: InvoiceData, resolved: Resolved, at: datetime
) -> _LegalDocument:
    """Write the Factur-X the portal makes for an invoice sent as data: its SHA-256 is the
    invoice's one fingerprint, on the certificate, the pages and the API, and re-checked on every
    download (the document as served is the document certified). Stored before the transaction
    under a content-addressed name: a refused deposit leaves at worst an unreferenced file."""
    _xml, pdf = documents_from_data(supplier=supplier, data=data, resolved=resolved, deposited_at=at)
    sha = sha256_hex(pdf)
    safe_number = re.sub(r"[^A-Za-z0-9._-]+", "-", data.number).strip("-") or "facture"
    name = f"facture-{safe_number}.pdf"
    stored = _original_store(filename=name, content=pdf, sha=sha)
    return _LegalDocument(name=name, stored=stored, sha256=sha, size=len(pdf))


def invoice_send(*, invoice: Invoice, actor: Any) -> Invoice:
    """Send a draft: BROUILLON → DEPOSEE, or ``InvoiceRejected`` and the draft left as it was.

    Before the transaction, the portal writes the legal document (the Factur-X of the draft's
    data) unless the draft holds a deposited one. Then one transaction: lock the draft, check
    it did not change meanwhile, run every check on what it holds, recompute the amounts, take
    the parties' snapshot, record the legal document, whose SHA-256 is the fingerprint, then the
    status change and its first history row."""
    number, year = invoice.number.strip(), invoice.invoice_year
    now = timezone.now()
    seen = invoice_draft_resolve(invoice=invoice, actor=actor)
    seen_invoice, seen_data = _draft_resolved(seen)
    if seen_invoice.status != InvoiceStatus.BROUILLON:
        raise InvoiceRejected([_already_sent_error()])
    if seen.errors:
        raise InvoiceRejected(seen.errors)
    has_own = Document.objects.filter(invoice=seen_invoice, role=DocumentRole.INVOICE).exists()
    written = None
    if not has_own:
        written = _portal_facturx_store(supplier=seen_invoice.supplier, data=seen_data, resolved=seen, at=now)
    try:
        # Durable: the top-level transaction of a deposit, never nested in a caller's (the
        # dispatch of the status change runs after this commit, and no I/O happens inside).
        with transaction.atomic(durable=True):
            locked = (
                Invoice.objects.select_for_update()
                .filter(pk=invoice.pk, supplier_id=invoice.supplier_id)
                .first()
            )
            if locked is None or locked.status != InvoiceStatus.BROUILLON:
                raise InvoiceRejected([_already_sent_error()])
            if locked.updated_at != seen_invoice.updated_at:
                raise InvoiceRejected([_changed_meanwhile_error()])
            resolved = invoice_draft_resolve(invoice=locked, actor=actor)
            locked, data = _draft_resolved(resolved)
            number = data.number.strip()
            year = data.invoice_date.year if data.invoice_date else None
            if resolved.errors:
                raise InvoiceRejected(resolved.errors)
            totals = _checked_totals(resolved)
            _apply_fields(locked, data=data, totals=totals, routing=resolved)
            locked.invoice_year = _checked_year(data)
            locked.parties = _parties_snapshot(supplier=locked.supplier, data=data, resolved=resolved)
            locked.deposited_at = now
            locked.save()
            _replace_lines(locked, data=data, totals=totals)
            _replace_vat_lines(locked, totals=totals)
            _replace_allowances_charges(locked, data=data)
            if written is not None:
                _legal_document_record(locked, written)
                fingerprint = written.sha256
            else:
                # A draft opened from a deposited PDF holds its legal document: its bytes are it.
                fingerprint = Document.objects.get(invoice=locked, role=DocumentRole.INVOICE).sha256
            # The partial unique constraint on (supplier, number, year) applies from here: of two
            # concurrent sends of the same number, the second one fails on this update.
            invoice_transition(
                invoice_id=locked.pk,
                to=InvoiceStatus.DEPOSEE,
                role=ActorRole.SUPPLIER,
                actor=_user(actor),
                expected=InvoiceStatus.BROUILLON,
                at=now,
                changes={
                    "deposited_at": now,
                    "fingerprint": fingerprint,
                    "document_by_portal": written is not None,
                },
            )
    except IntegrityError as exc:
        if not _is_duplicate(exc):
            raise
        raise InvoiceRejected([duplicate_error(number=number, year=year or 0)]) from exc
    except StatusConflict as exc:
        raise InvoiceRejected([_already_sent_error()]) from exc
    return Invoice.objects.get(pk=invoice.pk)


def _draft_resolved(resolved: Resolved) -> tuple[Invoice, InvoiceData]:
    """The draft and its data, which ``invoice_draft_resolve`` always sets."""
    assert resolved.invoice is not None and resolved.data is not None
    return resolved.invoice, resolved.data


def _checked_totals(resolved: Resolved) -> Totals:
    """The recomputed totals, which a resolve without errors always holds."""
    assert resolved.totals is not None
    return resolved.totals


def _checked_year(data: InvoiceData) -> int:
    """The invoice's year: data that passed the checks has an invoice date."""
    assert data.invoice_date is not None
    return data.invoice_date.year


def _legal_document_record(invoice: Invoice, written: _LegalDocument) -> Document:
    return Document.objects.create(
        invoice=invoice,
        role=DocumentRole.INVOICE,
        file=written.stored,
        name=written.name,
        content_type=written.content_type,
        size=written.size,
        sha256=written.sha256,
    )


def invoice_deposit(
    *,
    supplier: SupplierStructure,
    data: InvoiceData,
    actor: Any,
    channel: str,
    original: tuple[str, bytes, str] | None = None,
    flow: DepositFlow | None = None,
) -> Invoice:
    """Create and send an invoice at once (status DEPOSEE), or raise ``InvoiceRejected``.

    ``original`` = (filename, bytes, content type) of a deposited file: it is the legal document,
    kept byte for byte, and its SHA-256 is the fingerprint. Without it, the workflow generates the
    Factur-X before availability and the fingerprint is the SHA-256 of its CII XML.

    Storage is written before the transaction (the original, the attachments), never inside."""
    data = framework_data_complete(data=dataclasses.replace(data, channel=channel), supplier=supplier)
    original_name = ""
    original_sha = ""
    now = timezone.now()
    # Refuse before writing anything to storage when the deposit fails its checks anyway.
    early = invoice_data_resolve(data=data, supplier=supplier, actor=actor)
    if early.errors:
        raise InvoiceRejected(early.errors)
    written = None
    if original is None:
        written = _portal_facturx_store(supplier=supplier, data=data, resolved=early, at=now)
    else:
        # The original is written to storage BEFORE the transaction, under a name derived from
        # its SHA-256: once the deposit commits, the legal document is already safe on disk.
        # Written after commit, a crash in between would leave a deposited invoice whose legal
        # document is lost forever. A refused deposit leaves at worst an unreferenced file with
        # the same content-addressed name as any later deposit of those very bytes.
        original_sha = sha256_hex(original[1])
        original_name = _original_store(filename=original[0], content=original[1], sha=original_sha)
    stored = _attachments_store(data.attachments)
    try:
        # Durable: the top-level transaction of a deposit (see ``invoice_send``).
        with transaction.atomic(durable=True):
            invoice = invoice_deposit_record(
                supplier=supplier,
                data=data,
                actor=actor,
                channel=channel,
                original=original,
                original_name=original_name,
                original_sha=original_sha,
                written=written,
                stored=stored,
                flow=flow,
                at=now,
                resolved=early,
            )
    except IntegrityError as exc:
        _files_delete([name for name, *_rest in stored])
        if not _is_duplicate(exc):
            raise
        raise InvoiceRejected(
            [duplicate_error(number=data.number.strip(), year=_checked_year(data))]
        ) from exc
    except BaseException:
        _files_delete([name for name, *_rest in stored])
        raise
    return invoice


def invoice_deposit_record(
    *,
    supplier: SupplierStructure,
    data: InvoiceData,
    actor: Any,
    channel: str,
    original: tuple[str, bytes, str] | None = None,
    original_name: str = "",
    original_sha: str = "",
    written: _LegalDocument | None = None,
    stored: Sequence[tuple[str, AttachmentData, str]] = (),
    flow: DepositFlow | None = None,
    at: datetime | None = None,
    resolved: Resolved | None = None,
) -> Invoice:
    """The database part of ``invoice_deposit``, inside the caller's transaction: the invoice as
    DEPOSEE (at ``at``, default now), its lines, documents and first history row. Files are
    already stored. Callers other than ``invoice_deposit``: demo data that writes a dated history
    in the same transaction.

    ``resolved``: the checks' verdict taken a moment earlier by the caller, reused rather than run
    twice (issue #17: ≈ 2 ms and 3 queries a deposit). What could change in between is covered by
    the database: a concurrent deposit of the same number fails the partial unique constraint."""
    if resolved is None:
        resolved = invoice_data_resolve(data=data, supplier=supplier, actor=actor)
    if resolved.errors:
        raise InvoiceRejected(resolved.errors)
    now = at or timezone.now()
    invoice = Invoice(
        supplier=supplier,
        status=InvoiceStatus.DEPOSEE,
        status_changed_at=now,
        deposited_at=now,
        channel=channel,
        source_format=data.source_format,
        flow=flow,
        created_by=_user(actor),
        invoice_year=_checked_year(data),
    )
    totals = _checked_totals(resolved)
    _apply_fields(invoice, data=data, totals=totals, routing=resolved)
    invoice.parties = _parties_snapshot(supplier=supplier, data=data, resolved=resolved)
    lines = _build_lines(invoice, data=data, totals=totals)
    vat_lines = _build_vat_lines(invoice, totals=totals)
    adjustments = _build_allowances_charges(invoice, data=data)
    # The fingerprint is the SHA-256 of the legal document as served: the deposited file, or
    # the Factur-X the portal wrote before this transaction (``written``). Without either
    # (demo data), the workflow writes the Factur-X and the fingerprint is its CII XML's until then.
    invoice.document_by_portal = original is None
    if original is not None:
        invoice.fingerprint = original_sha
    elif written is not None:
        invoice.fingerprint = written.sha256
    else:
        invoice.fingerprint = sha256_hex(
            invoice_cii_xml(invoice=invoice, lines=lines, vat_lines=vat_lines, allowances_charges=adjustments)
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
    if written is not None:
        _legal_document_record(invoice, written)
    _record_attachments(invoice, stored=stored, actor=actor)
    status_event_record_creation(
        invoice_id=invoice.pk,
        status=InvoiceStatus.DEPOSEE,
        role=ActorRole.SUPPLIER,
        actor=_user(actor),
        at=now,
    )
    return invoice


def _changed_meanwhile_error() -> CheckError:
    return CheckError(
        code="CPRO-BROUILLON-MODIFIE",
        field="",
        message=_(
            "Ce brouillon a été modifié pendant l'envoi (dans un autre onglet ou par un autre "
            "utilisateur) : vérifiez-le puis envoyez-le à nouveau."
        ),
    )


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
