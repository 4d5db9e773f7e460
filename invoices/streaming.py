"""Serving a stored document: its SHA-256 is re-checked against the one recorded at deposit on
every download, so that an altered or lost file is never delivered as the invoice (the legal
document is kept 10 years and must be the one certified)."""

from __future__ import annotations

import hashlib
import logging

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from .models import Document, Invoice
from .selectors import invoice_document_get

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024


class DocumentUnavailable(Exception):
    """``reason`` is ``"introuvable"`` (missing from storage) or ``"altere"`` (fingerprint)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def document_response(document: Document, *, inline: bool = False) -> FileResponse:
    """A streamed response of ``document`` once its SHA-256 matches, else ``DocumentUnavailable``
    (logged: an incident for the operators)."""
    digest = hashlib.sha256()
    try:
        with document.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        logger.error("Document %s of invoice %s missing from storage", document.pk, document.invoice_id)
        raise DocumentUnavailable("introuvable") from None
    if digest.hexdigest() != document.sha256:
        logger.error("SHA-256 mismatch: document %s of invoice %s", document.pk, document.invoice_id)
        raise DocumentUnavailable("altere")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.name,
        content_type=document.content_type or "application/octet-stream",
    )
    if inline:
        response["Content-Disposition"] = f'inline; filename="{document.pk}.pdf"'
        # A supplier's PDF may carry scripts: shown, never run with the portal's origin (issue 19);
        # the portal-wide policy leaves a header already set as it is.
        response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_preview_response(*, invoice: Invoice, document_id: int) -> HttpResponseBase:
    """A PDF of ``invoice`` (already checked visible to the caller) inline for a preview frame,
    sandboxed; 404 for another document or a non-PDF, 409 with the reason when the file is lost
    or no longer matches its deposit fingerprint. The buyer's and the validator's previews."""
    document = invoice_document_get(invoice=invoice, document_id=document_id)
    if document is None or document.content_type != "application/pdf":
        raise Http404
    try:
        return document_response(document, inline=True)
    except DocumentUnavailable as exc:
        message = (
            _("Document introuvable dans l'archive.")
            if exc.reason == "introuvable"
            else _("Ce document ne correspond plus à son empreinte SHA-256 de dépôt : il n'est pas délivré.")
        )
        return HttpResponse(message, status=409, content_type="text/plain")
