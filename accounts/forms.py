from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .roles import MEMBER_ROLES, Role


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: the person's name (shown in status history)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


# Member and technical-account forms, shared by supplier and public structures.
class RoleForm(DsfrBaseForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=MEMBER_ROLES, initial=Role.USER)


class TechnicalAccountForm(DsfrBaseForm):
    login = forms.CharField(
        label=_("Identifiant du compte technique"),
        max_length=80,
        required=False,
        help_text=_("Laissez vide pour TECH- suivi de l'identifiant de la structure."),
    )
    validity_days = forms.IntegerField(
        label=_("Durée de validité du mot de passe (jours)"), min_value=1, max_value=730, initial=365
    )


class TechnicalAccountRenewForm(DsfrBaseForm):
    validity_days = forms.IntegerField(
        label=_("Durée de validité du nouveau mot de passe (jours)"), min_value=1, max_value=730, initial=365
    )
