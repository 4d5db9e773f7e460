"""CSV exports of every table of the dashboard and the statistics, streamed row by row.

French Excel opens a CSV correctly when it starts with a UTF-8 byte order mark and uses ";" as
separator and "," as decimal mark: that is what these files use.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from common.formats import format_decimal
from entities.models import PublicCategory

from . import selectors
from .models import DelayMeasure, PaperInvoice
from .selectors import DashboardFilters

BOM = "\ufeff"


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else (value.strftime("%d/%m/%Y %H:%M"))
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        # The portal's one formatter, without grouping so that spreadsheets read a number:
        # "4,50", never "4,500000" (a Decimal's storage precision) nor "4,5".
        return format_decimal(value, min_places=2, max_places=6, grouping=False)
    return str(value)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class Export:
    title: str
    header: tuple[str, ...]
    rows: Callable[[dict[str, Any]], Iterable[Sequence[Any]]]
    # "dashboard" exports take the dashboard filters, "stats" ones the statistics parameters.
    kind: str = "dashboard"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}".replace(".", ",")


def _public_category_label(code: str) -> str:
    return PublicCategory(code).label if code in PublicCategory.values else code


def _categories(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for row in selectors.compliance_categories(filters=p["filters"]):
        yield (
            row.label,
            row.obligation_on,
            row.obliged,
            row.electronic_only,
            row.paper_after,
            row.without_invoice,
        )


def _suppliers(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    filters: DashboardFilters = p["filters"]
    state = p.get("state") or "tous"
    condition = selectors.SUPPLIER_STATES.get(state, selectors.SUPPLIER_STATES["tous"])[1](filters.as_of)
    qs = selectors.positions_queryset(filters).filter(condition).order_by("name", "key")
    for position in qs.iterator(chunk_size=2000):
        row = selectors.SupplierRow(
            key=position.key,
            supplier_id=position.supplier_id,
            name=position.name,
            category=position.category,
            department=position.department,
            obligation_on=position.obligation_on,
            first_electronic_on=position.first_electronic_on,
            first_paper_on=position.first_paper_on,
        )
        yield (
            row.key,
            row.name,
            row.category_label,
            row.department,
            row.obligation_on,
            {
                "papier": "papier après l'obligation",
                "electronique": "uniquement électronique",
                "aucune": "aucune facture",
            }[row.state(filters.as_of)],
            row.first_electronic_on,
            row.first_paper_on,
        )


def _paper_invoices(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    """Every paper invoice received after its supplier's obligation date (non-compliance),
    by supplier SIRET then date."""
    filters: DashboardFilters = p["filters"]
    positions = (
        selectors.positions_queryset(filters).filter(selectors.paper_after(filters.as_of)).order_by("key")
    )
    chunk: list[selectors.SupplierRow] = []

    def flush(rows: list[selectors.SupplierRow]) -> Iterator[Sequence[Any]]:
        by_key = {row.key: row for row in rows}
        invoices = (
            PaperInvoice.objects.filter(selectors.paper_after_obligation(rows, filters))
            .select_related("recipient")
            .order_by("supplier_siret", "invoice_date", "id")
        )
        for invoice in invoices.iterator(chunk_size=2000):
            row = by_key[invoice.supplier_siret]
            yield (
                row.key,
                row.name or invoice.supplier_name,
                row.category_label,
                row.obligation_on,
                invoice.number,
                invoice.invoice_date,
                invoice.amount_ttc,
                invoice.recipient.siret,
                invoice.recipient.name,
                _public_category_label(invoice.recipient.category),
            )

    for position in positions.iterator(chunk_size=500):
        chunk.append(
            selectors.SupplierRow(
                key=position.key,
                supplier_id=position.supplier_id,
                name=position.name,
                category=position.category,
                department=position.department,
                obligation_on=position.obligation_on,
                first_electronic_on=position.first_electronic_on,
                first_paper_on=position.first_paper_on,
            )
        )
        if len(chunk) >= 500:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def _structures(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    qs = selectors.compliance_structures_queryset(filters=p["filters"])
    for r in qs.iterator(chunk_size=2000):
        row = selectors.structure_row(r)
        yield (
            row.siret,
            row.name,
            row.category_label,
            row.department,
            row.electronic,
            row.paper,
            _share(row.share),
        )


def _monthly_share(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for row in selectors.compliance_monthly_share(filters=p["filters"]):
        yield (row.label, row.electronic, row.paper, _share(row.share))


def _category_share(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for row in selectors.compliance_category_share(filters=p["filters"]):
        yield (row.label, row.electronic, row.paper, _share(row.share))


def _channels(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for _key, label, n in selectors.compliance_channel_deposits(filters=p["filters"]):
        yield (label, n)


def _stats_months(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for month, n, amount in selectors.stats_monthly(until=timezone.localdate(), months=p.get("months", 24)):
        yield (month.strftime("%m/%Y"), n, amount)


def _stats_years(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for row in selectors.stats_yearly():
        yield (row.year, row.invoices, row.amount, row.paper, row.active_suppliers, row.active_recipients)


def _stats_channels(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    yield from selectors.stats_by_channel(year=p["year"])


def _stats_statuses(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    yield from selectors.stats_by_status(year=p["year"])


def _hours(stat: Any, attribute: str) -> str:
    value = getattr(stat, attribute, None) if stat else None
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _stats_delays(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    for kind in ("Y", "M"):
        for row in selectors.stats_delay_table(kind=kind):
            available = row.get(DelayMeasure.AVAILABLE)
            paid = row.get(DelayMeasure.PAID)
            yield (
                row["period"].strftime("%Y" if kind == "Y" else "%m/%Y"),
                available.invoices if available else "",
                _hours(available, "median_hours"),
                _hours(available, "p90_hours"),
                paid.invoices if paid else "",
                _hours(paid, "median_hours"),
                _hours(paid, "p90_hours"),
            )


def _punctuality(p: dict[str, Any]) -> Iterator[Sequence[Any]]:
    qs = selectors.stats_punctuality_queryset(
        year=p["year"], category=p.get("category", ""), department=p.get("department", "")
    )
    for r in qs.iterator(chunk_size=2000):
        yield (
            r.recipient.siret,
            r.recipient.name,
            _public_category_label(r.recipient_category),
            r.department,
            r.paid,
            r.on_time,
            _share(r.on_time_share),
            "" if r.average_days is None else f"{r.average_days:.1f}".replace(".", ","),
        )


EXPORTS: dict[str, Export] = {
    "categories": Export(
        "Fournisseurs assujettis par catégorie",
        (
            "Catégorie",
            "Assujettis depuis le",
            "Assujettis",
            "Uniquement électronique",
            "Papier après l'obligation",
            "Aucune facture",
        ),
        _categories,
    ),
    "fournisseurs": Export(
        "Fournisseurs assujettis",
        (
            "SIRET ou identifiant",
            "Raison sociale",
            "Catégorie",
            "Département",
            "Assujetti depuis le",
            "Situation",
            "Première facture électronique depuis l'obligation",
            "Première facture papier depuis l'obligation",
        ),
        _suppliers,
    ),
    "factures-papier": Export(
        "Factures papier reçues après l'obligation",
        (
            "SIRET du fournisseur",
            "Raison sociale",
            "Catégorie",
            "Assujetti depuis le",
            "Numéro de facture",
            "Date de la facture",
            "Montant TTC",
            "SIRET de la structure publique",
            "Structure publique",
            "Catégorie de la structure",
        ),
        _paper_invoices,
    ),
    "structures": Export(
        "Part des factures reçues sous forme électronique par structure publique",
        (
            "SIRET",
            "Structure publique",
            "Catégorie",
            "Département",
            "Factures électroniques",
            "Factures papier",
            "Part électronique (%)",
        ),
        _structures,
    ),
    "part-mensuelle": Export(
        "Part électronique par mois",
        ("Mois", "Factures électroniques", "Factures papier", "Part électronique (%)"),
        _monthly_share,
    ),
    "part-categorie": Export(
        "Part électronique par catégorie de fournisseur",
        ("Catégorie", "Factures électroniques", "Factures papier", "Part électronique (%)"),
        _category_share,
    ),
    "canaux": Export("Dépôts par canal", ("Canal", "Factures"), _channels),
    "stats-mois": Export(
        "Factures par mois", ("Mois", "Factures déposées", "Montant TTC"), _stats_months, kind="stats"
    ),
    "stats-annees": Export(
        "Factures par année",
        (
            "Année",
            "Factures déposées",
            "Montant TTC",
            "Factures papier signalées",
            "Fournisseurs actifs",
            "Structures publiques destinataires",
        ),
        _stats_years,
        kind="stats",
    ),
    "stats-canaux": Export(
        "Factures par mode de dépôt", ("Code", "Mode de dépôt", "Factures"), _stats_channels, kind="stats"
    ),
    "stats-statuts": Export(
        "Factures par statut", ("Code", "Statut", "Factures"), _stats_statuses, kind="stats"
    ),
    "stats-delais": Export(
        "Délais de traitement",
        (
            "Période de dépôt",
            "Factures mises à disposition",
            "Médiane (heures)",
            "9e décile (heures)",
            "Factures mises en paiement",
            "Médiane (heures)",
            "9e décile (heures)",
        ),
        _stats_delays,
        kind="stats",
    ),
    "ponctualite": Export(
        "Ponctualité de paiement des structures publiques",
        (
            "SIRET",
            "Structure publique",
            "Catégorie",
            "Département",
            "Factures payées",
            "Payées dans le délai légal",
            "Part payée dans le délai (%)",
            "Délai moyen de paiement (jours)",
        ),
        _punctuality,
        kind="stats",
    ),
}
