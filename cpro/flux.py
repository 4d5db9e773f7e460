"""Deposit flows (``deposer/flux``): receive a file or a batch, then integrate it in a worker.

``flow_deposit`` stores the file and the ``DepositFlow`` row (state
``IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP``) and enqueues ``cpro.flow_process`` after
commit, by id. ``flow_process`` validates each document (security, XSD, EN 16931 rules), turns it
into an ``InvoiceData`` and deposits it; the flow ends ``IN_INTEGRE`` (every invoice deposited),
``IN_INTEGRE_PARTIEL`` (some) or ``IN_REJETE`` (none), with ``listeErreurTechnique`` (the file
cannot be read) and ``listeErreurDP`` (an invoice is refused) in full French sentences, each
starting with the rule id (reference §1.4).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

ACCEPTED_SYNTAXES = ("IN_DP_E1_CII_16B", "IN_DP_E1_UBL_INVOICE", "IN_DP_E2_CII_FACTURX")
BATCH_SUFFIXES = (".tar.gz", ".tgz", ".zip")
# One issue message is at most this long in a report; a flow lists at most this many issues per
# invoice (a broken file can raise hundreds of rule failures).
MAX_ISSUES_PER_DOCUMENT = 20


def flow_number() -> str:
    """``numeroFluxDepot``: date plus 40 random bits, unique by construction (and by the
    database's unique constraint)."""
    return f"CPP{timezone.localtime():%Y%m%d}{secrets.token_hex(5).upper()}"


def is_batch(filename: str, content: bytes) -> bool:
    name = filename.lower()
    return name.endswith(BATCH_SUFFIXES) or content[:2] == b"\x1f\x8b" or content[:4] == b"PK\x03\x04"


def flow_deposit(*, principal: Any, content: bytes, filename: str, syntax: str) -> Any:
    """Store the flow and schedule its integration. Returns the ``DepositFlow``."""
    from invoices.choices import Channel, FlowStatus
    from invoices.models import DepositFlow

    from .tasks import flow_process_task

    number = flow_number()
    # The file is written before the transaction (no storage I/O inside atomic()); a failed
    # insert leaves an orphan file, never a row without its file.
    stored = default_storage.save(f"flux/{timezone.now():%Y/%m}/{number}.bin", ContentFile(content))
    with transaction.atomic():
        flow = DepositFlow.objects.create(
            number=number,
            syntax=syntax,
            channel=Channel.UPLOAD_API,
            status=FlowStatus.EN_ATTENTE,
            filename=filename[:255],
            file=stored,
            sha256=hashlib.sha256(content).hexdigest(),
            supplier=principal.supplier,
            created_by=principal.owner,
        )
        flow_id = flow.pk
        transaction.on_commit(lambda: flow_process_task.delay(flow_id))
    return flow


def _issue_sentence(issue: Any) -> str:
    where = ""
    if issue.bt:
        where = f" ({issue.bt}{' – ' + issue.bt_label if issue.bt_label else ''}"
        where += f" : « {issue.value[:80]} »)" if issue.value else ")"
    return f"[{issue.rule_id}] {issue.message}{where}"


def _document_errors(*, name: str, content: bytes, syntax: str) -> tuple[Any, list[str]]:
    """Validate one document: (verdict, French error sentences)."""
    from invoices.validation import validate_document

    verdict = validate_document(content=content, filename=name)
    errors = [_issue_sentence(i) for i in verdict.errors[:MAX_ISSUES_PER_DOCUMENT]]
    if len(verdict.errors) > MAX_ISSUES_PER_DOCUMENT:
        errors.append(
            _("… et %(n)d autre(s) erreur(s) dans ce document.")
            % {"n": len(verdict.errors) - MAX_ISSUES_PER_DOCUMENT}
        )
    if not errors and not verdict.structured:
        errors.append(
            _(
                "[CPRO-FLUX-NON-STRUCTURE] Le document « %(name)s » est %(what)s : un flux doit porter "
                "toutes les données de la facture (Factur-X BASIC, EN 16931 ou EXTENDED, CII ou UBL). "
                "Déposez ce PDF avec deposer/pdf puis soumettre."
            )
            % {"name": name, "what": verdict.recognised or _("un PDF sans données structurées")}
        )
    if not errors and syntax and verdict.syntax_flux and str(verdict.syntax_flux) != syntax:
        errors.append(
            _(
                "[CPRO-FLUX-SYNTAXE] Le document « %(name)s » est reconnu comme %(found)s alors que le flux "
                "est déclaré en %(declared)s : indiquez syntaxeFlux=%(found)s."
            )
            % {"name": name, "found": verdict.syntax_flux, "declared": syntax}
        )
    return verdict, errors


def _dp_error(*, flow: Any, number: str, buyer: str, message: str) -> dict[str, str]:
    return {
        "identifiantFournisseur": flow.supplier.identifier if flow.supplier_id else "",
        "identifiantDestinataire": buyer or "",
        "numeroDP": number or "",
        "codeErreurDP": message[1 : message.index("]")] if message.startswith("[") and "]" in message else "",
        "libelleErreurDP": message,
    }


def flow_process(*, flow_id: int) -> str | None:
    """Integrate flow ``flow_id`` (idempotent: a flow already processed is left as it is; after a
    crash, invoices already deposited from this flow are counted, not deposited twice)."""
    from invoices.checks import InvoiceRejected
    from invoices.choices import Channel, FlowStatus
    from invoices.data import invoice_data_from_parsed
    from invoices.models import DepositFlow, Invoice
    from invoices.services import invoice_deposit
    from invoices.validation import BatchError, split_batch

    flow = DepositFlow.objects.select_related("supplier").filter(pk=flow_id).first()
    if flow is None or flow.status != FlowStatus.EN_ATTENTE:
        return None
    with flow.file.open("rb") as handle:
        content = handle.read()
    technical: list[dict[str, str]] = []
    dp_errors: list[dict[str, str]] = []
    documents: list[tuple[str, bytes]] = []
    if is_batch(flow.filename, content):
        try:
            documents = split_batch(content=content, filename=flow.filename)
        except BatchError as exc:
            technical.append(
                {"codeErreur": exc.code, "libelleErreur": f"[{exc.code}] {exc.message}", "numeroDP": ""}
            )
    else:
        documents = [(flow.filename, content)]
    account = _technical_account_of(flow)
    integrated = 0
    for name, data in documents:
        verdict, errors = _document_errors(name=name, content=data, syntax=flow.syntax)
        parsed = verdict.parsed
        number = (parsed.number or "") if parsed else ""
        buyer = (parsed.buyer_siret or "") if parsed else ""
        if errors:
            if parsed is None:
                technical += [
                    {
                        "codeErreur": e[1 : e.index("]")] if e.startswith("[") and "]" in e else "",
                        "libelleErreur": f"{name} : {e}",
                        "numeroDP": "",
                    }
                    for e in errors
                ]
            else:
                dp_errors += [_dp_error(flow=flow, number=number, buyer=buyer, message=e) for e in errors]
            continue
        if number and Invoice.objects.filter(flow=flow, number=number).exists():
            integrated += 1  # already deposited before a crash: counted once
            continue
        invoice_data = invoice_data_from_parsed(
            parsed, channel=Channel.UPLOAD_API, source_format=str(verdict.format)
        )
        try:
            invoice_deposit(
                supplier=flow.supplier,
                data=invoice_data,
                actor=account,
                channel=Channel.UPLOAD_API,
                original=(name, data, ""),
                flow=flow,
            )
        except InvoiceRejected as exc:
            dp_errors += [
                _dp_error(flow=flow, number=number, buyer=buyer, message=f"[{e.code}] {e.message}")
                for e in exc.errors[:MAX_ISSUES_PER_DOCUMENT]
            ]
            continue
        integrated += 1
    if integrated and (dp_errors or technical):
        status = FlowStatus.INTEGRE_PARTIEL
    elif integrated:
        status = FlowStatus.INTEGRE
    else:
        status = FlowStatus.REJETE
    # Compare-and-set: a second worker on the same flow (redelivery) cannot overwrite the report.
    DepositFlow.objects.filter(pk=flow.pk, status=FlowStatus.EN_ATTENTE).update(
        status=status,
        processed_at=timezone.now(),
        technical_errors=technical,
        invoice_errors=dp_errors,
    )
    return status


def _technical_account_of(flow: Any) -> Any:
    """The supplier's technical account acts for the deposits of its flows (the invoice checks
    verify that it belongs to the supplier)."""
    from accounts.models import TechnicalAccount

    return TechnicalAccount.objects.filter(supplier_structure_id=flow.supplier_id).first()
