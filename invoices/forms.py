"""The entry form ("saisie"): header fields, a formset of lines, attachments.

Fields are optional at the form level so that a draft can be saved half-filled; what an invoice
needs to be sent is decided by ``invoices.checks`` and each error is put back on its field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from common.forms import MultipleFileField
from common.required import refresh_required, required_when, set_required_now

from .attachments import HEAD_BYTES, attachment_errors, total_size_error
from .choices import (
    CURRENCIES,
    DEFAULT_UNIT,
    FRAMEWORKS_WITH_MOE,
    FRAMEWORKS_WITH_VALIDATOR,
    FRENCH_VAT_RATES,
    PAYMENT_MODES_WITH_IBAN,
    UNITS,
    Framework,
    InvoiceKind,
    PaymentMode,
    VatRegime,
)
from .data import AttachmentData, InvoiceData, LineData
from .errors import CheckError

MANUAL_RATE = "MANUEL"
ZERO = Decimal("0")


def _rate_label(rate: Decimal) -> str:
    return f"{rate.normalize():f} %".replace(".", ",")


VAT_RATE_CHOICES = [(f"{rate.normalize():f}", _rate_label(rate)) for rate in FRENCH_VAT_RATES] + [
    (MANUAL_RATE, _("Autre taux"))
]


def currency_choices() -> list[tuple[str, str]]:
    from .checks.seller import iso4217_currencies

    others = sorted(iso4217_currencies() - set(CURRENCIES))
    return [(c, c) for c in (*CURRENCIES, *others)]


class FrenchDecimalField(forms.DecimalField):
    """Accepts "1 234,50" as well as "1234.50" (spaces and no-break spaces are dropped)."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace("\u00a0", "")
        return super().to_python(value)


def _fr(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}".replace(".", ",")


def _decimal(max_digits: int, places: int, **kwargs: Any) -> forms.DecimalField:
    # ``localize``: French users type "12,50"; the field accepts both comma and point.
    return FrenchDecimalField(
        max_digits=max_digits,
        decimal_places=places,
        localize=True,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class InvoiceForm(DsfrBaseForm):
    # Needed to send, not to save a draft: shown with the asterisk of required fields, but left
    # empty without a form error (the checks report them, next to the field, when sending).
    SEND_REQUIRED = ("number", "invoice_date", "recipient_siret")
    use_required_attribute = False

    kind = forms.ChoiceField(
        label=_("Type de pièce"), choices=InvoiceKind.choices, initial=InvoiceKind.FACTURE
    )
    framework = forms.ChoiceField(
        label=_("Cadre de facturation"),
        choices=Framework.choices,
        initial=Framework.A1,
        help_text=_(
            "A1 pour une facture ordinaire ; A2 si elle est déjà payée ; A9 sous-traitant ; A12 cotraitant."
        ),
    )
    number = forms.CharField(
        label=_("Numéro de facture"),
        max_length=60,
        required=False,
        help_text=_("Le numéro de votre facture (BT-1), unique pour l'année."),
    )
    invoice_date = forms.DateField(
        label=_("Date de facture"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    recipient_siret = forms.CharField(
        label=_("Destinataire : SIRET de la structure publique"),
        max_length=20,
        required=False,
        help_text=_("Tapez le nom ou le SIRET du destinataire et choisissez-le dans l'annuaire."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    service_code = forms.CharField(label=_("Code service du destinataire"), max_length=100, required=False)
    engagement_number = forms.CharField(
        label=_("Numéro d'engagement (bon de commande, EJ)"),
        max_length=50,
        required=False,
    )
    market_number = forms.CharField(label=_("Numéro de marché"), max_length=50, required=False)
    validator_identifier = forms.CharField(
        label=_("SIRET du valideur (titulaire ou mandataire)"),
        max_length=20,
        required=False,
        help_text=_(
            "Cadres A9 et A12 : l'entreprise qui valide votre facture avant le destinataire. Projets de "
            "décompte de travaux (A4, A7…) : le SIRET du maître d'œuvre, s'il y en a un ; sans maître "
            "d'œuvre, le document va directement au maître d'ouvrage."
        ),
    )
    validator_service_code = forms.CharField(
        label=_("Code service du valideur"), max_length=100, required=False
    )
    original_invoice_number = forms.CharField(
        label=_("Numéro de la facture d'origine"),
        max_length=60,
        required=False,
        help_text=_("Pour un avoir : la facture qu'il corrige (BT-25)."),
    )
    # Every ISO 4217 currency (EN 16931 BR-CL-03), the usual ones first.
    currency = forms.ChoiceField(label=_("Devise"), choices=currency_choices, initial="EUR")
    exchange_rate = _decimal(14, 6, label=_("Taux de change (valeur en euros d'une unité)"))
    vat_regime = forms.ChoiceField(
        label=_("Régime de TVA"), choices=VatRegime.choices, initial=VatRegime.TVA_SUR_DEBIT
    )
    vat_exemption_reason = forms.CharField(
        label=_("Motif d'exonération de TVA"),
        max_length=255,
        required=False,
        help_text=_("Par exemple : « TVA non applicable, art. 293 B du CGI »."),
    )
    payment_mode = forms.ChoiceField(
        label=_("Mode de paiement"),
        choices=[("", _("— Non précisé —")), *PaymentMode.choices],
        required=False,
        initial=PaymentMode.VIREMENT,
    )
    iban = forms.CharField(
        label=_("IBAN du compte à créditer"),
        max_length=42,
        required=False,
        widget=forms.TextInput(attrs={"list": "iban-list", "autocomplete": "off"}),
    )
    prepaid_amount = _decimal(
        15,
        2,
        label=_("Montant déjà payé (TTC)"),
        min_value=ZERO,
        help_text=_("Acomptes déjà versés. Cadre A2 : la totalité."),
    )
    global_discount = _decimal(15, 2, label=_("Remise globale TTC"), min_value=ZERO)
    global_discount_reason = forms.CharField(
        label=_("Motif de la remise globale"), max_length=255, required=False
    )
    comment = forms.CharField(
        label=_("Commentaire (note de la facture)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_(
            "10 Mo au plus par fichier, 50 caractères au plus pour le nom ; PDF, images, "
            "bureautique, XML, ZIP…"
        ),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = (
            self.data.get(self.add_prefix("service_code"))
            if self.is_bound
            else self.initial.get("service_code")
        ) or ""
        choices = [("", _("— Choisissez un service —")), *(services or [])]
        if current and current not in {code for code, _label in choices}:
            choices.append((current, current))
        self.fields["service_code"].widget = forms.Select(choices=choices)
        for name in self.SEND_REQUIRED:
            self.fields[name].required = True
        # « (Optionnel) » only where the checks (invoices.checks) let the field be empty.
        f = self.fields
        required_when(f["vat_exemption_reason"], controller="vat_regime", values=[VatRegime.EXONERATION])
        required_when(f["exchange_rate"], controller="currency", values=["EUR"], unless=True)
        required_when(
            f["validator_identifier"], controller="framework", values=sorted(FRAMEWORKS_WITH_VALIDATOR)
        )
        required_when(f["original_invoice_number"], controller="kind", values=[InvoiceKind.AVOIR])
        required_when(f["iban"], controller="payment_mode", values=PAYMENT_MODES_WITH_IBAN)
        # These follow the recipient chosen (invoices.checks.routing): set by the view, then by the
        # form's script when another recipient or service is chosen.
        required_when(f["service_code"])
        required_when(f["engagement_number"])
        refresh_required(self)

    def show_recipient_requirements(self, recipient: Any, services: list[Any]) -> None:
        """Label the service code and the engagement number as the recipient's rules require
        (the same rules as ``invoices.checks.routing``)."""
        if recipient is None:
            return
        if self.is_bound:
            code = self.data.get(self.add_prefix("service_code")) or ""
        else:
            code = self.initial.get("service_code") or ""
        service = next((s for s in services if s.code == code), None)
        set_required_now(self, "service_code", bool(recipient.service_code_required))
        set_required_now(
            self,
            "engagement_number",
            bool(recipient.engagement_required or (service is not None and service.engagement_required)),
        )

    def full_clean(self) -> None:
        for name in self.SEND_REQUIRED:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name in self.SEND_REQUIRED:
                self.fields[name].required = True

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_attachments(self) -> list[Any]:
        """Refuse a file from its name, size and first bytes before reading it whole (a 500 MB
        upload is never loaded in memory)."""
        files = self.cleaned_data.get("attachments") or []
        messages = []
        for upload in files:
            head = upload.read(HEAD_BYTES)
            upload.seek(0)
            messages += [e.message for e in attachment_errors(name=upload.name, size=upload.size, head=head)]
        total = total_size_error(upload.size for upload in files)
        if total:
            messages.append(total.message)
        if messages:
            raise forms.ValidationError(messages)
        return files


class LineForm(DsfrBaseForm):
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)
    designation = forms.CharField(label=_("Désignation"), max_length=512)
    quantity = _decimal(19, 4, label=_("Quantité"))
    unit = forms.ChoiceField(label=_("Unité"), choices=UNITS, initial=DEFAULT_UNIT)
    unit_price = _decimal(19, 6, label=_("Prix unitaire HT"))
    discount = _decimal(15, 2, label=_("Remise HT"), min_value=ZERO)
    vat_rate = forms.ChoiceField(label=_("TVA"), choices=VAT_RATE_CHOICES, initial="20")
    vat_rate_other = _decimal(5, 2, label=_("Taux manuel (%)"), min_value=ZERO, max_value=Decimal(100))

    def __init__(self, *args: Any, foreign: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if foreign:
            # A seller established abroad invoices at the rates of its own country: the French
            # list (CGI) is not offered, the rate is typed (invoices.checks.seller).
            self.fields["vat_rate"].choices = [(MANUAL_RATE, _("Taux de TVA de votre pays"))]
            self.fields["vat_rate"].initial = MANUAL_RATE
            if not self.is_bound and self.initial.get("vat_rate") not in (None, MANUAL_RATE):
                self.initial["vat_rate_other"] = _fr(Decimal(self.initial["vat_rate"]))
                self.initial["vat_rate"] = MANUAL_RATE

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Indiquez la quantité."))
        if cleaned.get("unit_price") is None and "unit_price" not in self.errors:
            self.add_error("unit_price", _("Indiquez le prix unitaire HT."))
        if cleaned.get("unit_price") is not None and cleaned["unit_price"] < 0:
            self.add_error(
                "unit_price", _("Le prix unitaire est positif ; une réduction se saisit en remise.")
            )
        if (
            cleaned.get("vat_rate") == MANUAL_RATE
            and cleaned.get("vat_rate_other") is None
            and "vat_rate_other" not in self.errors
        ):
            self.add_error("vat_rate_other", _("Indiquez le taux manuel, en pourcentage."))
        return cleaned

    def line_data(self) -> LineData:
        c = self.cleaned_data
        manual = c["vat_rate"] == MANUAL_RATE
        return LineData(
            reference=c.get("reference", ""),
            designation=c.get("designation", ""),
            quantity=c["quantity"],
            unit=c.get("unit") or DEFAULT_UNIT,
            unit_price=c["unit_price"],
            discount=c.get("discount") or ZERO,
            vat_rate=c["vat_rate_other"] if manual else Decimal(c["vat_rate"]),
            vat_rate_manual=manual,
        )


class BaseLineFormSet(forms.BaseFormSet):
    def initial_form_count(self) -> int:
        # Every posted row is treated alike: a row left empty (or emptied) holds no line, whether
        # it came from the stored draft or was added in the browser, and rows can be renumbered
        # freely by the script that adds and removes them.
        return 0 if self.is_bound else super().initial_form_count()


LineFormSet = formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=False,
    can_delete=True,
    max_num=500,
    validate_max=True,
)


def line_initial(line: Any) -> dict[str, Any]:
    rate = f"{line.vat_rate.normalize():f}"
    manual = line.vat_rate_manual or rate not in {code for code, _label in VAT_RATE_CHOICES}
    return {
        "reference": line.reference,
        "designation": line.designation,
        "quantity": _fr(line.quantity),
        "unit": line.unit or DEFAULT_UNIT,
        "unit_price": _fr(line.unit_price),
        "discount": _fr(line.discount) if line.discount else "",
        "vat_rate": MANUAL_RATE if manual else rate,
        "vat_rate_other": _fr(line.vat_rate) if manual else "",
    }


def invoice_initial(data: InvoiceData) -> dict[str, Any]:
    return {
        "kind": data.kind,
        "framework": data.framework,
        "number": data.number,
        "invoice_date": data.invoice_date,
        "recipient_siret": data.recipient_siret,
        "service_code": data.service_code,
        "engagement_number": data.engagement_number,
        "market_number": data.market_number,
        "validator_identifier": data.validator_identifier,
        "validator_service_code": data.validator_service_code,
        "original_invoice_number": data.original_invoice_number,
        "currency": data.currency,
        "exchange_rate": data.exchange_rate,
        "vat_regime": data.vat_regime,
        "vat_exemption_reason": data.vat_exemption_reason,
        "payment_mode": data.payment_mode,
        "iban": data.iban,
        "prepaid_amount": data.prepaid_amount or None,
        "global_discount": data.global_discount or None,
        "global_discount_reason": data.global_discount_reason,
        "comment": data.comment,
    }


def kept_line_forms(formset: Any) -> list[LineForm]:
    """The line forms that hold a line: neither deleted nor left empty."""
    return [
        form
        for form in formset.forms
        if form.has_changed() and not (formset.can_delete and form.cleaned_data.get("DELETE"))
    ]


def invoice_data_from_forms(
    form: InvoiceForm, formset: Any, attachments: list[Any]
) -> tuple[InvoiceData, list[int]]:
    """``InvoiceData`` from valid forms, and for each of its lines the index of its form (to put
    ``lines-<i>-…`` errors back on the right row)."""
    c = form.cleaned_data
    kept = kept_line_forms(formset)
    data = InvoiceData(
        kind=c["kind"],
        framework=c["framework"],
        number=c["number"],
        invoice_date=c["invoice_date"],
        recipient_siret=c["recipient_siret"],
        service_code=c["service_code"],
        engagement_number=c["engagement_number"],
        market_number=c["market_number"],
        # A9/A12: the validator; works drafts (A4…): their maître d'œuvre, if the contract has one.
        validator_identifier=c["validator_identifier"]
        if c["framework"] in FRAMEWORKS_WITH_VALIDATOR | FRAMEWORKS_WITH_MOE
        else "",
        validator_service_code=(
            c["validator_service_code"]
            if c["framework"] in FRAMEWORKS_WITH_VALIDATOR | FRAMEWORKS_WITH_MOE
            else ""
        ),
        original_invoice_number=c["original_invoice_number"] if c["kind"] == InvoiceKind.AVOIR else "",
        currency=c["currency"],
        exchange_rate=c["exchange_rate"],
        vat_regime=c["vat_regime"],
        vat_exemption_reason=c["vat_exemption_reason"] if c["vat_regime"] == VatRegime.EXONERATION else "",
        payment_mode=c["payment_mode"],
        iban=c["iban"],
        prepaid_amount=c["prepaid_amount"] or ZERO,
        global_discount=c["global_discount"] or ZERO,
        global_discount_reason=c["global_discount_reason"],
        comment=c["comment"],
        lines=[line_form.line_data() for line_form in kept],
        attachments=[
            AttachmentData(name=f.name, content=f.read(), content_type=getattr(f, "content_type", ""))
            for f in attachments
        ],
    )
    return data, [formset.forms.index(line_form) for line_form in kept]


# Where an error whose field is not a form field is shown.
_FIELD_ALIASES = {
    "supplier": None,
    "lines": None,
    "vat_lines": None,
    "total_ht": None,
    "total_vat": None,
    "total_ttc": None,
    "amount_due": "prepaid_amount",
    "kind": "kind",
}


def attach_errors(
    form: InvoiceForm, formset: Any, errors: list[CheckError], line_forms: list[int]
) -> list[CheckError]:
    """Put each check error next to its field; return those that belong to no field."""
    general: list[CheckError] = []
    for error in errors:
        name = error.field
        if name.startswith("lines-"):
            _prefix, index, field_name = name.split("-", 2)
            i = int(index)
            if i < len(line_forms):
                target = formset.forms[line_forms[i]]
                if field_name in target.fields:
                    target.add_error(field_name, error.message)
                    continue
                if field_name == "total_ht":
                    target.add_error("unit_price", error.message)
                    continue
            general.append(error)
            continue
        name = _FIELD_ALIASES.get(name, name)
        if name and name in form.fields:
            form.add_error(name, error.message)
        else:
            general.append(error)
    return general
