"""Currency, VAT regime, payment, lines and totals (BR-CO-10..17), attachments (reference §5.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.identifiers import validate_iban

from ..amounts import ZERO, Totals
from ..attachments import HEAD_BYTES, attachment_errors, total_size_error
from ..choices import (
    CURRENCIES,
    FRENCH_VAT_RATES,
    PAYMENT_MODES_WITH_IBAN,
    PaymentMode,
    VatCategory,
    VatRegime,
)
from ..data import AllowanceChargeData, InvoiceData
from ..errors import CheckError

if TYPE_CHECKING:
    pass
from .base import _UNIT_CODE, DESIGNATION_MAX_LENGTH, REFERENCE_MAX_LENGTH

# --- Currency, VAT regime, payment ------------------------------------------------------------


def _check_currency_and_vat(errors: list[CheckError], *, data: InvoiceData) -> None:
    if data.currency not in CURRENCIES:
        errors.append(
            CheckError(
                code="CPRO-DEVISE",
                field="currency",
                bt="BT-5",
                value=data.currency,
                message=_("Choisissez la devise de la facture dans la liste (EUR par défaut)."),
            )
        )
    elif data.currency != "EUR" and not (data.exchange_rate and data.exchange_rate > 0):
        errors.append(
            CheckError(
                code="CPRO-TAUX-CHANGE",
                field="exchange_rate",
                bt="BT-6",
                value=data.currency,
                message=_(
                    "Une facture en %(currency)s doit indiquer son taux de change : la valeur en euros "
                    "d'une unité de %(currency)s à la date de la facture."
                )
                % {"currency": data.currency},
            )
        )
    if data.vat_regime not in VatRegime.values:
        errors.append(
            CheckError(
                code="CPRO-REGIME-TVA",
                field="vat_regime",
                bt="BT-8",
                value=data.vat_regime,
                message=_(
                    "Choisissez le régime de TVA : sur les débits, sur les encaissements ou exonération."
                ),
            )
        )
    elif data.vat_regime == VatRegime.EXONERATION and not data.vat_exemption_reason.strip():
        errors.append(
            CheckError(
                code="CPRO-EXONERATION-MOTIF",
                field="vat_exemption_reason",
                bt="BT-120",
                message=_(
                    "Indiquez le motif d'exonération de TVA (par exemple « TVA non applicable, "
                    "art. 293 B du CGI »)."
                ),
            )
        )


def _check_payment(errors: list[CheckError], *, data: InvoiceData) -> None:

    if data.payment_mode and data.payment_mode not in PaymentMode.values:
        errors.append(
            CheckError(
                code="CPRO-MODE-PAIEMENT",
                field="payment_mode",
                bt="BT-81",
                value=data.payment_mode,
                message=_("Choisissez le mode de paiement dans la liste."),
            )
        )
        return
    if data.payment_mode in PAYMENT_MODES_WITH_IBAN:
        if not data.iban.strip():
            errors.append(
                CheckError(
                    code="CPRO-IBAN-REQUIS",
                    field="iban",
                    bt="BT-84",
                    message=_("Un paiement par virement exige l'IBAN du compte à créditer : indiquez-le."),
                )
            )
            return
        try:
            validate_iban(data.iban)
        except ValidationError as exc:
            errors.append(
                CheckError(
                    code="CPRO-IBAN-INVALIDE",
                    field="iban",
                    bt="BT-84",
                    value=data.iban,
                    message=_("%(reason)s. Recopiez l'IBAN de votre relevé d'identité bancaire (RIB).")
                    % {"reason": exc.messages[0].rstrip(".")},
                )
            )


# --- Lines and totals (BR-CO-10..17) -------------------------------------------------------------


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _check_lines_and_totals(errors: list[CheckError], *, data: InvoiceData) -> Totals | None:
    if not data.lines:
        errors.append(
            CheckError(
                code="CPRO-LIGNES-REQUISES",
                field="lines",
                bt="BG-25",
                message=_("Ajoutez au moins une ligne à la facture (désignation, quantité, prix unitaire)."),
            )
        )
        return None
    sound = True
    exempt = data.vat_regime == VatRegime.EXONERATION
    for i, line in enumerate(data.lines):
        prefix = f"lines-{i}-"
        n = i + 1
        if not line.designation.strip() or len(line.designation) > DESIGNATION_MAX_LENGTH:
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-DESIGNATION",
                    field=prefix + "designation",
                    bt="BT-153",
                    value=line.designation[:80],
                    message=_(
                        "Ligne %(n)d : indiquez la désignation de l'article ou de la prestation "
                        "(%(max)d caractères au plus)."
                    )
                    % {"n": n, "max": DESIGNATION_MAX_LENGTH},
                )
            )
        if len(line.reference) > REFERENCE_MAX_LENGTH:
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-REFERENCE",
                    field=prefix + "reference",
                    bt="BT-155",
                    value=line.reference[:80],
                    message=_("Ligne %(n)d : la référence ne doit pas dépasser %(max)d caractères.")
                    % {"n": n, "max": REFERENCE_MAX_LENGTH},
                )
            )
        if line.quantity == 0 or _decimal_places(line.quantity) > 4 or abs(line.quantity) >= 10**15:
            sound = False
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-QUANTITE",
                    field=prefix + "quantity",
                    bt="BT-129",
                    value=str(line.quantity),
                    message=_(
                        "Ligne %(n)d : la quantité doit être différente de zéro, avec au plus 4 décimales."
                    )
                    % {"n": n},
                )
            )
        if line.unit_price < 0 or _decimal_places(line.unit_price) > 6 or line.unit_price >= 10**13:
            sound = False
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-PRIX",
                    field=prefix + "unit_price",
                    bt="BT-146",
                    value=str(line.unit_price),
                    message=_(
                        "Ligne %(n)d : le prix unitaire HT doit être positif ou nul, avec au plus 6 "
                        "décimales (une réduction se saisit dans la colonne remise)."
                    )
                    % {"n": n},
                )
            )
        if line.unit and not _UNIT_CODE.match(line.unit):
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-UNITE",
                    field=prefix + "unit",
                    bt="BT-130",
                    value=line.unit,
                    message=_("Ligne %(n)d : choisissez l'unité dans la liste.") % {"n": n},
                )
            )
        gross = abs(line.quantity * line.unit_price)
        if line.discount < 0 or line.discount > gross or _decimal_places(line.discount) > 2:
            sound = False
            errors.append(
                CheckError(
                    code="CPRO-LIGNE-REMISE",
                    field=prefix + "discount",
                    bt="BT-136",
                    value=str(line.discount),
                    message=_(
                        "Ligne %(n)d : la remise HT doit être positive, en euros et centimes, et ne "
                        "pas dépasser le montant de la ligne (%(gross)s)."
                    )
                    % {"n": n, "gross": _fmt(gross)},
                )
            )
        _check_line_rate(
            errors, line_rate=line.vat_rate, manual=line.vat_rate_manual, field=prefix + "vat_rate", n=n
        )
        if exempt and line.vat_rate != 0 and line.vat_category in ("", VatCategory.EXEMPT):
            errors.append(
                CheckError(
                    code="CPRO-EXONERATION-TAUX",
                    field=prefix + "vat_rate",
                    bt="BT-152",
                    value=str(line.vat_rate),
                    message=_(
                        "Ligne %(n)d : une facture exonérée de TVA n'a que des lignes à 0 %% : "
                        "corrigez le taux ou le régime de TVA."
                    )
                    % {"n": n},
                )
            )
        if line.declared_net is not None and sound and line.declared_net != line.net_amount():
            errors.append(
                CheckError(
                    code="CPRO-TOTAUX",
                    field=prefix + "total_ht",
                    bt="BT-131",
                    value=str(line.declared_net),
                    message=_(
                        "Ligne %(n)d : le montant HT indiqué (%(declared)s) ne correspond pas à "
                        "quantité × prix unitaire − remise (%(computed)s)."
                    )
                    % {"n": n, "declared": _fmt(line.declared_net), "computed": _fmt(line.net_amount())},
                )
            )
    for i, item in enumerate(data.allowances_charges):
        sound = _check_allowance_charge(errors, item=item, i=i) and sound
    for name, value, bt in (
        ("global_discount", data.global_discount, "BT-113"),
        ("prepaid_amount", data.prepaid_amount, "BT-113"),
    ):
        if value < 0 or _decimal_places(value) > 2:
            sound = False
            errors.append(
                CheckError(
                    code="CPRO-MONTANT-INVALIDE",
                    field=name,
                    bt=bt,
                    value=str(value),
                    message=_("Ce montant doit être positif, en euros et centimes."),
                )
            )
    if not sound:
        return None
    totals = data.totals()
    if totals.total_ttc < 0:
        errors.append(
            CheckError(
                code="CPRO-TOTAL-NEGATIF",
                field="lines",
                bt="BT-112",
                value=str(totals.total_ttc),
                message=_(
                    "Le total TTC est négatif : pour annuler ou réduire une facture, déposez un "
                    "avoir qui la référence."
                ),
            )
        )
    elif totals.amount_due < 0:
        errors.append(
            CheckError(
                code="CPRO-MONTANT-A-PAYER",
                field="prepaid_amount",
                bt="BT-115",
                value=str(totals.amount_due),
                message=_(
                    "La remise globale et le montant déjà payé dépassent le total TTC (%(ttc)s) : "
                    "corrigez-les."
                )
                % {"ttc": _fmt(totals.total_ttc)},
            )
        )
    _check_declared_totals(errors, data=data, totals=totals)
    return totals


def _check_allowance_charge(errors: list[CheckError], *, item: AllowanceChargeData, i: int) -> bool:
    """A document-level allowance (BG-20) or charge (BG-21): a positive amount in cents and a VAT
    rate the portal accepts (the same French list as the lines). False when its amount cannot be
    used in the totals."""
    prefix = f"allowances_charges-{i}-"
    n = i + 1
    label = _("Frais") if item.is_charge else _("Remise")
    sound = True
    if item.amount < 0 or _decimal_places(item.amount) > 2 or item.amount >= 10**13:
        sound = False
        errors.append(
            CheckError(
                code="CPRO-REMISE-FRAIS-MONTANT",
                field=prefix + "amount",
                bt="BT-99" if item.is_charge else "BT-92",
                value=str(item.amount),
                message=_(
                    "%(label)s sur la facture n° %(n)d : le montant HT doit être positif, en euros et "
                    "centimes (une remise se déclare comme remise, pas comme frais négatifs)."
                )
                % {"label": label, "n": n},
            )
        )
    _check_line_rate(
        errors,
        line_rate=item.vat_rate,
        manual=item.vat_rate_manual,
        field=prefix + "vat_rate",
        n=n,
        subject=_("%(label)s sur la facture n° %(n)d") % {"label": label, "n": n},
        bt="BT-103" if item.is_charge else "BT-96",
    )
    return sound


def _check_line_rate(
    errors: list[CheckError],
    *,
    line_rate: Decimal,
    manual: bool,
    field: str,
    n: int,
    subject: str = "",
    bt: str = "BT-152",
) -> None:
    """The VAT rate of a line, or of a document-level allowance or charge (``subject`` names it)."""
    subject = subject or _("Ligne %(n)d") % {"n": n}
    if manual:
        if not (ZERO <= line_rate <= 100) or _decimal_places(line_rate) > 2:
            errors.append(
                CheckError(
                    code="CPRO-TAUX-TVA",
                    field=field,
                    bt=bt,
                    value=str(line_rate),
                    message=_(
                        "%(subject)s : un taux de TVA manuel est un pourcentage entre 0 et 100, avec "
                        "au plus 2 décimales."
                    )
                    % {"subject": subject},
                )
            )
        return
    if line_rate not in FRENCH_VAT_RATES:
        rates = ", ".join(f"{r.normalize():f}".replace(".", ",") for r in FRENCH_VAT_RATES)
        errors.append(
            CheckError(
                code="CPRO-TAUX-TVA",
                field=field,
                bt=bt,
                value=str(line_rate),
                message=_(
                    "%(subject)s : le taux de TVA %(rate)s %% n'est pas un taux français (%(rates)s %%). "
                    "Choisissez-en un, ou déclarez un taux manuel si votre situation l'exige."
                )
                % {
                    "subject": subject,
                    "rate": f"{line_rate.normalize():f}".replace(".", ","),
                    "rates": rates,
                },
            )
        )


def _check_declared_totals(errors: list[CheckError], *, data: InvoiceData, totals: Totals) -> None:
    """What a file or API call declares must be what the portal computes from the lines."""
    for name, declared, computed, bt, label in (
        ("total_ht", data.declared_total_ht, totals.total_ht, "BT-109", _("total HT")),
        (
            "allowances_total",
            data.declared_allowances_total,
            totals.allowances_total,
            "BT-107",
            _("total des remises sur la facture"),
        ),
        (
            "charges_total",
            data.declared_charges_total,
            totals.charges_total,
            "BT-108",
            _("total des frais sur la facture"),
        ),
        ("total_vat", data.declared_total_vat, totals.total_vat, "BT-110", _("total de TVA")),
        ("total_ttc", data.declared_total_ttc, totals.total_ttc, "BT-112", _("total TTC")),
        ("amount_due", data.declared_amount_due, totals.amount_due, "BT-115", _("montant à payer")),
    ):
        if declared is not None and declared != computed:
            errors.append(
                CheckError(
                    code="CPRO-TOTAUX",
                    field=name,
                    bt=bt,
                    value=str(declared),
                    message=_(
                        "Le %(label)s indiqué (%(declared)s) ne correspond pas à celui calculé à partir "
                        "des lignes (%(computed)s) : corrigez les montants."
                    )
                    % {"label": label, "declared": _fmt(declared), "computed": _fmt(computed)},
                )
            )
    if data.declared_vat_lines is None:
        return
    computed_rows = {(r.rate.normalize(), r.base, r.amount) for r in totals.vat_rows}
    declared_rows = {(r.rate.normalize(), r.base, r.amount) for r in data.declared_vat_lines}
    if computed_rows != declared_rows:
        detail = "; ".join(
            f"{r.rate.normalize():f} % : base {_fmt(r.base)}, TVA {_fmt(r.amount)}" for r in totals.vat_rows
        ).replace(".", ",")
        errors.append(
            CheckError(
                code="CPRO-TOTAUX",
                field="vat_lines",
                bt="BG-23",
                value="; ".join(f"{r.rate}/{r.base}/{r.amount}" for r in data.declared_vat_lines),
                message=_(
                    "La ventilation de la TVA indiquée ne correspond pas aux lignes. Attendu : %(detail)s."
                )
                % {"detail": detail},
            )
        )


# --- Attachments (reference §5.3) ----------------------------------------------------------------


def _check_attachments(errors: list[CheckError], *, data: InvoiceData, stored_sizes: tuple[int, ...]) -> None:
    for attachment in data.attachments:
        errors.extend(
            attachment_errors(
                name=attachment.name,
                size=len(attachment.content),
                head=attachment.content[:HEAD_BYTES],
            )
        )
    total = total_size_error([*stored_sizes, *(len(a.content) for a in data.attachments)])
    if total:
        errors.append(total)
