"""Routing (recipient, service, engagement: reference §5.4), billing frameworks and credit notes."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.identifiers import compact_identifier, validate_siret
from entities.models import PUBLIC_INVOICES_SERVICE
from entities.selectors import public_structure_get_active, service_get, service_is_active
from invoices.lifecycle.statuses import InvoiceStatus
from suppliers.models import IdentifierType
from suppliers.selectors import supplier_structure_find

from ..choices import (
    FRAMEWORKS_WITH_MOE,
    FRAMEWORKS_WITH_VALIDATOR,
    Framework,
    InvoiceKind,
)
from ..data import InvoiceData
from ..errors import CheckError
from ..models import Invoice

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure

from .amounts import is_file_invoice
from .base import ENGAGEMENT_MAX_LENGTH, MARKET_MAX_LENGTH, Resolved

# --- Routing: recipient, service, engagement (reference §5.4) ---------------------------------


def _check_routing(
    errors: list[CheckError], resolved: Resolved, *, data: InvoiceData, supplier: SupplierStructure
) -> None:

    siret = compact_identifier(data.recipient_siret)
    if not siret:
        errors.append(
            CheckError(
                code="CPRO-DESTINATAIRE-REQUIS",
                field="recipient_siret",
                bt="BT-47",
                message=_(
                    "Choisissez le destinataire de la facture dans l'annuaire des structures publiques "
                    "(recherche par nom ou par SIRET)."
                ),
            )
        )
        return
    # The directory is the authority: a structure it holds is the recipient, whatever its
    # identifier looks like (some public bodies are registered under an identifier that is not a
    # well-formed SIRET). The format is only explained when nothing matches.
    recipient = public_structure_get_active(siret=siret)
    if recipient is None:
        try:
            validate_siret(siret)
        except ValidationError as exc:
            errors.append(
                CheckError(
                    code="CPRO-DESTINATAIRE-INCONNU",
                    field="recipient_siret",
                    bt="BT-47",
                    value=siret,
                    message=_("%(reason)s. Choisissez le destinataire dans l'annuaire.")
                    % {"reason": exc.messages[0].rstrip(".")},
                )
            )
            return
        errors.append(
            CheckError(
                code="CPRO-DESTINATAIRE-INCONNU",
                field="recipient_siret",
                bt="BT-47",
                value=siret,
                message=_(
                    "Aucune structure publique active ne porte le SIRET %(siret)s : vérifiez-le ou "
                    "choisissez le destinataire dans l'annuaire."
                )
                % {"siret": siret},
            )
        )
        return
    resolved.recipient = recipient
    code = data.service_code.strip()
    service = None
    if code:
        service = service_get(structure=recipient, code=code)
        if service is None:
            errors.append(
                CheckError(
                    code="CPRO-SERVICE-INCONNU",
                    field="service_code",
                    bt="BT-10",
                    value=code,
                    message=_(
                        "%(name)s n'a pas de service « %(code)s » : choisissez l'un de ses services "
                        "actifs dans la liste."
                    )
                    % {"name": recipient.name, "code": code},
                )
            )
        elif not service_is_active(service=service):
            errors.append(
                CheckError(
                    code="CPRO-SERVICE-INACTIF",
                    field="service_code",
                    bt="BT-10",
                    value=code,
                    message=_(
                        "Le service « %(code)s » de %(name)s n'est plus actif : choisissez l'un de ses "
                        "services actifs, ou demandez à l'acheteur le bon code service."
                    )
                    % {"name": recipient.name, "code": code},
                )
            )
            service = None
        elif service.code == PUBLIC_INVOICES_SERVICE and not supplier.is_public:
            errors.append(
                CheckError(
                    code="CPRO-FACTURES-PUBLIQUES",
                    field="service_code",
                    bt="BT-10",
                    value=code,
                    message=_(
                        "Le service « FACTURES_PUBLIQUES » est réservé aux factures entre structures "
                        "publiques : choisissez le service qui a passé la commande."
                    ),
                )
            )
            service = None
        else:
            resolved.service = service
    elif recipient.service_code_required:
        errors.append(
            CheckError(
                code="CPRO-SERVICE-REQUIS",
                field="service_code",
                bt="BT-10",
                message=_(
                    "%(name)s exige un code service : choisissez le service destinataire dans la "
                    "liste (il figure en général sur le bon de commande)."
                )
                % {"name": recipient.name},
            )
        )
    engagement = data.engagement_number.strip()
    if len(engagement) > ENGAGEMENT_MAX_LENGTH:
        errors.append(
            CheckError(
                code="CPRO-ENGAGEMENT-LONGUEUR",
                field="engagement_number",
                bt="BT-13",
                value=engagement,
                message=_("Le numéro d'engagement ne doit pas dépasser %(n)d caractères.")
                % {"n": ENGAGEMENT_MAX_LENGTH},
            )
        )
    elif not engagement:
        if recipient.engagement_required:
            errors.append(
                CheckError(
                    code="CPRO-ENGAGEMENT-REQUIS",
                    field="engagement_number",
                    bt="BT-13",
                    message=_(
                        "%(name)s exige un numéro d'engagement (bon de commande ou engagement "
                        "juridique) : recopiez celui du bon de commande."
                    )
                    % {"name": recipient.name},
                )
            )
        elif service is not None and service.engagement_required:
            errors.append(
                CheckError(
                    code="CPRO-ENGAGEMENT-REQUIS",
                    field="engagement_number",
                    bt="BT-13",
                    message=_(
                        "Le service « %(code)s » exige un numéro d'engagement (bon de commande ou "
                        "engagement juridique) : recopiez celui du bon de commande."
                    )
                    % {"code": service.code},
                )
            )
        elif recipient.engagement_or_service_required and not code:
            errors.append(
                CheckError(
                    code="CPRO-ENGAGEMENT-OU-SERVICE-REQUIS",
                    field="engagement_number",
                    bt="BT-13",
                    message=_(
                        "%(name)s exige un numéro d'engagement ou un code service : renseignez au moins "
                        "l'un des deux."
                    )
                    % {"name": recipient.name},
                )
            )
    if len(data.market_number.strip()) > MARKET_MAX_LENGTH:
        errors.append(
            CheckError(
                code="CPRO-MARCHE-LONGUEUR",
                field="market_number",
                bt="BT-12",
                value=data.market_number,
                message=_("Le numéro de marché ne doit pas dépasser %(n)d caractères.")
                % {"n": MARKET_MAX_LENGTH},
            )
        )


# --- Frameworks and credit notes --------------------------------------------------------------


def _check_framework(
    errors: list[CheckError],
    resolved: Resolved,
    *,
    data: InvoiceData,
    supplier: SupplierStructure,
    amount_due: Decimal | None,
) -> None:
    moe = data.framework in FRAMEWORKS_WITH_MOE and bool(data.validator_identifier.strip())
    if data.framework in FRAMEWORKS_WITH_VALIDATOR or moe:
        # Reference §1.3 / §5.4: A9 and A12 go through the prime contractor or mandataire.
        # Works drafts (A4…) naming a maître d'œuvre go through it (reference §2); without one
        # they go straight to the maître d'ouvrage.
        if moe:
            role = _("entreprise de maîtrise d'œuvre")
        else:
            role = (
                _("entreprise titulaire (mandataire)")
                if data.framework == Framework.A12
                else _("entreprise titulaire du marché")
            )
        identifier = data.validator_identifier.strip()
        if not identifier:
            errors.append(
                CheckError(
                    code="CPRO-VALIDEUR-REQUIS",
                    field="validator_identifier",
                    message=_(
                        "Ce cadre de facturation passe par la validation de l'%(role)s : indiquez son SIRET."
                    )
                    % {"role": role},
                )
            )
        else:
            validator = supplier_structure_find(identifier_type=IdentifierType.SIRET, identifier=identifier)
            if validator is None:
                errors.append(
                    CheckError(
                        code="CPRO-VALIDEUR-INCONNU",
                        field="validator_identifier",
                        value=identifier,
                        message=_(
                            "Aucune structure active ne porte le SIRET %(siret)s : vérifiez le SIRET de "
                            "l'%(role)s, qui doit avoir un compte sur le portail."
                        )
                        % {"siret": identifier, "role": role},
                    )
                )
            elif validator.pk == supplier.pk:
                errors.append(
                    CheckError(
                        code="CPRO-VALIDEUR-INVALIDE",
                        field="validator_identifier",
                        value=identifier,
                        message=_(
                            "Le valideur doit être une autre structure que la vôtre : indiquez le SIRET "
                            "de l'%(role)s."
                        )
                        % {"role": role},
                    )
                )
            else:
                resolved.validator = validator
    if data.framework == Framework.A2 and amount_due is not None and amount_due != 0:
        errors.append(
            CheckError(
                code="CPRO-A2-NON-PAYEE",
                field="prepaid_amount",
                bt="BT-115",
                value=str(amount_due),
                message=_(
                    "Le cadre A2 est réservé aux factures déjà payées : le montant à payer doit être "
                    "nul. Indiquez le montant déjà payé, ou choisissez le cadre A1."
                ),
            )
        )
    # A credit note that corrects an invoice refers to it specifically and unambiguously
    # (Directive 2006/112/EC art. 219, CGI art. 289 I-1): the form asks for it. EN 16931 makes
    # BT-25 optional, and a credit note may stand alone (a rebate on a period), so a deposited
    # file without it only gets a warning (invoices.intake).
    if (
        data.kind == InvoiceKind.AVOIR
        and not data.original_invoice_number.strip()
        and not is_file_invoice(data)
    ):
        errors.append(
            CheckError(
                code="CPRO-AVOIR-ORIGINE",
                field="original_invoice_number",
                bt="BT-25",
                message=_("Un avoir corrige une facture : indiquez le numéro de la facture d'origine."),
            )
        )


def _resolve_original(resolved: Resolved, *, data: InvoiceData, supplier: SupplierStructure) -> None:
    """Link a credit note to the invoice it corrects when that invoice was sent on the portal.
    An unknown number is accepted: the original may predate the portal or have been on paper."""
    number = data.original_invoice_number.strip()
    if not number:
        return

    resolved.original_invoice = (
        Invoice.objects.filter(supplier=supplier, number=number)
        .exclude(status=InvoiceStatus.BROUILLON)
        .exclude(kind=InvoiceKind.AVOIR)
        .order_by("-invoice_date", "-pk")
        .first()
    )
