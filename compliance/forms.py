from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from entities.models import PublicCategory

from .models import ComplianceCategory
from .selectors import SUPPLIER_STATES, DashboardFilters

DEPARTMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6]|98[0-9])$")


def _department(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) == 1 and value.isdigit():
        value = "0" + value
    if value and not DEPARTMENT.match(value):
        raise forms.ValidationError(
            _("Département inconnu : indiquez son numéro, par exemple 49, 2A ou 974.")
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(DsfrBaseForm):
    date = forms.DateField(
        label=_("Situation au"),
        required=False,
        widget=DateInput(),
        help_text=_("Par défaut, aujourd'hui. Format : JJ/MM/AAAA."),
    )
    categorie = forms.ChoiceField(
        label=_("Catégorie de fournisseur"),
        required=False,
        choices=[("", _("Toutes les catégories")), *ComplianceCategory.choices],
    )
    departement = forms.CharField(
        label=_("Département"),
        required=False,
        max_length=3,
        help_text=_("Du fournisseur (fournisseurs) ou de la structure (structures publiques)."),
    )
    categorie_structure = forms.ChoiceField(
        label=_("Catégorie de structure publique"),
        required=False,
        choices=[("", _("Toutes les structures publiques")), *PublicCategory.choices],
    )
    statut = forms.ChoiceField(
        label=_("Fournisseurs affichés"),
        required=False,
        choices=[(key, label) for key, (label, _q) in SUPPLIER_STATES.items()],
    )

    def clean_departement(self) -> str:
        return _department(self.cleaned_data.get("departement", ""))

    def clean_date(self) -> date | None:
        value = self.cleaned_data.get("date")
        if value and value < date(2017, 1, 1):
            raise forms.ValidationError(
                _("L'obligation a commencé le 1er janvier 2017 : choisissez une date à partir de celle-ci.")
            )
        return value

    def filters(self) -> DashboardFilters:
        """The filters to apply (today and no filter when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        as_of = data.get("date") or today
        return DashboardFilters(
            as_of=min(as_of, today),
            category=data.get("categorie", ""),
            department=data.get("departement", ""),
            recipient_category=data.get("categorie_structure", ""),
        )

    @property
    def state(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("statut") or "non_conformes"


class StatisticsFilterForm(DsfrBaseForm):
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    categorie_structure = forms.ChoiceField(
        label=_("Catégorie de structure publique"),
        required=False,
        choices=[("", _("Toutes les structures publiques")), *PublicCategory.choices],
    )
    departement = forms.CharField(label=_("Département"), required=False, max_length=3)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years or [timezone.localdate().year]
        self.fields["annee"].choices = [(y, str(y)) for y in self.years]

    def clean_departement(self) -> str:
        return _department(self.cleaned_data.get("departement", ""))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "year": data.get("annee") or self.years[0],
            "category": data.get("categorie_structure", ""),
            "department": data.get("departement", ""),
        }


class IntegerListField(forms.Field):
    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return [int(v) for v in values]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Sélection invalide.")) from None


class ReminderForm(DsfrBaseForm):
    fournisseurs = IntegerListField(
        error_messages={"required": _("Cochez au moins un fournisseur à qui envoyer un rappel.")}
    )
    date = forms.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fournisseurs"].widget = forms.SelectMultiple()


class PaperInvoiceForm(DsfrBaseForm):
    supplier_siret = forms.CharField(
        label=_("SIRET du fournisseur"),
        max_length=20,
        help_text=_("14 chiffres, tels qu'imprimés sur la facture."),
    )
    supplier_name = forms.CharField(label=_("Raison sociale du fournisseur"), max_length=255, required=False)
    number = forms.CharField(label=_("Numéro de la facture"), max_length=60)
    invoice_date = forms.DateField(label=_("Date de la facture"), widget=DateInput())
    amount_ttc = forms.DecimalField(
        label=_("Montant TTC (€)"),
        max_digits=15,
        decimal_places=2,
        localize=True,
        help_text=_("Par exemple 1234,56. Un avoir se saisit en négatif."),
    )


class PaperImportForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Une ligne de titres puis une facture par ligne : siret_fournisseur;numero_facture;"
            "date_facture;montant_ttc (raison_sociale facultative). Séparateur point-virgule ou virgule, "
            "dates au format JJ/MM/AAAA, 5 Mo au plus."
        ),
    )
