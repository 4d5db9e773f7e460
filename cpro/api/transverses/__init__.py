"""``/cpro/transverses/v1/``: reference lists, the health check, the public-structure directory,
deposit reports (``consulterCR``, ``consulterCRDetaille``) and files (reference §4.2).

Split by subject: ``lists`` (health check, reference lists), ``directory``, ``reports``, ``files``.
"""

from __future__ import annotations

from ..errors import api_exception_handler
from .directory import RechercherDestinataireView, TelechargerAnnuaireView
from .files import AjouterFichierView, TelechargerPieceJointeView
from .lists import (
    CadreFacturationView,
    DevisesView,
    EtatsTraitementView,
    FormatFluxView,
    HealthCheckView,
    ModeDepotView,
    ModeReglementsView,
    MotifsExonerationView,
    PaysView,
    TauxTvaView,
    TypeDpView,
)
from .reports import ConsulterCRDetailleView, ConsulterCRView

__all__ = [
    "AjouterFichierView",
    "CadreFacturationView",
    "ConsulterCRDetailleView",
    "ConsulterCRView",
    "DevisesView",
    "EtatsTraitementView",
    "FormatFluxView",
    "HealthCheckView",
    "ModeDepotView",
    "ModeReglementsView",
    "MotifsExonerationView",
    "PaysView",
    "RechercherDestinataireView",
    "TauxTvaView",
    "TelechargerAnnuaireView",
    "TelechargerPieceJointeView",
    "TypeDpView",
    "api_exception_handler",
]
