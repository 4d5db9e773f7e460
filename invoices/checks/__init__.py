"""The checks an invoice passes before it is accepted (reference §5.4), for every channel.

``invoice_data_check`` runs on data not yet stored: the web form, the upload of a file and the
API call all use it, and the deposit runs it again inside its transaction. ``invoice_check``
re-runs the routing checks on a stored invoice (the worker, before routing: a service may have
been closed meanwhile).

Each failure is a ``CheckError`` with a stable code, the form field and EN 16931 business term
it concerns, the wrong value and a French sentence that says what to do.

A deposited file is judged by the official EN 16931 artefacts first; the portal never recomputes
its amounts more strictly (``amounts.is_file_invoice``). What a valid file may still fail are
the portal's own checks, each required by a source:

- who deposits: CPRO-FOURNISSEUR-INACTIF, CPRO-DROIT-ENVOI (structures and rattachements,
  reference §3); CPRO-FOURNISSEUR-DIFFERENT, the seller of the file is the depositing structure
  (reference §5.4: SIRET in BT-30 for a French structure, VAT number BT-31 or BT-30 otherwise);
- routing: CPRO-DESTINATAIRE-*, CPRO-SERVICE-*, CPRO-ENGAGEMENT-*, CPRO-FACTURES-PUBLIQUES,
  CPRO-VALIDEUR-*, CPRO-CADRE, CPRO-A2-NON-PAYEE (reference §5.2 and §5.4; décret n° 2016-1478
  du 2 novembre 2016, art. 2: recipient identifier, service code and engagement number);
- CPRO-DOUBLON: one number per invoice (CGI annexe II art. 242 nonies A, I-2°; reference §5.4);
- CPRO-DATE-FUTURE / CPRO-DATE-INVALIDE: an invoice is deposited once issued (reference §5.4);
- CPRO-IBAN-REQUIS / CPRO-IBAN-INVALIDE: bank details Chorus Pro can pay to (reference §5.4,
  ISO 13616 check digits);
- seller established in France only: CPRO-TAUX-TVA (CGI art. 278 to 281 nonies, 296, 296 bis,
  297), CPRO-TVA-EN-EUROS and CPRO-TAUX-CHANGE (CGI annexe II art. 242 nonies A);
- documents the portal writes itself (form, API): CPRO-TVA-VENDEUR (EN 16931 BR-S-02),
  CPRO-TVA-VENDEUR-INVALIDE (Directive 2006/112/EC art. 226, 3°, checked by python-stdnum),
  CPRO-AVOIR-ORIGINE (Directive 2006/112/EC art. 219; only a warning for a file), and the form's
  input checks (CPRO-LIGNE-*, CPRO-TOTAL-NEGATIF, CPRO-MONTANT-*, CPRO-TOTAUX);
- storage precision of ``lignePoste`` (reference §4.2): at most 4 decimals in a quantity, 6 in a
  price (CPRO-LIGNE-QUANTITE, CPRO-LIGNE-PRIX), 2 in an amount;
- attachments: CPRO-PJ-* (reference §5.3, Chorus Pro's rules for attachments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..data import InvoiceData, invoice_data_from_invoice
from ..errors import CheckError, InvoiceRejected
from ..models import Document
from ..models import Invoice as InvoiceModel
from .amounts import (
    _check_attachments,
    _check_currency_and_vat,
    _check_lines_and_totals,
    _check_payment,
)
from .base import (
    DESIGNATION_MAX_LENGTH,
    EARLIEST_INVOICE_DATE,
    ENGAGEMENT_MAX_LENGTH,
    GENERATED_CHANNELS,
    MARKET_MAX_LENGTH,
    NUMBER_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    Resolved,
)
from .parties import (
    _check_duplicate,
    _check_identity,
    _check_seller_vat,
    _check_supplier,
    duplicate_error,
    supplier_actor_errors,
)
from .portal_forms import _check_portal_forms
from .routing import _check_framework, _check_routing, _resolve_original
from .seller import _check_foreign_seller_vat, seller_is_foreign

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure

    from ..models import Invoice


__all__ = [
    "DESIGNATION_MAX_LENGTH",
    "EARLIEST_INVOICE_DATE",
    "ENGAGEMENT_MAX_LENGTH",
    "GENERATED_CHANNELS",
    "MARKET_MAX_LENGTH",
    "NUMBER_MAX_LENGTH",
    "REFERENCE_MAX_LENGTH",
    "CheckError",
    "InvoiceRejected",
    "Resolved",
    "duplicate_error",
    "invoice_check",
    "invoice_data_check",
    "invoice_data_resolve",
    "invoice_draft_check",
    "invoice_draft_resolve",
    "raise_if_errors",
    "supplier_actor_errors",
]


def invoice_data_check(*, data: InvoiceData, supplier: SupplierStructure, actor: Any) -> list[CheckError]:
    """Every check of an invoice about to be sent, on data not yet stored."""
    return invoice_data_resolve(data=data, supplier=supplier, actor=actor).errors


def invoice_check(*, invoice_id: int) -> list[CheckError]:
    """Re-run the routing checks on a stored invoice: supplier active, recipient, service,
    engagement, validator, and the duplicate control (against other invoices only). The invoice
    is read here, whole, with what the checks need."""

    invoice = (
        InvoiceModel.objects.select_related("supplier", "recipient", "recipient_service", "validator")
        .prefetch_related("lines", "allowances_charges")
        .get(pk=invoice_id)
    )
    data = invoice_data_from_invoice(invoice)
    resolved = Resolved()
    errors = resolved.errors
    _check_supplier(errors, supplier=invoice.supplier, actor=None)
    _check_routing(errors, resolved, data=data, supplier=invoice.supplier)
    _check_framework(errors, resolved, data=data, supplier=invoice.supplier, amount_due=invoice.amount_due)
    _check_portal_forms(errors, resolved, data=data, supplier=invoice.supplier)
    _check_duplicate(errors, data=data, supplier=invoice.supplier, exclude_id=invoice.pk)
    return errors


def invoice_draft_check(*, invoice: Invoice, actor: Any) -> list[CheckError]:
    """Every check a stored draft must pass to be sent (its attachments count toward 120 MB)."""
    return invoice_draft_resolve(invoice=invoice, actor=actor).errors


def invoice_draft_resolve(*, invoice: Invoice, actor: Any) -> Resolved:

    invoice = (
        InvoiceModel.objects.select_related("supplier", "recipient", "recipient_service", "validator")
        .prefetch_related("lines", "allowances_charges")
        .get(pk=invoice.pk)
    )
    data = invoice_data_from_invoice(invoice)
    sizes = tuple(Document.objects.filter(invoice=invoice).values_list("size", flat=True))
    resolved = invoice_data_resolve(
        data=data,
        supplier=invoice.supplier,
        actor=actor,
        exclude_invoice_id=invoice.pk,
        stored_attachment_sizes=sizes,
    )
    resolved.data = data
    resolved.invoice = invoice
    return resolved


def invoice_data_resolve(
    *,
    data: InvoiceData,
    supplier: SupplierStructure,
    actor: Any,
    exclude_invoice_id: int | None = None,
    stored_attachment_sizes: tuple[int, ...] = (),
) -> Resolved:
    """Run every check and keep what was looked up (recipient, service, validator, original
    invoice, recomputed totals) for the deposit."""
    resolved = Resolved()
    errors = resolved.errors
    _check_supplier(errors, supplier=supplier, actor=actor)
    _check_identity(errors, data=data)
    _check_routing(errors, resolved, data=data, supplier=supplier)
    foreign = seller_is_foreign(supplier)
    _check_currency_and_vat(errors, data=data, foreign=foreign)
    _check_payment(errors, data=data)
    totals = _check_lines_and_totals(errors, data=data, foreign=foreign)
    resolved.totals = totals
    _check_framework(
        errors,
        resolved,
        data=data,
        supplier=supplier,
        amount_due=totals.amount_due if totals else None,
    )
    _check_portal_forms(errors, resolved, data=data, supplier=supplier)
    _check_seller_vat(errors, data=data, supplier=supplier)
    _check_foreign_seller_vat(errors, data=data, supplier=supplier)
    _check_attachments(errors, data=data, stored_sizes=stored_attachment_sizes)
    _check_duplicate(errors, data=data, supplier=supplier, exclude_id=exclude_invoice_id)
    _resolve_original(resolved, data=data, supplier=supplier)
    return resolved


def raise_if_errors(errors: list[CheckError]) -> None:
    if errors:
        raise InvoiceRejected(errors)
