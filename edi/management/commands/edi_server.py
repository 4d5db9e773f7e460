"""``python manage.py edi_server``: the EDI SFTP server (``make edi``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from edi.server import host_key, host_key_fingerprint, run


class Command(BaseCommand):
    help = "Serveur SFTP des échanges EDI (dépôt de factures, comptes rendus et statuts)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.EDI_SFTP_HOST)
        parser.add_argument("--port", type=int, default=settings.EDI_SFTP_PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        host_key()
        self.stdout.write(f"Serveur SFTP EDI sur {host}:{port} — clé d'hôte {host_key_fingerprint()}")
        run(host=host, port=port)
