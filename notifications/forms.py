"""Forms of the notification preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import NotificationMode


class PreferencesForm(DsfrBaseForm):
    """One choice per structure of the user (rows of ``notifications.selectors.preference_rows``)."""

    def __init__(self, *args: Any, rows: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            help_text = (
                _("Vous êtes gestionnaire principal : vous recevrez toujours les rejets.")
                if row.is_principal
                else ""
            )
            self.fields[row.key] = forms.ChoiceField(
                label=row.structure.name,
                choices=NotificationMode.choices,
                initial=row.mode,
                widget=forms.RadioSelect,
                help_text=help_text,
            )
