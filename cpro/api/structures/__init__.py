"""``/cpro/structures/v1/`` and ``/cpro/utilisateurs/v1/`` (reference §3, §4.2).

Visibility: every active public structure and its services are directory data, visible to any
caller; a supplier structure is visible only to its own technical account (another supplier's
id answers like an unknown one).

Split by subject: ``search``, ``detail``, ``executant_services``, ``memberships``; what they
share (visibility of a structure, addresses, service rows) is in ``common``.
"""

from __future__ import annotations

from .common import resolve_structure, unknown_structure
from .detail import ConsulterStructureView
from .executant_services import ConsulterServiceView, RechercherServicesView
from .memberships import ListerRattachementsUtilisateurView, MonCompteRattachementsView
from .search import RechercherStructuresView

__all__ = [
    "ConsulterServiceView",
    "ConsulterStructureView",
    "ListerRattachementsUtilisateurView",
    "MonCompteRattachementsView",
    "RechercherServicesView",
    "RechercherStructuresView",
    "resolve_structure",
    "unknown_structure",
]
