"""The upload page: one or several files (or a ZIP). The request stores them; each is validated
and deposited in the background, and the upload's own page follows every file's verdict."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload, TemporaryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.workspace import Workspace
from common.tasks import task_send

from .intake import Problem
from .models import UploadItem
from .uploads import upload_batch_get, upload_items_create, upload_outcomes
from .validation.limits import MAX_BATCH_BYTES, MAX_DOCUMENT_BYTES, MAX_INVOICE_LINES

MAX_FILES = 50
# Chorus Pro: 120 MB per deposit. Beyond it the upload is cut while it streams in, so a 200 MB
# body never lands on disk whole.
MAX_REQUEST_BYTES = MAX_BATCH_BYTES + 1024 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the body as soon as the files exceed the deposit limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0
        self.too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        # A declared length over the limit: nothing of the files will be kept.
        self.too_big = bool(content_length and content_length > MAX_REQUEST_BYTES)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.too_big or self.received > MAX_REQUEST_BYTES:
            self.too_big = True
            # The rest of the body is read and discarded (bounded memory), so that the user
            # gets a clear page rather than a reset connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _supplier_workspace(request: HttpRequest) -> Workspace:
    workspace = request.workspace  # type: ignore[attr-defined]
    if workspace is None or not workspace.is_supplier:
        raise Http404
    return workspace


@csrf_exempt  # the upload handlers must be set before the CSRF middleware reads the body
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    limiter = LimitedUploadHandler(request)
    request.upload_handlers = [limiter, TemporaryFileUploadHandler(request)]
    return _upload(request, limiter)


@csrf_protect
def _upload(request: HttpRequest, limiter: LimitedUploadHandler) -> HttpResponse:
    workspace = _supplier_workspace(request)
    context: dict = {
        "workspace": workspace,
        "max_document_mb": MAX_DOCUMENT_BYTES // 2**20,
        "max_batch_mb": MAX_BATCH_BYTES // 2**20,
        "max_files": MAX_FILES,
        "max_lines": MAX_INVOICE_LINES,
    }
    if request.method != "POST":
        return render(request, "invoices/upload.html", context)
    uploaded = request.FILES.getlist("files")
    if limiter.too_big:
        context["form_error"] = _("L'envoi dépasse %(n)d Mo : déposez vos factures en plusieurs fois.") % {
            "n": MAX_BATCH_BYTES // 2**20
        }
        return render(request, "invoices/upload.html", context, status=413)
    if not uploaded:
        context["form_error"] = _("Choisissez au moins un fichier à déposer.")
        return render(request, "invoices/upload.html", context, status=400)
    if len(uploaded) > MAX_FILES:
        context["form_error"] = _("Déposez au plus %(n)d fichiers à la fois (ou une archive ZIP).") % {
            "n": MAX_FILES
        }
        return render(request, "invoices/upload.html", context, status=400)
    # The request only stores the files: validation and deposit run in the background, one task
    # per file, so a large upload never outlives a web worker's timeout half done (issue 19).
    batch = upload_items_create(supplier=workspace.structure, actor=request.user, files=uploaded)
    # Enqueued once the items are committed (this view runs outside any transaction).
    for item_id in UploadItem.objects.filter(batch=batch, state=UploadItem.State.PENDING).values_list(
        "pk", flat=True
    ):
        task_send("invoices.upload_item_process", item_id)
    return redirect("upload:status", batch=batch)


@login_required
def upload_status(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    """The page of one upload: each file's progress, then its verdict; reloads itself (no script)
    until every file is done."""
    workspace = _supplier_workspace(request)
    items = upload_batch_get(batch=batch, supplier=workspace.structure)
    if not items:
        raise Http404
    done = [item for item in items if item.state == UploadItem.State.DONE]
    outcomes = upload_outcomes(done)
    context = {
        "workspace": workspace,
        "items": items,
        "done": len(done),
        "total": len(items),
        "outcomes": outcomes,
        "accepted": sum(o.accepted for o in outcomes),
        "to_complete": sum(o.needs_completion for o in outcomes),
        "refused": sum(not o.accepted and not o.needs_completion for o in outcomes),
    }
    if len(done) < len(items):
        return render(request, "invoices/upload_progress.html", context)
    return render(request, "invoices/upload_result.html", context)


__all__ = ["Problem", "upload", "upload_status"]
