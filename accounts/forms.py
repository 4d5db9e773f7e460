from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: the person's name (shown in status history)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
