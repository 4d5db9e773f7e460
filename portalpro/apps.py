from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalProConfig(AppConfig):
    """Chorus Portal Pro: the online forms sent to the administration (memos of court fees,
    TIC/TICGN refund requests) and accounts of people without a SIRET."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portalpro"
    verbose_name = _("Chorus Portal Pro")
