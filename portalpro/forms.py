"""Forms of Chorus Portal Pro. They only type the input: the rules (requisition required, who may
send which framework, VAT) are the checks of ``invoices.checks``, shown next to each field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from invoices.choices import FRENCH_VAT_RATES
from invoices.forms import FrenchDecimalField, MultipleFileField

from .models import TicRefundRate

# The tariffed services of a memo (Code de procédure pénale, art. R. 92 et s.): hours of
# interpreting or expertise, translated pages, travel, flat fees; UN/ECE Recommendation 20 units.
MEMO_UNITS = (
    ("HUR", _("heure")),
    ("C62", _("page")),
    ("KMT", _("kilomètre")),
    ("DAY", _("vacation (journée)")),
    ("LS", _("forfait")),
)


def _decimal(label: Any, *, places: int, required: bool = False, **kwargs: Any) -> FrenchDecimalField:
    return FrenchDecimalField(
        label=label,
        max_digits=19,
        decimal_places=places,
        localize=True,
        required=required,
        min_value=Decimal(0),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class MemoForm(DsfrBaseForm):
    recipient_siret = forms.ChoiceField(
        label=_("Juridiction destinataire"),
        help_text=_("La juridiction ou le service du ministère de la Justice qui vous a requis (annuaire)."),
    )
    requisition = forms.CharField(
        label=_("Référence de la réquisition judiciaire"),
        max_length=50,
        required=False,
        help_text=_("Elle figure sur la réquisition ou l'ordonnance qui vous a commis."),
    )
    number = forms.CharField(label=_("Numéro du mémoire"), max_length=60)
    invoice_date = forms.DateField(
        label=_("Date du mémoire"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    iban = forms.ChoiceField(label=_("Compte à créditer (IBAN)"))
    comment = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_(
            "La réquisition elle-même, et tout justificatif (PDF, image…), 10 Mo au plus par fichier."
        ),
    )

    def __init__(self, *args: Any, recipients: list[Any], ibans: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_siret"].choices = [
            ("", _("— Choisissez la juridiction —")),
            *((r.siret, f"{r.name} ({r.siret})") for r in recipients),
        ]
        self.fields["iban"].choices = [(iban, iban) for iban in ibans]
        if not self.is_bound:
            self.initial.setdefault("invoice_date", timezone.localdate())


class MemoLineForm(DsfrBaseForm):
    designation = forms.CharField(label=_("Prestation"), max_length=512)
    quantity = _decimal(_("Quantité"), places=4, required=True)
    unit = forms.ChoiceField(label=_("Unité"), choices=MEMO_UNITS)
    unit_price = _decimal(_("Tarif unitaire HT (€)"), places=6, required=True)
    vat_rate = forms.ChoiceField(
        label=_("TVA (%)"),
        choices=[(f"{r.normalize():f}", f"{r.normalize():f} %".replace(".", ",")) for r in FRENCH_VAT_RATES],
        initial="0",
        required=False,
    )

    def has_changed(self) -> bool:
        # A row holds a service when something was typed in it: the unit and VAT rate lists
        # always carry a value and say nothing by themselves.
        return any(name in self.changed_data for name in ("designation", "quantity", "unit_price"))


MemoLineFormSet = formset_factory(MemoLineForm, extra=3, min_num=1, validate_min=True, max_num=100)


class TicRefundForm(DsfrBaseForm):
    recipient_siret = forms.ChoiceField(label=_("Bureau de douane destinataire"))
    period = forms.ChoiceField(
        label=_("Période de consommation"),
        help_text=_("Les périodes pour lesquelles les taux officiels de remboursement sont publiés."),
    )
    number = forms.CharField(
        label=_("Numéro de la demande"), max_length=60, help_text=_("Votre référence, unique pour l'année.")
    )
    iban = forms.ChoiceField(label=_("Compte à créditer (IBAN)"))
    comment = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_("Les factures de livraison des produits, 10 Mo au plus par fichier."),
    )

    def __init__(
        self,
        *args: Any,
        recipients: list[Any],
        periods: list[Any],
        rates: list[TicRefundRate],
        ibans: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_siret"].choices = [(r.siret, f"{r.name} ({r.siret})") for r in recipients]
        self.fields["period"].choices = [(p.key, f"{p.start:%d/%m/%Y} – {p.end:%d/%m/%Y}") for p in periods]
        self.fields["iban"].choices = [(iban, iban) for iban in ibans]
        self.rates = rates
        for rate in rates:
            self.fields[f"volume_{rate.product}"] = _decimal(
                rate.get_product_display(),
                places=4,
                help_text=_("Volume en %(unit)s ; remboursement officiel : %(rate)s € par %(unit)s")
                % {"unit": rate.unit_label, "rate": f"{rate.rate.normalize():f}".replace(".", ",")},
            )

    def volumes(self) -> dict[str, Decimal]:
        return {
            rate.product: self.cleaned_data[f"volume_{rate.product}"]
            for rate in self.rates
            if self.cleaned_data.get(f"volume_{rate.product}")
        }

    def volume_fields(self) -> list[Any]:
        return [self[f"volume_{rate.product}"] for rate in self.rates]
