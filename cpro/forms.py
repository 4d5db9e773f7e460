from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class OAuthApplicationForm(DsfrBaseForm):
    name = forms.CharField(
        label=_("Nom de l'application"),
        max_length=100,
        help_text=_("Par exemple le nom de votre logiciel de gestion (ERP) ou de votre opérateur."),
        error_messages={
            "required": _("Donnez un nom à l'application."),
            "max_length": _("Le nom ne doit pas dépasser 100 caractères."),
        },
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Donnez un nom à l'application."))
        return name


class ApplicationActionForm(DsfrBaseForm):
    action = forms.ChoiceField(
        choices=[
            ("rotate", "rotate"),
            ("deactivate", "deactivate"),
            ("activate", "activate"),
            ("delete", "delete"),
        ]
    )
