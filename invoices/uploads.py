"""Portal uploads in the background (issue 19, point 3).

The request stores the files and answers at once; a task per file validates and deposits it
(``intake.batch_intake``: all or nothing per file, an archive's members each on their own) and
records its verdicts; the upload's page follows them. A worker killed in the middle re-runs the
file (acks_late): an invoice it had already deposited from this very file is found again by its
fingerprint, never deposited twice.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .choices import Channel
from .cii import sha256_hex
from .intake import BATCH_SUFFIXES, FileOutcome, Problem, batch_intake, too_big
from .models import Document, Invoice, UploadItem
from .validation.limits import MAX_BATCH_BYTES, MAX_DOCUMENT_BYTES


def upload_items_create(*, supplier: Any, actor: Any, files: list[Any]) -> uuid.UUID:
    """Store the uploaded files (before the transaction: no storage I/O inside it) and record
    one pending item per file. A file over its size limit is answered at once, never stored."""
    batch = uuid.uuid4()
    rows: list[UploadItem] = []
    for position, upload in enumerate(files):
        limit = MAX_BATCH_BYTES if upload.name.lower().endswith(BATCH_SUFFIXES) else MAX_DOCUMENT_BYTES
        item = UploadItem(
            batch=batch,
            position=position,
            supplier=supplier,
            created_by=actor,
            name=upload.name[:255],
            size=upload.size,
        )
        if upload.size > limit:  # checked before reading: the content never reaches memory
            item.state = UploadItem.State.DONE
            item.finished_at = timezone.now()
            item.outcomes = [_dump(FileOutcome(name=upload.name, errors=[too_big(upload.size)]))]
        else:
            item.file.name = default_storage.save(
                f"televersements/{timezone.now():%Y/%m}/{batch}-{position}", File(upload)
            )
        rows.append(item)
    with transaction.atomic():
        UploadItem.objects.bulk_create(rows)
    return batch


def upload_item_process(*, item_id: int) -> None:
    """Validate and deposit one uploaded file, once. Idempotent: a finished item is left alone;
    a re-run after a crash finds the invoice already deposited from the same bytes."""
    item = UploadItem.objects.select_related("supplier", "created_by").filter(pk=item_id).first()
    if item is None or item.state == UploadItem.State.DONE:
        return
    rerun = item.state == UploadItem.State.RUNNING
    UploadItem.objects.filter(pk=item.pk, state=item.state).update(state=UploadItem.State.RUNNING)
    with item.file.open("rb") as handle:
        content = handle.read()
    outcomes: list[FileOutcome] | None = None
    if rerun and not item.name.lower().endswith(BATCH_SUFFIXES):
        outcomes = _already_deposited(item=item, content=content)
    if outcomes is None:
        outcomes = batch_intake(
            supplier=item.supplier,
            actor=item.created_by,
            files=[(item.name, content)],
            channel=Channel.UPLOAD_PORTAIL,
        )
    finished = (
        UploadItem.objects.filter(pk=item.pk)
        .exclude(state=UploadItem.State.DONE)
        .update(
            state=UploadItem.State.DONE, outcomes=[_dump(o) for o in outcomes], finished_at=timezone.now()
        )
    )
    if finished and item.file.name:
        # The deposited invoices keep their own copy of the original (invoice_deposit): the
        # uploaded file is no longer needed once its verdict is recorded.
        default_storage.delete(item.file.name)


def _already_deposited(*, item: UploadItem, content: bytes) -> list[FileOutcome] | None:
    document = (
        Document.objects.filter(
            sha256=sha256_hex(content), invoice__supplier=item.supplier, created_at__gte=item.created_at
        )
        .select_related("invoice")
        .first()
    )
    if document is None:
        return None
    invoice = document.invoice
    outcome = FileOutcome(name=item.name)
    if invoice.status == "BROUILLON":
        outcome.draft = invoice
    else:
        outcome.invoice = invoice
    return [outcome]


def _dump(outcome: FileOutcome) -> dict[str, Any]:
    return {
        "name": outcome.name,
        "recognised": outcome.recognised,
        "format": outcome.format,
        "profile": outcome.profile,
        "syntax": outcome.syntax,
        "errors": [asdict(p) for p in outcome.errors],
        "warnings": [asdict(p) for p in outcome.warnings],
        "invoice": outcome.invoice.pk if outcome.invoice else None,
        "draft": outcome.draft.pk if outcome.draft else None,
    }


def upload_batch_get(*, batch: uuid.UUID, supplier: Any) -> list[UploadItem]:
    """The items of one upload of ``supplier`` (another structure's upload: empty)."""
    return list(UploadItem.objects.filter(batch=batch, supplier=supplier).order_by("position"))


def upload_outcomes(items: list[UploadItem]) -> list[FileOutcome]:
    """The verdicts of finished items, with their invoices and drafts loaded in one query."""
    dumped = [o for item in items for o in item.outcomes]
    ids = {o["invoice"] for o in dumped if o["invoice"]} | {o["draft"] for o in dumped if o["draft"]}
    invoices = Invoice.objects.in_bulk(ids)
    return [
        FileOutcome(
            name=o["name"],
            recognised=o["recognised"],
            format=o["format"],
            profile=o["profile"],
            syntax=o["syntax"],
            errors=[Problem(**p) for p in o["errors"]],
            warnings=[Problem(**p) for p in o["warnings"]],
            invoice=invoices.get(o["invoice"]),
            draft=invoices.get(o["draft"]),
        )
        for o in dumped
    ]
