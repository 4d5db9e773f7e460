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

from common.identifiers import compact_identifier

from .checks import CheckError, InvoiceRejected, invoice_data_check
from .checks.seller import seller_is_foreign
from .choices import Channel, DocumentRole, InvoiceKind
from .cii import sha256_hex
from .data import InvoiceData, invoice_data_from_parsed
from .file_advice import file_problems, grouped_issues
from .models import Document, Invoice
from .services import invoice_deposit, invoice_draft_save
from .validation import (
    BatchError,
    DocumentFormat,
    Layer,
    Profile,
    Verdict,
    read_pdf_text_hints,
    split_batch,
    validate_document,
)
from .validation.brfr import brfr_warnings
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
    syntax: str = ""  # Chorus Pro ``syntaxeFlux`` of the file, when it is one
    # What could be read of the invoice, even when it is refused (the API's ``listeErreurDP``
    # names the invoice by its number and recipient); ``readable`` is False when nothing could.
    readable: bool = False
    invoice_number: str = ""
    recipient_identifier: str = ""
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
    """The seller of the file must be the depositing structure (reference §5.4). A structure
    established in France is recognised by its SIRET in the seller's legal identifier (BT-30,
    scheme 0009, or its SIREN under 0002); a foreign one by its VAT number (BT-31) or its legal
    registration (BT-30). A mismatch names both identifiers."""
    parsed = verdict.parsed
    if parsed is None:
        return []
    compact = compact_identifier
    legal = compact(parsed.seller_siret)
    vat = compact(parsed.seller_vat)
    if seller_is_foreign(supplier):
        mine = {compact(supplier.identifier), compact(supplier.vat_number)} - {""}
        if not (legal or vat) or mine & {legal, vat}:
            return []
        found, bt = (vat, "BT-31") if vat else (legal, "BT-30")
        label = _("Numéro de TVA du vendeur") if vat else _("Identifiant légal du vendeur")
        element = (
            _("SellerTradeParty/SpecifiedTaxRegistration/ID (CII) ou PartyTaxScheme/CompanyID (UBL)")
            if vat
            else _("SellerTradeParty/SpecifiedLegalOrganization/ID (CII) ou PartyLegalEntity/CompanyID (UBL)")
        )
        return [
            Problem(
                rule_id="CPRO-FOURNISSEUR-DIFFERENT",
                layer=LAYER_CHORUS,
                bt=bt,
                bt_label=label,
                value=found,
                field="supplier",
                message=_(
                    "Le vendeur de la facture (%(found)s) n'est pas votre structure (%(mine)s). Déposez "
                    "la facture depuis la structure qui l'a émise, ou mettez %(mine)s dans l'élément "
                    "%(element)s de la facture."
                )
                % {"found": found, "mine": supplier.vat_number or supplier.identifier, "element": element},
            )
        ]
    if supplier.identifier_type != "SIRET":
        return []
    found = legal
    scheme = parsed.seller_siret_scheme or ""
    if scheme in ("", "0009"):
        same = found == supplier.identifier
    elif scheme == "0002":
        # A SIREN (ISO 6523 ICD 0002) names the company: the first 9 digits of its SIRETs.
        same = found in (supplier.identifier, supplier.identifier[:9])
    else:
        same = True  # another scheme (VAT, GLN…): not comparable with the structure's SIRET
    if found and not same:
        return [
            Problem(
                rule_id="CPRO-FOURNISSEUR-DIFFERENT",
                layer=LAYER_CHORUS,
                bt="BT-30",
                bt_label=_("Identifiant légal du vendeur"),
                value=found,
                field="supplier",
                message=_(
                    "L'identifiant légal du vendeur dans la facture (%(found)s) n'est pas le SIRET de "
                    "votre structure (%(mine)s). Déposez la facture depuis la structure qui l'a émise, "
                    "ou mettez %(mine)s dans l'élément SellerTradeParty/SpecifiedLegalOrganization/ID "
                    '(CII) ou PartyLegalEntity/CompanyID (UBL), avec schemeID="0009".'
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
    declared_syntax: str = "",
    structured_only: bool = False,
    advice: bool = True,
    resumed: bool = True,
) -> FileOutcome:
    """Validate one file through the four layers and deposit it when everything passes.

    The portal's upload and the API's flows (``cpro.flux``) both come here. A flow declares its
    ``syntaxeFlux`` (``declared_syntax``: a file of another syntax is refused) and carries only
    structured invoices (``structured_only``: a PDF to complete is refused instead of opening a
    draft). A flow processed again after a crash finds the invoice it already deposited.
    ``advice=False`` skips the warnings that only a person reads (the BR-FR rules: a second
    Saxon run, ≈ 6 ms an invoice) where nobody reads them: a flow's report lists errors only.
    ``resumed=False``: the flow is processed for the first time, so the look-up of what it
    already deposited is skipped."""
    verdict = validate_document(content=content, filename=name)
    parsed = verdict.parsed
    outcome = FileOutcome(
        name=name,
        recognised=verdict.recognised,
        format=str(verdict.format),
        profile=str(verdict.profile or ""),
        syntax=str(verdict.syntax_flux or ""),
        readable=parsed is not None,
        invoice_number=(parsed.number or "") if parsed else "",
        recipient_identifier=(parsed.buyer_siret or "") if parsed else "",
        errors=[_problem_from_issue(i) for i in grouped_issues(verdict.errors)],
        warnings=[_problem_from_issue(i) for i in grouped_issues(verdict.warnings)],
    )
    if verdict.errors:
        if not structured_only and _completed_by_the_form(verdict):
            # The page's promise: a Factur-X MINIMUM / BASIC WL PDF is the legal invoice and its
            # XML only pre-fills the form. What that XML gets wrong is said (as warnings) but does
            # not stop the draft; the form's own checks apply when it is sent.
            outcome.warnings = [*outcome.errors, *outcome.warnings]
            outcome.errors = []
            outcome.draft = invoice_draft_from_pdf(
                supplier=supplier, actor=actor, name=name, content=content, verdict=verdict
            )
        return outcome
    if not verdict.structured:
        if structured_only:
            outcome.errors.append(_not_structured_in_flow(name=name, verdict=verdict))
        elif verdict.format in (DocumentFormat.PDF, DocumentFormat.FACTURX_PDF):
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
    if declared_syntax and verdict.syntax_flux and str(verdict.syntax_flux) != declared_syntax:
        outcome.errors.append(
            Problem(
                rule_id="CPRO-FLUX-SYNTAXE",
                layer="syntaxe",
                value=str(verdict.syntax_flux),
                message=_(
                    "Le document « %(name)s » est reconnu comme %(found)s alors que le flux est déclaré "
                    "en %(declared)s : indiquez syntaxeFlux=%(found)s."
                )
                % {"name": name, "found": verdict.syntax_flux, "declared": declared_syntax},
            )
        )
        return outcome
    if flow is not None and resumed and outcome.invoice_number:
        # Already deposited from this flow before a crash: counted once, never deposited twice.
        done = Invoice.objects.filter(flow=flow, number=outcome.invoice_number).first()
        if done is not None:
            outcome.invoice = done
            return outcome
    if advice and verdict.xml and _syntax_family(verdict) == "CII" and not seller_is_foreign(supplier):
        outcome.warnings += [_problem_from_issue(i) for i in brfr_warnings(verdict.xml)]
    data = invoice_data_from_parsed(parsed, channel=channel, source_format=str(verdict.format))
    seller_errors = _seller_errors(verdict=verdict, supplier=supplier)
    if seller_errors:
        # Not deposited; the other Chorus Pro checks still run, so that every error is listed.
        outcome.errors += seller_errors
        outcome.errors += [
            _problem_from_check(e) for e in invoice_data_check(data=data, supplier=supplier, actor=actor)
        ]
        outcome.errors = file_problems(outcome.errors, syntax=_syntax_family(verdict))
        return outcome
    try:
        invoice = invoice_deposit(
            supplier=supplier,
            data=data,
            actor=actor,
            channel=channel,
            original=(name, content, _content_type(verdict)),
            flow=flow,
        )
    except InvoiceRejected as exc:
        outcome.errors += [_problem_from_check(e) for e in exc.errors]
        outcome.errors = file_problems(outcome.errors, syntax=_syntax_family(verdict))
        return outcome
    outcome.invoice = invoice
    if data.kind == InvoiceKind.AVOIR and not data.original_invoice_number.strip():
        # Directive 2006/112/EC art. 219 / CGI art. 289 I-1: a credit note that corrects an invoice
        # refers to it; EN 16931 leaves BT-25 optional, so this is advice, not a refusal.
        outcome.warnings.append(
            Problem(
                rule_id="CPRO-AVOIR-ORIGINE",
                layer=LAYER_CHORUS,
                bt="BT-25",
                message=_(
                    "Cet avoir ne cite pas la facture qu'il corrige : s'il en corrige une, indiquez son "
                    "numéro dans l'élément InvoiceReferencedDocument/IssuerAssignedID (CII) ou "
                    "BillingReference/InvoiceDocumentReference/ID (UBL)."
                ),
            )
        )
    return outcome


def _syntax_family(verdict: Verdict) -> str:
    if verdict.format in (DocumentFormat.UBL_INVOICE, DocumentFormat.UBL_CREDITNOTE):
        return "UBL"
    if verdict.format in (DocumentFormat.CII, DocumentFormat.FACTURX_PDF):
        return "CII"
    return ""


def _completed_by_the_form(verdict: Verdict) -> bool:
    """A Factur-X PDF of a profile without lines (MINIMUM, BASIC WL) whose only errors are in its
    XML (syntax, EN 16931 / Factur-X rules): the PDF itself passed the safety layer."""
    return (
        verdict.format == DocumentFormat.FACTURX_PDF
        and verdict.profile in (Profile.MINIMUM, Profile.BASICWL)
        and all(issue.layer in (Layer.SYNTAX, Layer.EN16931) for issue in verdict.errors)
    )


def _not_structured_in_flow(*, name: str, verdict: Verdict) -> Problem:
    return Problem(
        rule_id="CPRO-FLUX-NON-STRUCTURE",
        layer="syntaxe",
        message=_(
            "Le document « %(name)s » est %(what)s : un flux doit porter toutes les données de la "
            "facture (Factur-X BASIC, EN 16931 ou EXTENDED, CII ou UBL). Déposez ce PDF avec "
            "deposer/pdf puis soumettre."
        )
        % {"name": name, "what": verdict.recognised or _("un PDF sans données structurées")},
    )


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
        # MINIMUM / BASIC WL carry no lines: the form asks for them. The entry form has no
        # document-level allowances or charges either: the PDF shows them, the form completes.
        data.lines = []
        data.allowances_charges = []
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
