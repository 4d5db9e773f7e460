from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EdiKeyForm(forms.Form):
    label = forms.CharField(
        label=_("Libellé"),
        max_length=100,
        required=False,
        help_text=_("Par exemple : serveur de facturation."),
    )
    public_key = forms.CharField(
        label=_("Clé publique SSH"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le contenu du fichier .pub : ssh-ed25519 AAAA… ou ssh-rsa AAAA…"),
    )
