from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import RequestCategory
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
    invoice = forms.IntegerField(
        label=_("Facture concernée"),
        required=False,
        min_value=1,
        help_text=_("Facultatif : l'identifiant de la facture, affiché sur sa page."),
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
