"""Forms of the follow-up pages. They type the input; the rules live in ``tracking.services``
(whose ``InvalidRequest`` errors the views put next to each field)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from common.formats import format_money
from common.forms import MultipleFileField
from common.required import refresh_required, required_when, set_required_now
from invoices.choices import FRAMEWORKS_WITH_MOE, FRAMEWORKS_WITH_VALIDATOR, Framework
from invoices.forms import FrenchDecimalField
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
    """The validator's decision. For the maître d'œuvre of a works document (``moe``) it may carry
    the amount it validates; the rules of that amount live in ``invoice_validator_process``."""

    action = forms.ChoiceField(
        label=_("Votre décision"),
        widget=forms.RadioSelect,
        choices=[
            (ValidatorAction.VALIDATION, _("Valider la facture")),
            (ValidatorAction.REFUS, _("Refuser la facture")),
        ],
    )
    validated_amount = FrenchDecimalField(
        label=_("Montant TTC validé (si vous corrigez le montant du projet de décompte)"),
        required=False,
        max_digits=15,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comment = forms.CharField(
        label=_("Motif du refus"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, moe: bool = False, document_amount: Decimal | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.document_amount = document_amount
        if not moe:
            # A9 / A12: the validator approves or refuses, it never changes an amount.
            del self.fields["validated_amount"]
            required_when(self.fields["comment"], controller="action", values=[ValidatorAction.REFUS])
            refresh_required(self)
            return
        amount = self.fields["validated_amount"]
        amount.help_text = _(
            "Montant du projet de décompte : %(amount)s. Laissez vide pour le valider tel quel. Le "
            "maître d'ouvrage paiera le montant que vous validez ; l'entreprise en est informée."
        ) % {"amount": format_money(document_amount)}
        if document_amount is not None:
            amount.widget.attrs["data-document-amount"] = str(document_amount)
        comment = self.fields["comment"]
        comment.label = _("Motif du refus ou de la correction du montant")
        comment.help_text = _("Obligatoire pour refuser ou pour corriger le montant : l'entreprise le verra.")
        # Required for a refusal or a corrected amount: the page's script follows both answers
        # (static/js/validator-form.js), the server states it for the page as rendered.
        required_when(comment)
        comment.widget.attrs["data-required-for-correction"] = ""
        set_required_now(self, "comment", self._reason_required_now())

    def _reason_required_now(self) -> bool:
        if not self.is_bound:
            return False
        if self.data.get(self.add_prefix("action")) == ValidatorAction.REFUS:
            return True
        try:
            raw = self.data.get(self.add_prefix("validated_amount"))
            typed = self.fields["validated_amount"].to_python(raw)
        except forms.ValidationError:
            return False
        return typed is not None and typed != self.document_amount

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
