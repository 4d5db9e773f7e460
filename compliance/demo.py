"""Demo data of ``seed_demo`` for the compliance dashboard and the help centre: paper invoices
received by the demo public structures, support requests, then the summary tables.

Idempotent: paper invoices are keyed by their unique business key, support requests by author
and subject; running it again changes nothing but the refresh time of the summaries.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .aggregates import statistics_refresh
from .models import PaperInvoice, PaperSource

# (recipient, supplier SIRET, supplier name, number, invoice date, amount TTC)
# ACME Fournitures is a PME: obliged from 1 January 2019. Its 2018 paper invoices were still
# allowed; those of February 2019 are not (the dashboard as of 1 March 2019 lists it).
ACME_SIRET = "81234567600017"
GARAGE_SIRET = "83147592600018"
PRINTER_SIRET = "90215733800010"


def _paper_rows(today: date) -> list[tuple[str, str, str, str, date, Decimal]]:
    recent = date(today.year, today.month, 1) - timedelta(days=20)
    return [
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2018-0412", date(2018, 10, 12), Decimal("845.40")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2018-0587", date(2018, 12, 3), Decimal("1290.00")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2019-0031", date(2019, 2, 5), Decimal("612.00")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", "F-2019-0058", date(2019, 2, 19), Decimal("2304.60")),
        ("quimper", ACME_SIRET, "ACME Fournitures", "F-2019-0064", date(2019, 2, 26), Decimal("498.00")),
        ("beaufort", ACME_SIRET, "ACME Fournitures", f"F-{recent.year}-0907", recent, Decimal("1120.80")),
        ("quimper", GARAGE_SIRET, "Garage du Steir", "2024-118", date(2024, 6, 14), Decimal("356.52")),
        (
            "quimper",
            GARAGE_SIRET,
            "Garage du Steir",
            f"{recent.year}-041",
            recent - timedelta(days=9),
            Decimal("212.40"),
        ),
        (
            "ddfip",
            PRINTER_SIRET,
            "Imprimerie de l'Odet",
            "IMP-5521",
            recent - timedelta(days=3),
            Decimal("1875.00"),
        ),
    ]


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
    today = timezone.localdate()
    with transaction.atomic():
        for key, siret, name, number, day, amount in _paper_rows(today):
            recipient = entities[key]
            PaperInvoice.objects.get_or_create(
                recipient=recipient,
                supplier_siret=siret,
                number=number,
                invoice_date=day,
                defaults={
                    "supplier_name": name,
                    "amount_ttc": amount,
                    "source": PaperSource.DEMO,
                    "recorded_by": users["buyer"] if key == "beaufort" else None,
                    "supplier": suppliers["acme"] if siret == ACME_SIRET else None,
                },
            )
    _seed_support_requests(users=users, suppliers=suppliers, entities=entities)
    # The dashboard and the statistics read summary tables: fill them now rather than at night.
    statistics_refresh(full=True)


def _seed_support_requests(
    *, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]
) -> None:
    from helpcentre import services as help_services
    from helpcentre.models import SupportRequest

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
