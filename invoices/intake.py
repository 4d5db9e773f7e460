"""Deposit of invoice files: Factur-X, CII, UBL, plain PDF, one by one or in a batch.

One validation engine, in layers, for every channel (portal upload and API flux):
1. safety, 2. syntax (XSD), 3. EN 16931 rules — ``invoices.validation.validate_document``;
4. Chorus Pro rules — ``invoices.checks`` through ``invoices.services.invoice_deposit``.
Each file gets its own complete verdict: accepted (its identifier, status DEPOSEE) or refused
with every error found. The original file is kept byte for byte as the legal document.

A file that carries only header data (plain PDF, Factur-X MINIMUM or BASIC WL) is not refused:
like Chorus Pro's mixed flows, the PDF is the legal invoice and the supplier completes the
rest with the entry form (a draft is opened, pre-filled with what could be read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from .checks import CheckError, InvoiceRejected
from .choices import Channel, DocumentRole
from .cii import sha256_hex
from .data import InvoiceData, invoice_data_from_parsed
from .models import Document, Invoice
from .services import invoice_deposit, invoice_draft_save
from .validation import (
    BatchError,
    DocumentFormat,
    Verdict,
    read_pdf_text_hints,
    split_batch,
    validate_document,
)
from .validation.limits import MAX_DOCUMENT_BYTES

LAYER_CHORUS = "chorus"
BATCH_SUFFIXES = (".zip", ".tar.gz", ".tgz")


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning of any layer, in the same shape for the page and the API."""

    rule_id: str
    layer: str
    message: str
    bt: str = ""
    bt_label: str = ""
    value: str = ""
    field: str = ""


@dataclass(slots=True)
class FileOutcome:
    name: str
    recognised: str = ""
    format: str = ""
    profile: str = ""
    invoice: Invoice | None = None
    draft: Invoice | None = None  # a PDF to complete with the form
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.invoice is not None

    @property
    def needs_completion(self) -> bool:
        return self.draft is not None


def _problem_from_issue(issue: Any) -> Problem:
    return Problem(
        rule_id=issue.rule_id,
        layer=str(issue.layer),
        message=issue.message,
        bt=issue.bt,
        bt_label=issue.bt_label,
        value=issue.value,
    )


def _problem_from_check(error: CheckError) -> Problem:
    return Problem(
        rule_id=error.code,
        layer=LAYER_CHORUS,
        message=error.message,
        bt=error.bt or "",
        value=str(error.value or ""),
        field=error.field or "",
    )


def _seller_errors(*, verdict: Verdict, supplier: Any) -> list[Problem]:
    """BT-30: Chorus Pro reads the supplier's SIRET in the seller's legal identifier. A file whose
    seller is another company cannot be deposited by this structure."""
    parsed = verdict.parsed
    if parsed is None or supplier.identifier_type != "SIRET":
        return []
    found = (parsed.seller_siret or "").replace(" ", "")
    scheme = parsed.seller_siret_scheme or ""
    if found and scheme in ("", "0009") and found != supplier.identifier:
        return [
            Problem(
                rule_id="CPRO-FOURNISSEUR-DIFFERENT",
                layer=LAYER_CHORUS,
                bt="BT-30",
                bt_label=_("Identifiant légal du vendeur"),
                value=found,
                message=_(
                    "Le SIRET du vendeur dans la facture (%(found)s) n'est pas celui de votre structure "
                    "(%(mine)s). Déposez la facture depuis la structure qui l'a émise, ou corrigez le "
                    "SIRET du vendeur dans votre logiciel."
                )
                % {"found": found, "mine": supplier.identifier},
            )
        ]
    return []


def document_intake(
    *,
    supplier: Any,
    actor: Any,
    name: str,
    content: bytes,
    channel: str = Channel.UPLOAD_PORTAIL,
    flow: Any = None,
) -> FileOutcome:
    """Validate one file through the four layers and deposit it when everything passes."""
    verdict = validate_document(content=content, filename=name)
    outcome = FileOutcome(
        name=name,
        recognised=verdict.recognised,
        format=str(verdict.format),
        profile=str(verdict.profile or ""),
        errors=[_problem_from_issue(i) for i in verdict.errors],
        warnings=[_problem_from_issue(i) for i in verdict.warnings],
    )
    if verdict.errors:
        return outcome
    if not verdict.structured:
        if verdict.format in (DocumentFormat.PDF, DocumentFormat.FACTURX_PDF):
            outcome.draft = invoice_draft_from_pdf(
                supplier=supplier, actor=actor, name=name, content=content, verdict=verdict
            )
        else:
            outcome.errors.append(
                Problem(
                    rule_id="FORMAT-NON-STRUCTURE",
                    layer="securite",
                    message=verdict.recognised or _("Ce fichier ne porte pas les données d'une facture."),
                )
            )
        return outcome
    outcome.errors += _seller_errors(verdict=verdict, supplier=supplier)
    data = invoice_data_from_parsed(verdict.parsed, channel=channel, source_format=str(verdict.format))
    try:
        invoice = (
            invoice_deposit(
                supplier=supplier,
                data=data,
                actor=actor,
                channel=channel,
                original=(name, content, _content_type(verdict)),
                flow=flow,
            )
            if not outcome.errors
            else None
        )
    except InvoiceRejected as exc:
        outcome.errors += [_problem_from_check(e) for e in exc.errors]
        return outcome
    outcome.invoice = invoice
    return outcome


def batch_intake(
    *,
    supplier: Any,
    actor: Any,
    files: list[tuple[str, bytes]],
    channel: str = Channel.UPLOAD_PORTAIL,
) -> list[FileOutcome]:
    """Every file of a multiple selection, a ZIP or a .tar.gz expanded, each with its verdict."""
    outcomes: list[FileOutcome] = []
    for name, content in files:
        if name.lower().endswith(BATCH_SUFFIXES):
            try:
                members = split_batch(content=content, filename=name)
            except BatchError as exc:
                outcomes.append(
                    FileOutcome(
                        name=name, errors=[Problem(rule_id=exc.code, layer="securite", message=exc.message)]
                    )
                )
                continue
            for member_name, member in members:
                outcomes.append(
                    document_intake(
                        supplier=supplier,
                        actor=actor,
                        name=f"{name} › {member_name}"[:255],
                        content=member,
                        channel=channel,
                    )
                )
            continue
        outcomes.append(
            document_intake(supplier=supplier, actor=actor, name=name, content=content, channel=channel)
        )
    return outcomes


def invoice_draft_from_pdf(
    *, supplier: Any, actor: Any, name: str, content: bytes, verdict: Verdict
) -> Invoice:
    """Open a draft whose legal document is the deposited PDF, pre-filled with what could be
    read (the Factur-X header of a MINIMUM / BASIC WL file, or the PDF's text). The supplier
    checks and completes it with the form, then sends it."""
    if verdict.parsed is not None:
        data = invoice_data_from_parsed(
            verdict.parsed, channel=Channel.DEPOT_PDF_PORTAIL, source_format=str(verdict.format)
        )
        data.lines = []  # MINIMUM / BASIC WL carry no lines: the form asks for them
    else:
        hints = read_pdf_text_hints(content)
        data = InvoiceData(
            number=(hints.get("invoice_number") or "")[:60],
            invoice_date=hints.get("issue_date"),
            recipient_siret=next((s for s in hints.get("siret") or [] if s != supplier.identifier), ""),
            channel=Channel.DEPOT_PDF_PORTAIL,
            source_format=str(verdict.format),
        )
    sha = sha256_hex(content)
    # The PDF is stored before the transaction (no storage I/O inside it), under its fingerprint.
    stored = f"documents/originaux/{sha[:2]}/{sha}.pdf"
    if not default_storage.exists(stored):
        stored = default_storage.save(stored, ContentFile(content))
    with transaction.atomic():
        draft = invoice_draft_save(supplier=supplier, data=data, actor=actor)
        Invoice.objects.filter(pk=draft.pk).update(
            channel=Channel.DEPOT_PDF_PORTAIL, source_format=str(verdict.format)
        )
        Document.objects.create(
            invoice=draft,
            role=DocumentRole.INVOICE,
            file=stored,
            name=name[:255],
            content_type="application/pdf",
            size=len(content),
            sha256=sha,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
    draft.refresh_from_db()
    return draft


def _content_type(verdict: Verdict) -> str:
    if verdict.format in (DocumentFormat.FACTURX_PDF, DocumentFormat.PDF):
        return "application/pdf"
    return "application/xml"


def too_big(size: int) -> Problem:
    return Problem(
        rule_id="SECU-TAILLE",
        layer="securite",
        message=_("Le fichier dépasse %(n)d Mo, la taille maximale d'une facture déposée.")
        % {"n": MAX_DOCUMENT_BYTES // (1024 * 1024)},
    )
