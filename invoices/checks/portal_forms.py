"""Checks of the Chorus Portal Pro forms: memos of court fees (A3) and TIC/TICGN refund requests
(A21), and who may send them (``invoices.frameworks``, the one place of that rule)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..choices import Framework
from ..data import InvoiceData
from ..errors import CheckError
from ..frameworks import framework_refusal, supplier_is_vat_liable
from .base import Resolved

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure


def _check_portal_forms(
    errors: list[CheckError], resolved: Resolved, *, data: InvoiceData, supplier: SupplierStructure
) -> None:
    from entities.models import FormDesk

    refusal = framework_refusal(supplier=supplier, framework=data.framework)
    if refusal is not None:
        errors.append(refusal)
    recipient = resolved.recipient
    if data.framework == Framework.A3:
        # A memo answers a judicial requisition: its reference is the order (numeroBonCommande).
        if not data.engagement_number.strip():
            errors.append(
                CheckError(
                    code="CPRO-A3-REQUISITION",
                    field="engagement_number",
                    bt="BT-13",
                    message=_(
                        "Un mémoire de frais de justice répond à une réquisition judiciaire : indiquez la "
                        "référence de la réquisition (elle figure sur l'ordonnance ou la réquisition reçue)."
                    ),
                )
            )
        if recipient is not None and recipient.form_desk != FormDesk.JUSTICE:
            errors.append(
                CheckError(
                    code="CPRO-A3-DESTINATAIRE",
                    field="recipient_siret",
                    bt="BT-47",
                    value=recipient.siret,
                    message=_(
                        "%(name)s ne reçoit pas de mémoires de frais de justice : choisissez dans l'annuaire "
                        "la juridiction (ou le service du ministère de la Justice) qui vous a requis."
                    )
                    % {"name": recipient.name},
                )
            )
        if not supplier_is_vat_liable(supplier=supplier):
            for index, line in enumerate(data.lines):
                if line.vat_rate != 0:
                    errors.append(
                        CheckError(
                            code="CPRO-A3-TVA",
                            field=f"lines-{index}-vat_rate",
                            bt="BT-152",
                            value=str(line.vat_rate),
                            message=_(
                                "Vous n'êtes pas assujetti à la TVA (votre structure n'a pas de numéro de "
                                "TVA) : la prestation se facture sans TVA, le portail porte lui-même la "
                                "mention « TVA non applicable »."
                            ),
                        )
                    )
    elif data.framework == Framework.A21:
        if recipient is not None and recipient.form_desk != FormDesk.DOUANE:
            errors.append(
                CheckError(
                    code="CPRO-A21-DESTINATAIRE",
                    field="recipient_siret",
                    bt="BT-47",
                    value=recipient.siret,
                    message=_(
                        "%(name)s ne reçoit pas de demandes de remboursement de TIC/TICGN : choisissez "
                        "dans l'annuaire le bureau de douane de votre siège."
                    )
                    % {"name": recipient.name},
                )
            )
        for index, line in enumerate(data.lines):
            if line.vat_rate != 0:
                errors.append(
                    CheckError(
                        code="CPRO-A21-TVA",
                        field=f"lines-{index}-vat_rate",
                        bt="BT-152",
                        value=str(line.vat_rate),
                        message=_(
                            "Un remboursement de TIC/TICGN ne porte pas de TVA : indiquez un taux de 0 % "
                            "sur chaque ligne."
                        ),
                    )
                )
