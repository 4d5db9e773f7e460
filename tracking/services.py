"""What buyers, suppliers and validators do to an invoice after its deposit.

Views and the Chorus Pro API (``traiter/recue``, ``completer``, ``recycler``, ``traiterRejet``,
``traiter/factureAValider``) call these functions and nothing else. They do not check who may
see the invoice: callers load it through a selector scoped to the user's structure first (an id
of another structure answers 404 there). A refused status change raises a ``TransitionError``
(API code 20002); bad input raises ``InvalidRequest`` with one French message per field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.formats import format_money
from entities.models import PAYMENT_DELAY_DAYS
from invoices.attachments import HEAD_BYTES, attachment_errors, content_type_for, total_size_error
from invoices.checks import invoice_data_resolve
from invoices.choices import DocumentRole
from invoices.data import invoice_data_from_invoice
from invoices.lifecycle.machine import (
    StatusConflict,
    TransitionError,
    TransitionNotAllowed,
    actor_user,
    invoice_transition,
)
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.payment import due_date_from
from invoices.lifecycle.reasons import REASON_MAX_LENGTH
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document, Invoice

MANDATE_NUMBER_MAX_LENGTH = 50  # Invoice.mandate_number (``numeroDPMandat``)
BULK_MAX = 100  # invoices processed by one bulk action


class InvalidRequest(Exception):
    """Bad input, nothing written. ``errors`` maps a field name to a French message."""

    code = "DEMANDE_INVALIDE"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors
        self.message = " ".join(errors.values())


# --- Buyer -------------------------------------------------------------------------------------


def invoice_buyer_process(
    *,
    invoice_id: int,
    to: str,
    actor: Any,
    comment: str = "",
    reason_code: str = "",
    mandate_number: str = "",
    expected: str | None = None,
) -> StatusEvent:
    """The recipient moves an invoice on (``traiter/recue``): accept (SERVICE_FAIT), suspend or
    reject with a reason, send for recycling, lift a suspension, then MANDATEE (with the mandate
    number), MISE_A_DISPOSITION_COMPTABLE, COMPTABILISEE, MISE_EN_PAIEMENT.

    Only the status and the mandate number can change: a buyer never changes the amounts
    (a wrong amount means a rejection and a new invoice, reference §5.4).
    """
    comment = (comment or "").strip()
    mandate_number = (mandate_number or "").strip()
    if len(mandate_number) > MANDATE_NUMBER_MAX_LENGTH:
        raise InvalidRequest(
            {
                "mandate_number": _("Le numéro de mandat ne doit pas dépasser %(n)d caractères.")
                % {"n": MANDATE_NUMBER_MAX_LENGTH}
            }
        )
    changes: dict[str, Any] = {}
    if to == S.MANDATEE and mandate_number:
        changes["mandate_number"] = mandate_number
    return invoice_transition(
        invoice_id=invoice_id,
        to=to,
        role=ActorRole.BUYER,
        actor=actor,
        comment=comment,
        reason_code=reason_code,
        expected=expected,
        changes=changes,
    )


@dataclass(frozen=True)
class BulkResult:
    invoice_id: int
    number: str
    ok: bool
    message: str = ""


def invoices_buyer_process_bulk(
    *,
    invoices: Sequence[Any],
    to: str,
    actor: Any,
    comment: str = "",
    reason_code: str = "",
) -> list[BulkResult]:
    """Apply the same buyer action to a selection, each invoice in its own transaction: one
    refusal (e.g. an invoice suspended meanwhile) does not undo the others."""
    if len(invoices) > BULK_MAX:
        raise InvalidRequest(
            {"invoices": _("Sélectionnez au plus %(n)d factures à la fois.") % {"n": BULK_MAX}}
        )
    results = []
    for invoice in invoices:
        try:
            invoice_buyer_process(
                invoice_id=invoice.pk,
                to=to,
                actor=actor,
                comment=comment,
                reason_code=reason_code,
                expected=invoice.status,
            )
        except TransitionError as exc:
            results.append(BulkResult(invoice.pk, invoice.number, False, exc.message))
        else:
            results.append(BulkResult(invoice.pk, invoice.number, True))
    return results


# --- Supplier ----------------------------------------------------------------------------------


def _read_attachments(
    attachments: Iterable[Any], *, already_stored: Sequence[int]
) -> list[tuple[str, bytes]]:
    """Read and check the files (Chorus Pro rules of ``invoices.attachments``)."""

    files: list[tuple[str, bytes]] = []
    messages: list[str] = []
    for upload in attachments:
        name = str(getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
        content = upload.read()
        errors = attachment_errors(name=name, size=len(content), head=content[:HEAD_BYTES])
        messages.extend(e.message for e in errors)
        files.append((name, content))
    total = total_size_error([*already_stored, *(len(c) for _n, c in files)])
    if total is not None:
        messages.append(total.message)
    if messages:
        raise InvalidRequest({"attachments": " ".join(messages)})
    return files


def invoice_complete(*, invoice_id: int, actor: Any, comment: str, attachments: Iterable[Any]) -> StatusEvent:
    """The supplier completes a suspended invoice (``completer``): a comment and/or supporting
    documents, then COMPLETEE, back with the recipient; the payment clock restarts.

    ``attachments`` are file objects (``UploadedFile``, or ``ContentFile(data, name=...)`` from
    the API): each is kept byte for byte with its SHA-256, like every document of an invoice.
    """

    comment = (comment or "").strip()
    status, stored_sizes = _status_and_sizes(invoice_id)
    if status != S.SUSPENDUE:
        raise TransitionNotAllowed(
            _("Seule une facture suspendue peut être complétée (statut actuel : « %(status)s »).")
            % {"status": S(status).label}
        )
    files = _read_attachments(attachments, already_stored=stored_sizes)
    errors = {}
    if not comment and not files:
        errors["comment"] = _("Expliquez ce que vous ajoutez ou joignez au moins une pièce justificative.")
    elif len(comment) > REASON_MAX_LENGTH:
        errors["comment"] = _("Le commentaire ne doit pas dépasser %(n)d caractères.") % {
            "n": REASON_MAX_LENGTH
        }
    if errors:
        raise InvalidRequest(errors)
    # Files are written before the transaction (no storage I/O inside it) and removed if the
    # status change is refused, so that nothing is left half done.
    stored = []
    try:
        for name, content in files:
            path = default_storage.save(
                timezone.now().strftime("documents/%Y/%m/") + f"{uuid.uuid4().hex}_{name}",
                ContentFile(content),
            )
            stored.append((path, name, content))
        with transaction.atomic():
            event = invoice_transition(
                invoice_id=invoice_id,
                to=S.COMPLETEE,
                role=ActorRole.SUPPLIER,
                actor=actor,
                comment=comment or _("Pièces justificatives ajoutées."),
                expected=S.SUSPENDUE,
            )

            Document.objects.bulk_create(
                [
                    Document(
                        invoice_id=invoice_id,
                        role=DocumentRole.ATTACHMENT,
                        file=path,
                        name=name,
                        content_type=content_type_for(name),
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=actor_user(actor),
                    )
                    for path, name, content in stored
                ]
            )
            Invoice.objects.filter(pk=invoice_id).update(updated_at=timezone.now())
    except BaseException:
        for path, _name, _content in stored:
            default_storage.delete(path)
        raise
    return event


def _status_and_sizes(invoice_id: int) -> tuple[str, list[int]]:

    status = Invoice.objects.filter(pk=invoice_id).values_list("status", flat=True).first()
    if status is None:
        raise TransitionError(_("Facture inconnue."))
    sizes = list(Document.objects.filter(invoice_id=invoice_id).values_list("size", flat=True))
    return status, sizes


ROUTING_FIELDS = {
    "recipient_siret": "recipient",
    "service_code": "service",
    "engagement_number": "engagement_number",
    "supplier": "recipient",
}


def invoice_recycle(
    *,
    invoice_id: int,
    actor: Any,
    recipient: Any,
    service: Any,
    engagement_number: str,
    comment: str = "",
) -> StatusEvent:
    """The supplier re-routes an invoice sent for recycling (``recycler``): only the recipient,
    its service and the engagement number change; it is sent again with the same number.

    ``recipient`` is a ``PublicStructure`` or its SIRET; ``service`` a ``Service``, its code, or
    empty. The routing checks of a deposit run on the new data (field errors raise
    ``InvalidRequest``). The payment delay runs from the recycling date, when the right
    recipient receives the invoice (Code de la commande publique, art. R.2192-12).
    """

    invoice = (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service", "validator")
        .prefetch_related("lines")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise TransitionError(_("Facture inconnue."))
    if invoice.status != S.A_RECYCLER:
        raise TransitionNotAllowed(
            _("Seule une facture à recycler peut être réacheminée (statut actuel : « %(status)s »).")
            % {"status": S(invoice.status).label}
        )
    siret = getattr(recipient, "siret", recipient) or ""
    code = getattr(service, "code", service) or ""
    data = dataclasses.replace(
        invoice_data_from_invoice(invoice),
        recipient_siret=str(siret),
        service_code=str(code),
        engagement_number=(engagement_number or "").strip(),
    )
    resolved = invoice_data_resolve(
        data=data,
        supplier=invoice.supplier,
        actor=actor,
        exclude_invoice_id=invoice.pk,
    )
    errors: dict[str, str] = {}
    for error in resolved.errors:
        if error.field in ROUTING_FIELDS:
            key = ROUTING_FIELDS[error.field]
            errors[key] = f"{errors[key]} {error.message}" if key in errors else error.message
    if len(comment) > REASON_MAX_LENGTH:
        errors["comment"] = _("Le commentaire ne doit pas dépasser %(n)d caractères.") % {
            "n": REASON_MAX_LENGTH
        }
    if errors:
        raise InvalidRequest(errors)
    new_recipient, new_service = resolved.recipient, resolved.service
    assert new_recipient is not None  # no routing error: the checks found the recipient
    now = timezone.now()
    text = comment.strip() or _("Recyclage vers %(name)s%(service)s.") % {
        "name": new_recipient.name,
        "service": _(", service %(code)s") % {"code": new_service.code} if new_service else "",
    }
    return invoice_transition(
        invoice_id=invoice_id,
        to=S.DEPOSEE,
        role=ActorRole.SUPPLIER,
        actor=actor,
        comment=text[:REASON_MAX_LENGTH],
        expected=S.A_RECYCLER,
        at=now,
        changes={
            "recipient_id": new_recipient.pk,
            "recipient_service_id": new_service.pk if new_service else None,
            "engagement_number": data.engagement_number,
            "due_date": due_date_from(received=now, delay_days=PAYMENT_DELAY_DAYS[new_recipient.category]),
            "paused_days": 0,
            "clock_paused_at": None,
            "downloaded_by_recipient": False,
        },
    )


def invoice_rejection_acknowledge(*, invoice_id: int, actor: Any) -> Any:
    """The supplier acknowledges a rejection (``traiterRejet``): the invoice leaves their work
    list; a corrected invoice must be sent with a new number. Returns the acknowledgement time
    (the first one when already acknowledged)."""

    now = timezone.now()
    updated = Invoice.objects.filter(
        pk=invoice_id, status=S.REJETEE, rejection_acknowledged_at__isnull=True
    ).update(rejection_acknowledged_at=now, updated_at=now)
    if updated:
        return now
    row = Invoice.objects.filter(pk=invoice_id).values_list("status", "rejection_acknowledged_at").first()
    if row is None:
        raise TransitionError(_("Facture inconnue."))
    if row[0] != S.REJETEE:
        raise TransitionNotAllowed(
            _("Seule une facture rejetée peut être traitée comme rejet (statut actuel : « %(status)s »).")
            % {"status": S(row[0]).label}
        )
    return row[1]


# --- Validator (A9 / A12) ----------------------------------------------------------------------


class ValidatorAction:
    """``action`` of ``traiter/factureAValider`` (GOCP ActionFacture)."""

    VALIDATION = "VALIDATION"
    REFUS = "REFUS"


VALIDATOR_TARGETS = {ValidatorAction.VALIDATION: S.VALIDEE_1, ValidatorAction.REFUS: S.REFUSEE_1}
# The maître d'œuvre of a works document (``typeValideur`` MOE): validating transmits it to the
# maître d'ouvrage (reference §1.1 TRANSMISE_MOA), refusing ends it (REFUSEE_MOE).
MOE_TARGETS = {ValidatorAction.VALIDATION: S.TRANSMISE_MOA, ValidatorAction.REFUS: S.REFUSEE_MOE}


# Works (A4…): the maître d'œuvre need not refuse a draft whose amount it does not accept. It
# establishes its progress-payment statement at the amount it validates, which goes to the
# maître d'ouvrage in the billing file; it tells the contractor of any change of the amount to
# pay, and the contractor has 30 days to object, after which it is deemed accepted (Chorus Pro
# community page « MOE : comment gérer les révisions de montants dans les marchés de travaux »,
# as quoted in issue #14 — [V-3p]). The contractor's document keeps its amounts.
MOE_AMOUNT_MAX = Decimal("9999999999999.99")  # Invoice.moe_amount_due: 15 digits, 2 decimals


def invoice_validator_process(
    *,
    invoice_id: int,
    actor: Any,
    action: str,
    comment: str = "",
    validator_type: str = "",
    validated_amount: Decimal | None = None,
) -> StatusEvent:
    """The prime contractor or mandataire validates (then the invoice is routed to the
    recipient) or refuses (reason required) a subcontractor's or co-contractor's invoice; the
    maître d'œuvre does the same for a works document waiting for it (A_VALIDER_MOE).

    ``validated_amount`` (TTC, the amount to pay) is the maître d'œuvre's correction, only with
    a VALIDATION of a document waiting for it: above zero, with a reason when it differs from the
    document's amount due (an equal amount is no correction). It is written by the status
    change's own compare-and-set update, and the history row says « Montant corrigé : X € → Y €
    — motif », which the contractor reads in the history and its notification.
    """
    row = Invoice.objects.filter(pk=invoice_id).values_list("status", "amount_due", "currency").first()
    if row is None:
        raise TransitionError(_("Facture inconnue."))
    status, document_amount, currency = row
    targets = MOE_TARGETS if status == S.A_VALIDER_MOE else VALIDATOR_TARGETS
    # ``typeValideur`` MOE names the maître d'œuvre's step: only a works document waiting for it.
    if (validator_type or "").strip().upper() == "MOE" and status != S.A_VALIDER_MOE:
        raise TransitionNotAllowed(
            _("Ce document n'attend pas la validation du maître d'œuvre (statut : « %(status)s »).")
            % {"status": S(status).label}
        )
    action = (action or "").upper()
    to = targets.get(action)
    if to is None:
        raise TransitionNotAllowed(
            _("L'action « %(action)s » n'est pas possible pour un valideur : choisissez VALIDATION ou REFUS.")
            % {"action": action}
        )
    comment = (comment or "").strip()
    changes: dict[str, Any] = {}
    if validated_amount is not None:
        amount = _moe_validated_amount(validated_amount, status=status, action=action)
        if amount != document_amount:
            comment = _moe_correction_comment(
                before=document_amount, after=amount, currency=currency, reason=comment
            )
            changes["moe_amount_due"] = amount
    return invoice_transition(
        invoice_id=invoice_id,
        to=to,
        role=ActorRole.VALIDATOR,
        actor=actor,
        comment=comment,
        expected=status,
        changes=changes,
    )


def _moe_validated_amount(value: Decimal, *, status: str, action: str) -> Decimal:
    """The MOE's amount, checked: only on its validation, above zero, to the cent."""
    field = "validated_amount"
    if status != S.A_VALIDER_MOE:
        raise InvalidRequest(
            {
                field: _(
                    "Seul le maître d'œuvre, sur un projet de décompte de travaux qui attend sa "
                    "validation, peut indiquer un montant validé."
                )
            }
        )
    if action != ValidatorAction.VALIDATION:
        raise InvalidRequest(
            {field: _("Un montant validé ne s'indique qu'avec une validation : un refus n'en a pas.")}
        )
    if not value.is_finite() or value <= 0:
        raise InvalidRequest({field: _("Le montant validé doit être supérieur à zéro.")})
    if value != value.quantize(Decimal("0.01")):
        raise InvalidRequest({field: _("Le montant validé s'indique au centime près (deux décimales).")})
    if value > MOE_AMOUNT_MAX:
        raise InvalidRequest({field: _("Le montant validé est trop grand.")})
    return value.quantize(Decimal("0.01"))


def _moe_correction_comment(*, before: Decimal, after: Decimal, currency: str, reason: str) -> str:
    """« Montant corrigé : X € → Y € — motif », within the history's 255 characters."""
    head = _("Montant corrigé : %(before)s → %(after)s") % {
        "before": format_money(before, currency),
        "after": format_money(after, currency),
    }
    room = REASON_MAX_LENGTH - len(head) - len(" — ")
    if not reason:
        raise InvalidRequest(
            {"comment": _("Indiquez le motif de la correction du montant : l'entreprise le verra.")}
        )
    if len(reason) > room:
        raise InvalidRequest(
            {"comment": _("Le motif de la correction ne doit pas dépasser %(n)d caractères.") % {"n": room}}
        )
    return f"{head} — {reason}"


def invoices_validator_process_bulk(
    *, invoices: Sequence[Any], actor: Any, action: str, comment: str = ""
) -> list[BulkResult]:
    """The validator (A9/A12, or the maître d'œuvre) validates or refuses a selection with one
    decision: each document through ``invoice_validator_process``, in its own transaction, so
    that one refused change (decided meanwhile by a colleague, tacitly validated) does not undo
    the others. A refusal needs its reason, given once and written on every document (the
    machine requires one per refusal: checked here first rather than failing each document)."""
    if len(invoices) > BULK_MAX:
        raise InvalidRequest(
            {"invoices": _("Sélectionnez au plus %(n)d documents à la fois.") % {"n": BULK_MAX}}
        )
    action = (action or "").strip().upper()
    comment = (comment or "").strip()
    if action not in (ValidatorAction.VALIDATION, ValidatorAction.REFUS):
        raise InvalidRequest({"action": _("Choisissez de valider ou de refuser la sélection.")})
    if action == ValidatorAction.REFUS and not comment:
        raise InvalidRequest(
            {
                "comment": _(
                    "Indiquez le motif du refus : il est appliqué à chaque document sélectionné "
                    "et l'entreprise le lira."
                )
            }
        )
    if len(comment) > REASON_MAX_LENGTH:
        raise InvalidRequest(
            {"comment": _("Le motif ne doit pas dépasser %(n)d caractères.") % {"n": REASON_MAX_LENGTH}}
        )
    results = []
    for invoice in invoices:
        if invoice.status not in (S.A_VALIDER_1, S.A_VALIDER_MOE):
            # Decided meanwhile (a colleague, the tacit validation): say so plainly rather than
            # the machine's "transition not allowed", which would name a status never intended.
            message = _("il n'attend plus votre décision (statut : « %(status)s »)") % {
                "status": S(invoice.status).label
            }
            results.append(BulkResult(invoice.pk, invoice.number, False, message))
            continue
        try:
            invoice_validator_process(invoice_id=invoice.pk, actor=actor, action=action, comment=comment)
        except TransitionError as exc:
            results.append(BulkResult(invoice.pk, invoice.number, False, exc.message))
        else:
            results.append(BulkResult(invoice.pk, invoice.number, True))
    return results


__all__ = [
    "BULK_MAX",
    "MOE_AMOUNT_MAX",
    "MOE_TARGETS",
    "BulkResult",
    "InvalidRequest",
    "StatusConflict",
    "TransitionError",
    "ValidatorAction",
    "invoice_buyer_process",
    "invoice_complete",
    "invoice_recycle",
    "invoice_rejection_acknowledge",
    "invoice_validator_process",
    "invoices_buyer_process_bulk",
    "invoices_validator_process_bulk",
]
