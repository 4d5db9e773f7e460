"""``python manage.py compliance_refresh [--full]``: recompute the dashboard and statistics tables
now (the nightly Celery task does it otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from compliance.aggregates import statistics_refresh


class Command(BaseCommand):
    help = "Recalcule les tables de synthèse du tableau de bord de conformité et des statistiques."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Recalcule tout l'historique.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = statistics_refresh(full=options["full"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Tables recalculées : {report.suppliers} fournisseurs en {report.duration_seconds:.1f} s."
            )
        )
