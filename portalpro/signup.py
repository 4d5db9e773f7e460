"""The sign-up form: « Vous avez un SIRET / Vous n'avez pas de SIRET » (Chorus Portal Pro).

With a SIRET, the account is created alone and the user then creates or joins the structure of
their company. Without one, the account comes with a structure of type ``PARTICULIER`` (name,
address, bank account) from which the person may send the forms open to individuals: the memos
of court fees (``invoices.frameworks``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import SignupForm as AccountSignupForm

HAS_SIRET = "oui"
NO_SIRET = "non"


class SignupForm(AccountSignupForm):
    has_siret = forms.ChoiceField(
        label=_("Votre situation"),
        choices=[(HAS_SIRET, _("Vous avez un SIRET")), (NO_SIRET, _("Vous n'avez pas de SIRET"))],
        widget=forms.RadioSelect,
        required=False,
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    iban = forms.CharField(
        label=_("IBAN du compte à créditer"),
        max_length=42,
        required=False,
        help_text=_("Le compte sur lequel vos mémoires vous seront payés (relevé d'identité bancaire)."),
    )

    NO_SIRET_FIELDS = ("address", "postcode", "city", "iban")
    field_order = [
        "has_siret",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        *NO_SIRET_FIELDS,
    ]

    def clean(self) -> dict[str, Any]:
        from common.identifiers import validate_iban

        cleaned = super().clean()
        if cleaned.get("has_siret") != NO_SIRET:
            return cleaned
        for name in self.NO_SIRET_FIELDS:
            if not (cleaned.get(name) or "").strip():
                self.add_error(
                    name,
                    _(
                        "Sans SIRET, ce champ est obligatoire : il figure sur vos mémoires et sert au "
                        "paiement."
                    ),
                )
        if cleaned.get("iban"):
            try:
                cleaned["iban"] = validate_iban(cleaned["iban"])
            except ValidationError as exc:
                self.add_error("iban", exc.messages[0])
        return cleaned

    def signup(self, request: Any, user: Any) -> None:
        super().signup(request, user)
        if self.cleaned_data.get("has_siret") == NO_SIRET:
            from .services import individual_structure_create

            individual_structure_create(
                user=user,
                address=self.cleaned_data["address"],
                postcode=self.cleaned_data["postcode"],
                city=self.cleaned_data["city"],
                iban=self.cleaned_data["iban"],
            )
