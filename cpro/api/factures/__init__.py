"""``/cpro/factures/v1/``: deposits, searches, details, history, downloads and status changes.

Each view validates its JSON with its own input serializer, loads the invoice through a selector
scoped to the technical account's structure (another structure's invoice answers exactly like an
unknown id: 400, ``codeRetour`` 20003, "GDP_MSG_11.008 – La demande de paiement est inconnue du
système"), then calls one service of ``invoices`` or ``tracking``.

Split by side: ``supplier`` (its own invoices), ``recipient`` (invoices received by a public
structure), ``validator`` (A9/A12 validation), ``either_side`` (history, downloads), ``deposit``
(``soumettre``, ``deposer/pdf``); what they share is in ``common``.
"""

from __future__ import annotations

from .common import check_errors_to_api, get_invoice, invoice_detail, lifecycle_error
from .deposit import DeposerPdfView, SoumettreView, invoice_data_from_request
from .either_side import ConsulterHistoriqueView, TelechargerGroupeView, download_invoices
from .recipient import ConsulterRecipiendaireView, RechercherRecipiendaireView, TraiterRecueView
from .supplier import (
    CompleterView,
    ConsulterFournisseurView,
    RechercherFournisseurView,
    RecyclerView,
    TraiterRejetView,
)
from .validator import (
    ConsulterValideurView,
    CorrigerValideurView,
    RechercherValideurView,
    StatutsVisiblesValideurView,
    TraiterFactureAValiderView,
)

__all__ = [
    "CompleterView",
    "ConsulterFournisseurView",
    "ConsulterHistoriqueView",
    "ConsulterRecipiendaireView",
    "ConsulterValideurView",
    "CorrigerValideurView",
    "DeposerPdfView",
    "RechercherFournisseurView",
    "RechercherRecipiendaireView",
    "RechercherValideurView",
    "RecyclerView",
    "SoumettreView",
    "StatutsVisiblesValideurView",
    "TelechargerGroupeView",
    "TraiterFactureAValiderView",
    "TraiterRecueView",
    "TraiterRejetView",
    "check_errors_to_api",
    "download_invoices",
    "get_invoice",
    "invoice_data_from_request",
    "invoice_detail",
    "lifecycle_error",
]
