"""Demo data of ``seed_demo`` for the help centre: support requests of the demo supplier and
buyer, some answered by staff. Idempotent: keyed by author and subject."""

from __future__ import annotations

from typing import Any

from . import services as help_services
from .models import SupportRequest

SUPPORT_REQUESTS = [
    # (author key, category, subject, first message, staff reply or "", closed)
    (
        "supplier",
        "REJET",
        "Facture rejetée : code service manquant",
        "Bonjour, ma facture F-2025-0102 adressée à la commune de Beaufort-en-Anjou a été refusée : "
        "le message parle d'un code service obligatoire. Où trouver ce code ?",
        "Bonjour, la commune exige un code service : sa fiche dans l'annuaire liste ses services actifs "
        "(FINANCES, TECHNIQUE). Demandez à votre interlocuteur le service qui a passé la commande, puis "
        "déposez à nouveau la facture avec ce code.",
        False,
    ),
    (
        "supplier",
        "OBLIGATION",
        "Catégorie de mon entreprise",
        "Notre structure apparaît comme PME : nous avons 120 salariés, est-ce correct ?",
        "",
        False,
    ),
    (
        "buyer",
        "DEPOT",
        "Import des factures papier depuis notre logiciel comptable",
        "Quel format de fichier faut-il pour signaler nos factures papier en une fois ?",
        "Un fichier CSV avec une ligne de titres : siret_fournisseur;numero_facture;date_facture;"
        "montant_ttc. Le guide « Signaler les factures reçues sur papier » donne un exemple.",
        True,
    ),
]


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> None:
    admin = users["admin"]
    for author_key, category, subject, body, reply, closed in SUPPORT_REQUESTS:
        author = users[author_key]
        if SupportRequest.objects.filter(author=author, subject=subject).exists():
            continue
        workspace = _Workspace(
            suppliers["acme"] if author_key == "supplier" else entities["beaufort"],
            is_supplier=author_key == "supplier",
        )
        support_request = help_services.support_request_open(
            author=author,
            category=category,
            subject=subject,
            body=body,
            workspace=workspace,
        )
        if reply:
            help_services.support_request_reply(
                support_request=support_request, author=admin, body=reply, as_staff=True
            )
        if closed:
            help_services.support_request_close(support_request=support_request, actor=author)


class _Workspace:
    """The structure a demo author works on (what ``request.workspace`` gives in a view)."""

    def __init__(self, structure: Any, *, is_supplier: bool) -> None:
        self.structure = structure
        self.is_supplier = is_supplier
        self.is_buyer = not is_supplier
