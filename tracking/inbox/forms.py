"""Forms of the buyer's pages: the search of received invoices, one invoice's processing, and
bulk processing. The amounts are never a field: a buyer cannot change them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from common.required import refresh_required, required_when
from invoices.lifecycle.machine import BUYER_STATUSES
from invoices.lifecycle.reasons import REASON_MAX_LENGTH, ReasonCode
from invoices.lifecycle.statuses import InvoiceStatus as S
from tracking.forms import InvoiceSearchForm
from tracking.services import MANDATE_NUMBER_MAX_LENGTH

from .selectors import SORTS, TO_PROCESS_FILTER, Filters

# The buyer's actions, named as the buyer thinks of them.
ACTION_LABELS = {
    S.SERVICE_FAIT: _("Accepter : service fait"),
    S.SUSPENDUE: _("Suspendre (pièces ou informations manquantes)"),
    S.REJETEE: _("Rejeter (une nouvelle facture sera nécessaire)"),
    S.A_RECYCLER: _("Envoyer au recyclage (mauvais destinataire ou service)"),
    S.MISE_A_DISPOSITION: _("Lever la suspension"),
    S.MANDATEE: _("Mandater (numéro de mandat)"),
    S.MISE_A_DISPOSITION_COMPTABLE: _("Transmettre au comptable"),
    S.COMPTABILISEE: _("Comptabiliser"),
    S.MISE_EN_PAIEMENT: _("Mettre en paiement"),
}
# Bulk actions: those that need nothing specific to each invoice (a mandate number does).
BULK_TARGETS = (
    S.SERVICE_FAIT,
    S.MISE_A_DISPOSITION_COMPTABLE,
    S.COMPTABILISEE,
    S.MISE_EN_PAIEMENT,
    S.SUSPENDUE,
    S.REJETEE,
)
REASON_REQUIRED = (S.SUSPENDUE, S.REJETEE)
SORT_LABELS = {
    "-depot": _("Dépôt le plus récent d'abord"),
    "depot": _("Dépôt le plus ancien d'abord"),
    "-montant": _("Montant décroissant"),
    "montant": _("Montant croissant"),
    "echeance": _("Échéance la plus proche d'abord"),
}


class InboxFilterForm(InvoiceSearchForm):
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[
            ("", _("Tous")),
            (TO_PROCESS_FILTER, _("À traiter (mises à disposition et complétées)")),
            *[(s.value, s.label) for s in BUYER_STATUSES],
        ],
    )
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    fournisseur = forms.CharField(label=_("Fournisseur (nom ou SIRET)"), max_length=100, required=False)
    tri = forms.ChoiceField(label=_("Trier par"), required=False, choices=list(SORT_LABELS.items()))

    field_order = ["statut", "service", "fournisseur", *InvoiceSearchForm.base_fields, "tri"]

    def __init__(self, *args: Any, services: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Tous mes services"))] + [
            (s.pk, f"{s.code} – {s.name}") for s in services
        ]
        if len(services) < 2:
            self.fields["service"].widget = forms.HiddenInput()

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            status=data.get("statut") or "",
            service_id=data.get("service"),
            supplier=(data.get("fournisseur") or "").strip(),
            **self.common_filters(),
        )

    def sort(self) -> str:
        value = self.cleaned_data.get("tri") or "-depot"
        return value if value in SORTS else "-depot"


class _ReasonFields(DsfrBaseForm):
    reason_code = forms.ChoiceField(
        label=_("Motif"),
        required=False,
        choices=[("", _("— Choisir un motif —")), *ReasonCode.choices],
        help_text=_("Obligatoire pour suspendre ou rejeter."),
    )
    comment = forms.CharField(
        label=_("Commentaire pour le fournisseur"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("255 caractères au plus. Pour une suspension, dites précisément ce qui manque."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # « (Optionnel) » follows the action chosen, by the rule that ``_check_reason`` applies.
        required_when(self.fields["reason_code"], controller="to", values=REASON_REQUIRED)
        refresh_required(self)

    def _check_reason(self, data: dict[str, Any], to: str | None) -> None:
        if to in REASON_REQUIRED and not data.get("reason_code"):
            self.add_error(
                "reason_code", _("Choisissez le motif : il est obligatoire pour suspendre ou rejeter.")
            )
        if data.get("reason_code") == ReasonCode.AUTRE and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Précisez le motif « Autre » dans le commentaire."))


class ProcessForm(_ReasonFields):
    to = forms.ChoiceField(label=_("Action"))
    mandate_number = forms.CharField(
        label=_("Numéro de mandat"),
        max_length=MANDATE_NUMBER_MAX_LENGTH,
        required=False,
        help_text=_("Obligatoire pour mandater."),
    )

    field_order = ["to", "reason_code", "comment", "mandate_number"]

    def __init__(self, *args: Any, targets: list[str], status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("— Choisir une action —"))] + [
            (t, ACTION_LABELS.get(t, S(t).label)) for t in targets
        ]
        self.fields["to"].error_messages["invalid_choice"] = _(
            "Cette action n'est pas possible sur une facture au statut « %(status)s » : elle a peut-être "
            "changé entre-temps, vérifiez son historique."
        ) % {"status": S(status).label}
        if S.MANDATEE not in targets:
            del self.fields["mandate_number"]
        else:
            required_when(self.fields["mandate_number"], controller="to", values=[S.MANDATEE])
            refresh_required(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        to = data.get("to")
        self._check_reason(data, to)
        if to == S.MANDATEE and not (data.get("mandate_number") or "").strip():
            self.add_error(
                "mandate_number", _("Indiquez le numéro du mandat (ou de la demande de paiement).")
            )
        return data


class BulkForm(_ReasonFields):
    to = forms.ChoiceField(
        label=_("Action sur la sélection"),
        choices=[("", _("— Choisir une action —"))] + [(t, ACTION_LABELS[t]) for t in BULK_TARGETS],
    )

    field_order = ["to", "reason_code", "comment"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_reason(data, data.get("to"))
        return data
