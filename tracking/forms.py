"""Forms of the follow-up pages. They type the input; the rules live in ``tracking.services``
(whose ``InvalidRequest`` errors the views put next to each field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from common.forms import MultipleFileField
from common.required import refresh_required, required_when
from invoices.choices import FRAMEWORKS_WITH_MOE, FRAMEWORKS_WITH_VALIDATOR, Framework
from invoices.lifecycle.reasons import REASON_MAX_LENGTH
from invoices.lifecycle.statuses import InvoiceStatus
from tracking.inbox.selectors import Filters

from .selectors import (
    SUPPLIER_ACTION_STATUSES,
    TAB_ALL,
    TAB_PROCESSED,
    TAB_TO_PROCESS,
    ValidatorFilters,
)
from .services import ValidatorAction


class CompleteForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Votre réponse au destinataire"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("255 caractères au plus. Dites ce que vous ajoutez ou corrigez."),
    )
    attachments = MultipleFileField(
        label=_("Pièces justificatives"),
        required=False,
        help_text=_(
            "Plusieurs fichiers possibles, chacun de moins de 10 Mo, nom de 50 caractères au plus "
            "(PDF, images, documents bureautiques, archives ZIP…)."
        ),
    )


class RecycleForm(DsfrBaseForm):
    recipient_siret = forms.CharField(
        label=_("SIRET du destinataire"),
        max_length=20,
        help_text=_("14 chiffres : trouvez-le dans l'annuaire des structures publiques."),
    )
    service_code = forms.CharField(
        label=_("Code service"),
        max_length=100,
        required=False,
        help_text=_("Obligatoire si le destinataire l'exige."),
    )
    engagement_number = forms.CharField(
        label=_("Numéro d'engagement (bon de commande)"),
        max_length=50,
        required=False,
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ValidatorForm(DsfrBaseForm):
    action = forms.ChoiceField(
        label=_("Votre décision"),
        widget=forms.RadioSelect,
        choices=[
            (ValidatorAction.VALIDATION, _("Valider la facture")),
            (ValidatorAction.REFUS, _("Refuser la facture")),
        ],
    )
    comment = forms.CharField(
        label=_("Motif du refus"),
        help_text=_(
            "Maître d'œuvre qui valide en corrigeant les montants : indiquez ici la correction et son "
            "motif, que l'entreprise verra."
        ),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The motive is required for a refusal (``clean`` below), optional for a validation.
        required_when(self.fields["comment"], controller="action", values=[ValidatorAction.REFUS])
        refresh_required(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == ValidatorAction.REFUS and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Indiquez le motif du refus : le fournisseur en a besoin."))
        return data


# The frameworks a validator receives: A9/A12 (prime contractor, mandataire) and the works
# documents of the maître d'œuvre, in the official order.
VALIDATOR_FRAMEWORKS = [f for f in Framework if f in FRAMEWORKS_WITH_VALIDATOR | FRAMEWORKS_WITH_MOE]


class ValidatorFilterForm(DsfrBaseForm):
    """The validator's dashboard: its tab (``onglet``, a hidden field kept by the tab links) and
    the search criteria. Typed here; the query is ``tracking.selectors.validator_invoices``."""

    onglet = forms.ChoiceField(
        required=False,
        choices=[(TAB_TO_PROCESS, _("À traiter")), (TAB_PROCESSED, _("Traités")), (TAB_ALL, _("Tous"))],
        widget=forms.HiddenInput,
    )
    fournisseur = forms.CharField(
        label=_("Titulaire (nom ou SIRET)"),
        max_length=100,
        required=False,
        help_text=_("Une partie du nom, ou le début du SIRET."),
    )
    marche = forms.CharField(label=_("Numéro de marché ou d'engagement"), max_length=50, required=False)
    cadre = forms.ChoiceField(
        label=_("Cadre de facturation"),
        required=False,
        choices=[("", _("Tous les cadres")), *[(f.value, f.label) for f in VALIDATOR_FRAMEWORKS]],
    )
    numero = forms.CharField(
        label=_("Numéro de facture"),
        max_length=60,
        required=False,
        help_text=_("Le numéro ou une partie."),
    )
    hors_delai = forms.BooleanField(
        label=_("Seulement les documents au délai dépassé (maître d'œuvre)"), required=False
    )

    def tab(self) -> str:
        return (self.cleaned_data.get("onglet") if self.is_bound else "") or TAB_TO_PROCESS

    def filters(self) -> ValidatorFilters:
        if not self.is_bound:
            return ValidatorFilters()
        data = self.cleaned_data
        return ValidatorFilters(
            tab=self.tab(),
            supplier=(data.get("fournisseur") or "").strip(),
            contract=(data.get("marche") or "").strip(),
            framework=data.get("cadre") or "",
            overdue=bool(data.get("hors_delai")),
            number=(data.get("numero") or "").strip(),
        )


class ValidatorBulkForm(DsfrBaseForm):
    """The decision on the documents ticked in the validator's list: the pressed button gives
    ``action``; the reason of a refusal is checked by ``invoices_validator_process_bulk``."""

    action = forms.ChoiceField(
        choices=[
            (ValidatorAction.VALIDATION, _("Valider la sélection")),
            (ValidatorAction.REFUS, _("Refuser la sélection")),
        ],
        error_messages={"required": _("Choisissez de valider ou de refuser la sélection.")},
    )
    comment = forms.CharField(
        label=_("Motif du refus"),
        help_text=_("Obligatoire pour refuser : il est écrit sur chaque document refusé."),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


ACTION_REQUIRED = "ACTION_REQUISE"


class InvoiceSearchForm(DsfrBaseForm):
    """The criteria shared by the buyer's received invoices and the supplier's sent invoices."""

    depose_du = forms.DateField(
        label=_("Déposée du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    depose_au = forms.DateField(
        label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    montant_min = forms.DecimalField(
        label=_("Montant TTC minimum (€)"),
        required=False,
        min_value=0,
        max_digits=15,
        decimal_places=2,
        localize=True,
    )
    montant_max = forms.DecimalField(
        label=_("Montant TTC maximum (€)"),
        required=False,
        min_value=0,
        max_digits=15,
        decimal_places=2,
        localize=True,
    )
    numero = forms.CharField(
        label=_("Numéro de facture"),
        max_length=60,
        required=False,
        help_text=_("Le numéro exact ou son début."),
    )
    engagement = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False)
    en_retard = forms.BooleanField(label=_("Seulement les factures en retard de paiement"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("depose_du"), data.get("depose_au")
        if start and end and start > end:
            self.add_error(
                "depose_au", _("La date de fin doit être postérieure ou égale à la date de début.")
            )
        low, high = data.get("montant_min"), data.get("montant_max")
        if low is not None and high is not None and low > high:
            self.add_error("montant_max", _("Le montant maximum doit être supérieur ou égal au minimum."))
        return data

    def common_filters(self) -> dict[str, Any]:
        """The ``Filters`` arguments of the shared criteria."""
        data = self.cleaned_data
        return {
            "deposited_from": data.get("depose_du"),
            "deposited_to": data.get("depose_au"),
            "amount_min": data.get("montant_min"),
            "amount_max": data.get("montant_max"),
            "number": (data.get("numero") or "").strip(),
            "engagement": (data.get("engagement") or "").strip(),
            "overdue": bool(data.get("en_retard")),
        }


class SentFilterForm(InvoiceSearchForm):
    """The search of the supplier's sent invoices (the same criteria as the buyer's)."""

    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[
            ("", _("Tous")),
            (ACTION_REQUIRED, _("Action requise (suspendues, à recycler, rejetées)")),
            *[(s.value, s.label) for s in InvoiceStatus if s != InvoiceStatus.BROUILLON],
        ],
    )
    destinataire = forms.CharField(label=_("Destinataire (nom ou SIRET)"), max_length=100, required=False)

    field_order = ["statut", "destinataire"]

    def filters(self) -> Any:

        status = self.cleaned_data.get("statut") or ""
        return Filters(
            status="" if status == ACTION_REQUIRED else status,
            statuses=SUPPLIER_ACTION_STATUSES if status == ACTION_REQUIRED else (),
            recipient=(self.cleaned_data.get("destinataire") or "").strip(),
            **self.common_filters(),
        )
