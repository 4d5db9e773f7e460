"""The supplier names another validator for an A9/A12 invoice (``corriger/valideur/facture``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from invoices.lifecycle.statuses import InvoiceStatus

from ..choices import FRAMEWORKS_WITH_VALIDATOR
from ..models import Invoice


class InvalidValidator(Exception):
    """The invoice is not waiting for a validator, or the structure cannot validate it."""


def invoice_validator_correct(*, invoice_id: int, validator: Any, actor: Any) -> Invoice:
    """Replace the validator of an A9/A12 invoice still waiting for validation (A_VALIDER_1): the
    new one finds it in ``rechercher/valideur``; the former one no longer sees it. The supplier
    cannot validate its own invoice (the validator is the prime contractor or the mandataire).
    ``actor`` (who asked) is kept for the audit trail of a later version; none is written today."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None:
            raise InvalidValidator(_("Facture inconnue."))
        if invoice.framework not in FRAMEWORKS_WITH_VALIDATOR:
            raise InvalidValidator(
                _("Seule une facture de sous-traitant (A9) ou de cotraitant (A12) a un valideur.")
            )
        if invoice.status != InvoiceStatus.A_VALIDER_1:
            raise InvalidValidator(
                _(
                    "Le valideur ne peut être corrigé que pour une facture à valider "
                    "(statut actuel : « %(s)s »)."
                )
                % {"s": InvoiceStatus(invoice.status).label}
            )
        if validator.pk == invoice.supplier_id:
            raise InvalidValidator(_("Le fournisseur ne peut pas valider sa propre facture."))
        invoice.validator = validator
        invoice.validator_service_code = ""
        invoice.save(update_fields=["validator", "validator_service_code", "updated_at"])
    return invoice
