"""Forms of the supplier pages. They only type the input: the rules (SIRET key, VAT key, IBAN…)
are checked by ``suppliers.services``, whose errors the views put next to each field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from common.required import refresh_required, required_when

from .models import IdentifierType
from .services import GENERATED_PREFIX

IDENTIFIER_HELP = _(
    "SIRET : 14 chiffres. Structure européenne : numéro de TVA intracommunautaire (ex. DE136695976). "
    "RIDET : 7 chiffres + 3 chiffres d'établissement. TAHITI : 6 caractères (+ 3 chiffres). "
    "Hors UE : identifiant national. Particulier ou en cours d'immatriculation : laissez vide, le "
    "portail vous attribue un identifiant."
)


class StructureDataForm(DsfrBaseForm):
    name = forms.CharField(label=_("Raison sociale"), max_length=255)
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    address_complement = forms.CharField(label=_("Complément d'adresse"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    country_code = forms.CharField(
        label=_("Code pays"),
        max_length=2,
        required=False,
        initial="FR",
        help_text=_("2 lettres (FR, DE, BE…)"),
    )
    vat_number = forms.CharField(
        label=_("Numéro de TVA intracommunautaire"),
        max_length=20,
        required=False,
        help_text=_("Pour une entreprise française : FR, 2 caractères de clé, puis le SIREN."),
    )
    email = forms.EmailField(label=_("Courriel de contact"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    headcount = forms.IntegerField(
        label=_("Effectif (salariés)"),
        min_value=0,
        required=False,
        help_text=_(
            "Fixe la catégorie d'entreprise (microentreprise, PME, ETI, grande entreprise) et la date "
            "à partir de laquelle la facturation électronique vous est obligatoire."
        ),
    )
    turnover = forms.DecimalField(
        label=_("Chiffre d'affaires annuel (€)"), min_value=0, decimal_places=0, max_digits=15, required=False
    )
    balance_sheet = forms.DecimalField(
        label=_("Total de bilan (€)"), min_value=0, decimal_places=0, max_digits=15, required=False
    )


class StructureCreateForm(StructureDataForm):
    identifier_type = forms.ChoiceField(label=_("Type d'identifiant"), choices=IdentifierType.choices)
    identifier = forms.CharField(
        label=_("Identifiant"), max_length=80, required=False, help_text=IDENTIFIER_HELP
    )

    field_order = ["identifier_type", "identifier", "name"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Only the types for which the portal generates an identifier may leave it empty
        # (suppliers.services.GENERATED_PREFIX): for a SIRET it is required.
        required_when(
            self.fields["identifier"],
            controller="identifier_type",
            values=list(GENERATED_PREFIX),
            unless=True,
        )
        refresh_required(self)


class JoinForm(DsfrBaseForm):
    identifier_type = forms.ChoiceField(label=_("Type d'identifiant"), choices=IdentifierType.choices)
    identifier = forms.CharField(
        label=_("Identifiant de la structure"),
        max_length=80,
        help_text=_("Le SIRET de votre entreprise, ou l'identifiant que vous a communiqué son gestionnaire."),
    )


class BankAccountForm(DsfrBaseForm):
    iban = forms.CharField(
        label=_("IBAN"), max_length=50, help_text=_("Par exemple FR76 3000 6000 0112 3456 7890 189")
    )
    bic = forms.CharField(label=_("BIC"), max_length=15, required=False)
    label = forms.CharField(label=_("Libellé"), max_length=100, required=False)
