"""Operations on invoices entered on the portal: drafts, sending, deposits, the legal document.

- ``invoice_draft_save``: a draft (BROUILLON) is stored, editable, sent to no one.
- ``invoice_send``: a draft becomes DEPOSEE, after every check, in one transaction.
- ``invoice_deposit``: create and send in one go (upload of a file, API);
  ``invoice_deposit_record`` is its database part, for a caller that owns the transaction.
- ``invoice_generate_document``: the Factur-X PDF (PDF/A-3, EN 16931) that embeds the CII XML
  whose SHA-256 is the invoice's fingerprint; called by the workflow before availability.
- ``deposit_certificate_pdf``: the "accusé de dépôt".
- ``invoice_preview_documents``: the CII XML and Factur-X PDF of an invoice not stored.

No file storage I/O happens inside a transaction (style rule 5): files are written before
(attachments, deposited originals) or after (the generated PDF) and their rows are recorded in
the transaction.
"""

from __future__ import annotations

from .deposit import DUPLICATE_CONSTRAINT, invoice_deposit, invoice_deposit_record, invoice_send
from .documents import (
    DocumentIntegrityError,
    deposit_certificate_pdf,
    facturx_pdf,
    invoice_generate_document,
)
from .drafts import invoice_attachment_remove, invoice_draft_delete, invoice_draft_save
from .preview import invoice_preview_documents

__all__ = [
    "DUPLICATE_CONSTRAINT",
    "DocumentIntegrityError",
    "deposit_certificate_pdf",
    "facturx_pdf",
    "invoice_attachment_remove",
    "invoice_deposit",
    "invoice_deposit_record",
    "invoice_draft_delete",
    "invoice_draft_save",
    "invoice_generate_document",
    "invoice_preview_documents",
    "invoice_send",
]
