"""Forms of the directory and of the buyer pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accounts.roles import MEMBER_ROLES, Role


class DirectorySearchForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("SIRET ou nom de la structure"),
        max_length=120,
        required=False,
        help_text=_("Par exemple 21490244700017, ou « Beaufort »"),
    )
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)


class AttachForm(DsfrBaseForm):
    siret = forms.CharField(
        label=_("SIRET de la structure publique"),
        max_length=20,
        help_text=_("Vous le trouverez dans l'annuaire des destinataires."),
    )


class ServiceCodesField(forms.CharField):
    """Service codes separated by commas or spaces (structures may have thousands of services:
    a text field stays usable where a list of checkboxes would not)."""

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value)
        return [code for code in text.replace(",", " ").replace(";", " ").split() if code]


SERVICES_HELP = _(
    "Codes des services, séparés par des virgules. Laissez vide pour donner accès à tous les services."
)


class BuyerApproveForm(DsfrBaseForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=MEMBER_ROLES, initial=Role.USER)
    services = ServiceCodesField(label=_("Restreindre aux services"), required=False, help_text=SERVICES_HELP)


class BuyerServicesForm(DsfrBaseForm):
    services = ServiceCodesField(label=_("Services accessibles"), required=False, help_text=SERVICES_HELP)
