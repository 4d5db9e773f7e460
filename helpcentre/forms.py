from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from .models import RequestCategory
from .services import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH


class SearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Votre question",
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Par exemple : facture rejetée code service"}
        ),
    )


class SupportRequestForm(DsfrBaseForm):
    category = forms.ChoiceField(
        label="Catégorie", choices=[("", "Choisissez une catégorie"), *RequestCategory.choices]
    )
    subject = forms.CharField(label="Objet", max_length=SUBJECT_MAX_LENGTH)
    invoice = forms.IntegerField(
        label="Facture concernée",
        required=False,
        min_value=1,
        help_text="Facultatif : l'identifiant de la facture, affiché sur sa page.",
    )
    body = forms.CharField(
        label="Votre message", max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    attachment = forms.FileField(
        label="Pièce jointe",
        required=False,
        help_text=(
            "Facultatif. Moins de 10 Mo, nom de 50 caractères au plus ; "
            "PDF, image, document bureautique, CSV, XML, ZIP…"
        ),
    )


class ReplyForm(DsfrBaseForm):
    body = forms.CharField(
        label="Votre réponse", max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(
        label="Pièce jointe", required=False, help_text="Facultatif. Moins de 10 Mo."
    )
