"""Currency, VAT regime, payment, lines and totals (BR-CO-10..17), attachments (reference §5.3)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.identifiers import validate_iban

from ..amounts import ZERO, LineAmount, Totals, VatRow, round_cent, vat_category_for
from ..attachments import HEAD_BYTES, attachment_errors, total_size_error
from ..choices import (
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
from .base import _UNIT_CODE, DESIGNATION_MAX_LENGTH, GENERATED_CHANNELS, REFERENCE_MAX_LENGTH
from .seller import iso4217_currencies


def is_file_invoice(data: InvoiceData) -> bool:
    """A deposited file (CII, UBL, Factur-X) is its own legal document: its amounts are the
    seller's, and the EN 16931 layer has already checked their arithmetic (BR-CO-10..17, BR-S-08…,
    with the rounding tolerance the official rules allow). The portal then stores what the file
    declares rather than recomputing it more strictly than EN 16931 does (e.g. without the price
    base quantity BT-149 or the gross price BT-148 of a line)."""
    return data.channel not in GENERATED_CHANNELS and data.declared_total_ttc is not None


# --- Currency, VAT regime, payment ------------------------------------------------------------


def _check_currency_and_vat(errors: list[CheckError], *, data: InvoiceData, foreign: bool = False) -> None:
    """BT-5 is an ISO 4217 code (EN 16931 BR-CL-03). A seller established in France states the
    VAT in euros whatever the invoice currency (CGI annexe II, art. 242 nonies A): the portal
    writes it (BT-111) from the exchange rate of the form or API call, and a file carries it
    itself (BT-6 = EUR and BT-111). A foreign seller is not bound by that rule."""
    if data.currency not in iso4217_currencies():
        errors.append(
            CheckError(
                code="CPRO-DEVISE",
                field="currency",
                bt="BT-5",
                value=data.currency,
                message=_(
                    "La devise %(currency)s n'est pas un code ISO 4217 : choisissez-la dans la liste "
                    "(EUR par défaut)."
                )
                % {"currency": data.currency},
            )
        )
    elif foreign or data.currency == "EUR":
        pass
    elif is_file_invoice(data):
        if data.declared_vat_total_eur is None:
            errors.append(
                CheckError(
                    code="CPRO-TVA-EN-EUROS",
                    field="total_vat",
                    bt="BT-111",
                    value=data.currency,
                    message=_(
                        "Une facture en %(currency)s d'un vendeur établi en France indique aussi le "
                        "montant de la TVA en euros (CGI, annexe II, art. 242 nonies A) : ajoutez "
                        "l'élément TaxCurrencyCode = EUR (BT-6) et un second TaxTotalAmount "
                        'currencyID="EUR" (BT-111) au fichier.'
                    )
                    % {"currency": data.currency},
                )
            )
    elif not (data.exchange_rate and data.exchange_rate > 0):
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


def declared_totals(data: InvoiceData) -> Totals:
    """The totals a file declares (BT-131 per line, BG-23, BT-109..115), falling back on the
    portal's computation for what it leaves out. BT-114 (rounding amount) has no column of its
    own: it is folded into what is already paid, so that BT-115 = BT-112 − BT-113 + BT-114 still
    holds in the stored invoice."""
    computed = data.totals()

    def pick(declared: Decimal | None, fallback: Decimal) -> Decimal:
        return declared if declared is not None else fallback

    lines = tuple(
        LineAmount(
            category=amount.category,
            rate=amount.rate,
            rate_manual=amount.rate_manual,
            net=pick(line.declared_net, amount.net),
        )
        for line, amount in zip(data.lines, computed.lines, strict=True)
    )
    vat_rows = computed.vat_rows
    if data.declared_vat_lines:
        vat_rows = tuple(
            VatRow(
                category=row.category
                or vat_category_for(rate=row.rate, vat_regime=data.vat_regime, declared=""),
                rate=row.rate,
                rate_manual=row.rate_manual,
                base=row.base,
                amount=row.amount,
            )
            for row in data.declared_vat_lines
        )
    total_ht = pick(data.declared_total_ht, computed.total_ht)
    total_vat = pick(data.declared_total_vat, computed.total_vat)
    total_ttc = pick(data.declared_total_ttc, total_ht + total_vat)
    amount_due = pick(data.declared_amount_due, total_ttc - data.global_discount - data.prepaid_amount)
    return Totals(
        lines=lines,
        vat_rows=vat_rows,
        lines_total=sum((line.net for line in lines), ZERO),
        allowances_total=pick(data.declared_allowances_total, computed.allowances_total),
        charges_total=pick(data.declared_charges_total, computed.charges_total),
        total_ht=total_ht,
        total_vat=total_vat,
        total_ttc=total_ttc,
        global_discount=data.global_discount,
        prepaid=total_ttc - data.global_discount - amount_due,
        amount_due=amount_due,
    )


def _check_lines_and_totals(
    errors: list[CheckError], *, data: InvoiceData, foreign: bool = False
) -> Totals | None:
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
    from_file = is_file_invoice(data)
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
        # A zero quantity is valid in EN 16931 (BT-129); the form asks for a real one.
        zero = line.quantity == 0 and not from_file
        if zero or _decimal_places(line.quantity) > 4 or abs(line.quantity) >= 10**15:
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
        # A file's line allowance is derived from BT-131 (see data._line_from_parsed): only the
        # form and the API type it.
        bad_discount = line.discount < 0 or line.discount > gross or _decimal_places(line.discount) > 2
        if not from_file and bad_discount:
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
            errors,
            line_rate=line.vat_rate,
            manual=line.vat_rate_manual,
            field=prefix + "vat_rate",
            n=n,
            foreign=foreign,
            from_file=from_file,
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
        declared = line.declared_net
        if not from_file and declared is not None and sound and declared != line.net_amount():
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
        sound = (
            _check_allowance_charge(errors, item=item, i=i, foreign=foreign, from_file=from_file) and sound
        )
    for name, value, bt in (
        ("global_discount", data.global_discount, "BT-113"),
        ("prepaid_amount", data.prepaid_amount, "BT-113"),
    ):
        # BT-113 may be negative in EN 16931 (an overpayment to refund); the form's global
        # discount and amount already paid are positive amounts typed by the user.
        negative = value < 0 and not (from_file and name == "prepaid_amount")
        if negative or _decimal_places(value) > 2:
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
    if from_file:
        # The file's own figures, already judged by the EN 16931 rules (see is_file_invoice); the
        # sums are checked again as EN 16931 states them (BR-CO-10..15), never more strictly.
        totals = declared_totals(data)
        _check_declared_sums(errors, data=data, totals=totals)
        return totals
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


def _check_allowance_charge(
    errors: list[CheckError],
    *,
    item: AllowanceChargeData,
    i: int,
    foreign: bool = False,
    from_file: bool = False,
) -> bool:
    """A document-level allowance (BG-20) or charge (BG-21): a positive amount in cents and a VAT
    rate the portal accepts (the same French list as the lines). False when its amount cannot be
    used in the totals."""
    prefix = f"allowances_charges-{i}-"
    n = i + 1
    label = _("Frais") if item.is_charge else _("Remise")
    sound = True
    # EN 16931 does not forbid a negative BT-92/BT-99 in a file (a corrective invoice); the form
    # and API ask for a positive amount and the right indicator.
    negative = item.amount < 0 and not from_file
    if negative or _decimal_places(item.amount) > 2 or abs(item.amount) >= 10**13:
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
        foreign=foreign,
        from_file=from_file,
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
    foreign: bool = False,
    from_file: bool = False,
) -> None:
    """The VAT rate of a line, or of a document-level allowance or charge (``subject`` names it).

    A seller established in France invoices at a rate of the CGI (``FRENCH_VAT_RATES``) unless it
    declares a manual rate; a foreign seller at any rate EN 16931 accepts (a percentage, checked
    for its category by BR-S-05, BR-Z-05, BR-E-05…)."""
    subject = subject or _("Ligne %(n)d") % {"n": n}
    if manual or foreign:
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
        advice = (
            _(
                "Corrigez le taux (RateApplicablePercent en CII, cac:Percent en UBL) dans votre "
                "logiciel : un vendeur établi en France facture à un taux du CGI (art. 278 à 281 "
                "nonies, 296, 297)."
            )
            if from_file
            else _("Choisissez-en un, ou déclarez un taux manuel si votre situation l'exige.")
        )
        errors.append(
            CheckError(
                code="CPRO-TAUX-TVA",
                field=field,
                bt=bt,
                value=str(line_rate),
                message=_(
                    "%(subject)s : le taux de TVA %(rate)s %% n'est pas un taux français (%(rates)s %%). "
                )
                % {
                    "subject": subject,
                    "rate": f"{line_rate.normalize():f}".replace(".", ","),
                    "rates": rates,
                }
                + advice,
            )
        )


def _check_declared_sums(errors: list[CheckError], *, data: InvoiceData, totals: Totals) -> None:
    """BR-CO-11, 12, 14, 15 on the file's own items: BT-107 = Σ BT-92, BT-108 = Σ BT-99,
    BT-110 = Σ BT-117, BT-112 = BT-109 + BT-110."""
    allowances = sum((round_cent(i.amount) for i in data.allowances_charges if not i.is_charge), ZERO)
    charges = sum((round_cent(i.amount) for i in data.allowances_charges if i.is_charge), ZERO)
    # BT-109 against the lines (BR-CO-10/13) is left to the EN 16931 layer: an EXTENDED file's
    # sub-lines (BT-X-304) repeat their group line's amount and are not summed.
    expected = {
        "allowances_total": allowances,
        "charges_total": charges,
        "total_ht": totals.total_ht,
        "total_vat": sum((row.amount for row in totals.vat_rows), ZERO),
    }
    expected["total_ttc"] = totals.total_ht + totals.total_vat
    # An EXTENDED file may count in BT-108 charges the portal does not read item by item
    # (logistics service charges): with none read, there is nothing to compare.
    has_allowances = any(not i.is_charge for i in data.allowances_charges)
    has_charges = any(i.is_charge for i in data.allowances_charges)
    from_items = replace(
        totals,
        allowances_total=expected["allowances_total"] if has_allowances else totals.allowances_total,
        charges_total=expected["charges_total"] if has_charges else totals.charges_total,
        total_ht=expected["total_ht"],
        total_vat=expected["total_vat"],
        total_ttc=expected["total_ttc"],
    )
    # BT-115 may carry a rounding amount (BT-114) and the breakdown is checked by BR-S-08/09…
    checked = replace(data, declared_amount_due=None, declared_vat_lines=None)
    _check_declared_totals(errors, data=checked, totals=from_items)


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
