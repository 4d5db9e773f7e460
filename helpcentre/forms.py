from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import RequestCategory, RequestStatus
from .services import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH


class SearchForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("Votre question"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Par exemple : facture rejetée code service")}
        ),
    )


class SupportRequestForm(DsfrBaseForm):
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", _("Choisissez une catégorie")), *RequestCategory.choices]
    )
    subject = forms.CharField(label=_("Objet"), max_length=SUBJECT_MAX_LENGTH)
    invoice = forms.CharField(
        label=_("Facture concernée"),
        required=False,
        max_length=60,
        help_text=_("Le numéro de votre facture (par exemple F-2026-0042), cherché parmi vos factures."),
    )
    body = forms.CharField(
        label=_("Votre message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        help_text=_(
            "Facultatif. Moins de 10 Mo, nom de 50 caractères au plus ; "
            "PDF, image, document bureautique, CSV, XML, ZIP…"
        ),
    )


class ReplyForm(DsfrBaseForm):
    body = forms.CharField(
        label=_("Votre réponse"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"), required=False, help_text=_("Facultatif. Moins de 10 Mo.")
    )


class StaffFilterForm(DsfrBaseForm):
    """Filters of the support team's list of requests."""

    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[
            ("", _("À traiter (ouvertes et en cours)")),
            ("TOUTES", _("Toutes")),
            *RequestStatus.choices,
        ],
    )
    categorie = forms.ChoiceField(
        label=_("Catégorie"), required=False, choices=[("", _("Toutes")), *RequestCategory.choices]
    )
    prise_en_charge = forms.ChoiceField(
        label=_("Prise en charge"),
        required=False,
        choices=[("", _("Toutes")), ("moi", _("Par moi")), ("personne", _("Par personne"))],
    )
    q = forms.CharField(
        label=_("Recherche"),
        required=False,
        max_length=100,
        help_text=_("Référence (SOL-…), objet, courriel de l'auteur ou numéro de facture."),
    )


class StaffReplyForm(ReplyForm):
    close = forms.BooleanField(label=_("Clôturer la sollicitation après cette réponse"), required=False)
