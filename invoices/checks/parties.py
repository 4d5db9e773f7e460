"""Who sends (supplier structure, user or technical account), the number and date, and the duplicate
control (reference §5.4)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TechnicalAccount
from invoices.lifecycle.statuses import InvoiceStatus
from suppliers.selectors import user_can_send_invoices

from ..choices import (
    Framework,
    InvoiceKind,
    VatCategory,
)
from ..data import InvoiceData
from ..errors import CheckError
from ..models import Invoice

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure

from .base import EARLIEST_INVOICE_DATE, GENERATED_CHANNELS, NUMBER_MAX_LENGTH

# --- Who sends --------------------------------------------------------------------------------


def supplier_actor_errors(*, supplier: SupplierStructure, actor: Any) -> list[CheckError]:
    """The supplier structure is active and ``actor`` may send for it (a user member of it, or
    its own active technical account; ``None`` is the system)."""
    errors: list[CheckError] = []
    _check_supplier(errors, supplier=supplier, actor=actor)
    return errors


def _check_supplier(errors: list[CheckError], *, supplier: SupplierStructure, actor: Any) -> None:
    if not supplier.active:
        errors.append(
            CheckError(
                code="CPRO-FOURNISSEUR-INACTIF",
                field="supplier",
                bt="BT-30",
                value=supplier.identifier,
                message=_(
                    "La structure %(name)s est désactivée : elle ne peut plus déposer de factures. "
                    "Contactez son gestionnaire principal."
                )
                % {"name": supplier.name},
            )
        )
        return
    if actor is None:
        return  # the system (worker re-check, demo data)

    # An API call acts as its technical account: the account itself (deposits) or the actor of
    # the status history that carries it (``cpro.api.auth.ApiActor``: recycler).
    account = actor if isinstance(actor, TechnicalAccount) else getattr(actor, "technical_account", None)
    if isinstance(account, TechnicalAccount):
        allowed = account.active and account.supplier_structure_id == supplier.pk
    else:
        allowed = user_can_send_invoices(user=actor, structure=supplier)
    if not allowed:
        errors.append(
            CheckError(
                code="CPRO-DROIT-ENVOI",
                field="supplier",
                value=supplier.identifier,
                message=_(
                    "Vous n'êtes pas habilité à déposer des factures pour %(name)s : demandez votre "
                    "rattachement à la structure à son gestionnaire."
                )
                % {"name": supplier.name},
            )
        )


# --- Number, date, type -----------------------------------------------------------------------


def _check_identity(errors: list[CheckError], *, data: InvoiceData) -> None:
    if data.kind not in InvoiceKind.values:
        errors.append(
            CheckError(
                code="CPRO-TYPE-FACTURE",
                field="kind",
                bt="BT-3",
                value=data.kind,
                message=_("Choisissez le type de la pièce : facture, avoir ou facture d'acompte."),
            )
        )
    if data.framework not in Framework.values:
        errors.append(
            CheckError(
                code="CPRO-CADRE",
                field="framework",
                value=data.framework,
                message=_("Choisissez un cadre de facturation de la liste (A1 à A25)."),
            )
        )
    number = data.number.strip()
    if not number:
        errors.append(
            CheckError(
                code="CPRO-NUMERO-REQUIS",
                field="number",
                bt="BT-1",
                message=_("Indiquez le numéro de la facture, tel qu'il figure dans votre comptabilité."),
            )
        )
    elif len(number) > NUMBER_MAX_LENGTH:
        errors.append(
            CheckError(
                code="CPRO-NUMERO-LONGUEUR",
                field="number",
                bt="BT-1",
                value=number,
                message=_("Le numéro de facture ne doit pas dépasser %(n)d caractères.")
                % {"n": NUMBER_MAX_LENGTH},
            )
        )
    if data.invoice_date is None:
        errors.append(
            CheckError(
                code="CPRO-DATE-REQUISE",
                field="invoice_date",
                bt="BT-2",
                message=_("Indiquez la date de la facture."),
            )
        )
    else:
        today = timezone.localdate()
        if data.invoice_date > today:
            errors.append(
                CheckError(
                    code="CPRO-DATE-FUTURE",
                    field="invoice_date",
                    bt="BT-2",
                    value=data.invoice_date.isoformat(),
                    message=_(
                        "La date de facture (%(date)s) est postérieure à aujourd'hui : une facture ne "
                        "peut pas être déposée avant d'être émise. Corrigez la date."
                    )
                    % {"date": data.invoice_date.strftime("%d/%m/%Y")},
                )
            )
        elif data.invoice_date < EARLIEST_INVOICE_DATE:
            errors.append(
                CheckError(
                    code="CPRO-DATE-INVALIDE",
                    field="invoice_date",
                    bt="BT-2",
                    value=data.invoice_date.isoformat(),
                    message=_("La date de facture (%(date)s) n'est pas plausible : vérifiez l'année.")
                    % {"date": data.invoice_date.strftime("%d/%m/%Y")},
                )
            )


# --- Duplicates (reference §5.4) ----------------------------------------------------------------


def _check_duplicate(
    errors: list[CheckError], *, data: InvoiceData, supplier: SupplierStructure, exclude_id: int | None
) -> None:
    """Same supplier, same number, same invoice year: a duplicate. The database constraint
    ``invoice_number_unique_per_supplier_year`` settles races; this gives the message first."""
    number = data.number.strip()
    if not number or data.invoice_date is None:
        return

    existing = Invoice.objects.filter(
        supplier=supplier, number=number, invoice_year=data.invoice_date.year
    ).exclude(status=InvoiceStatus.BROUILLON)
    if exclude_id is not None:
        existing = existing.exclude(pk=exclude_id)
    found = existing.values_list("pk", "deposited_at").first()
    if found:
        errors.append(duplicate_error(number=number, year=data.invoice_date.year, deposited_at=found[1]))


def duplicate_error(*, number: str, year: int, deposited_at: dt.datetime | None = None) -> CheckError:
    when = ""
    if deposited_at:
        when = _(" le %(date)s") % {"date": timezone.localtime(deposited_at).strftime("%d/%m/%Y")}
    return CheckError(
        code="CPRO-DOUBLON",
        field="number",
        bt="BT-1",
        value=number,
        message=_(
            "Vous avez déjà déposé une facture n° %(number)s en %(year)d%(when)s : c'est un doublon. "
            "Si c'est une nouvelle facture, donnez-lui un nouveau numéro."
        )
        % {"number": number, "year": year, "when": when},
    )


def _check_seller_vat(errors: list[CheckError], *, data: InvoiceData, supplier: SupplierStructure) -> None:
    """An invoice the portal writes itself states the seller's VAT number (BT-31), unless it is
    wholly « not subject to VAT » (category O: a memo of a collaborator not liable to VAT, a tax
    refund), which carries none (BR-O-02)."""
    if data.lines and all(line.vat_category == VatCategory.NOT_SUBJECT for line in data.lines):
        return
    if data.channel in GENERATED_CHANNELS and not (data.seller_vat_number or supplier.vat_number):
        errors.append(
            CheckError(
                code="CPRO-TVA-VENDEUR",
                field="supplier",
                bt="BT-31",
                message=_(
                    "Votre structure n'a pas de numéro de TVA intracommunautaire : un gestionnaire doit "
                    "le renseigner dans la fiche de la structure avant l'envoi (il figure sur toute "
                    "facture soumise à la TVA, règle EN 16931 BR-S-02)."
                ),
            )
        )
