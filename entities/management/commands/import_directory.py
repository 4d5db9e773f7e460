"""``python manage.py import_directory STRUCTURES.csv [--services SERVICES.csv]``."""

from __future__ import annotations

import csv
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from entities.directory_import import DirectoryImportError, directory_import


class ProgressBar:
    """A one-line progress bar on stderr (redrawn in place on a terminal, every 10 % otherwise)."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_step: tuple[str, int] = ("", -1)
        self.started = time.monotonic()

    def __call__(self, name: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        step = int(share * 10)
        if not self.tty and (name, step) == self.last_step:
            return
        self.last_step = (name, step)
        filled = int(share * 30)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        bar = "#" * filled + "." * (30 - filled)
        line = f"{name} [{bar}] {share:4.0%} {done:>8}/{total} lignes ({rate:,.0f}/s)"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""), ending="")
        else:
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importe l'export officiel de l'annuaire des destinataires (CSV séparé par des points-virgules) "
        "et, optionnellement, le fichier de leurs services. Crée ou met à jour, en une seule transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "structures", nargs="?", help="fichier des structures (annuaire des destinataires)"
        )
        parser.add_argument("--services", help="fichier des services des structures")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="n'importer rien du tout si une seule ligne est rejetée",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier les fichiers sans rien enregistrer"
        )
        parser.add_argument("--rejects", help="écrire les lignes rejetées dans ce fichier CSV")
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["structures"] and not options["services"]:
            raise CommandError("Indiquez le fichier des structures, et/ou --services FICHIER.")
        progress = None if options["no_progress"] else ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            report = directory_import(
                structures_file=options["structures"],
                services_file=options["services"],
                strict=options["strict"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except DirectoryImportError as exc:
            raise CommandError(f"{exc} Rien n'a été importé.") from None
        elapsed = time.monotonic() - started
        rejected = sorted(report.rejected, key=lambda r: (r.file, r.line))
        for rejection in rejected:
            self.stderr.write(str(rejection))
        if options["rejects"]:
            with open(options["rejects"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, delimiter=";")
                writer.writerow(["Fichier", "Ligne", "Motif"])
                writer.writerows((r.file, r.line, r.reason) for r in rejected)
        self.stdout.write(
            f"{report.rows_read} lignes lues en {elapsed:.1f} s — structures : {report.structures_created} "
            f"créées, {report.structures_updated} mises à jour, {report.structures_unchanged} inchangées ; "
            f"services : {report.services_created} créés, {report.services_updated} mis à jour, "
            f"{report.services_unchanged} inchangés ; {len(rejected)} ligne(s) rejetée(s)."
        )
        if options["verbosity"] >= 2 and report.timings:
            self.stdout.write(
                "Durées par phase : "
                + ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in report.timings.items())
            )
        if options["dry_run"]:
            self.stdout.write("Vérification seule (--dry-run) : rien n'a été enregistré.")
        elif not report.committed:
            raise CommandError(
                f"{len(rejected)} ligne(s) rejetée(s) en mode --strict : rien n'a été importé."
            )
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
