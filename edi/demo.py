"""EDI demo data of ``seed_demo`` (idempotent, README "Démonstration"): TECH-ACME's SFTP
connection (password ``Demo-Tech-2026!``, set by ``cpro.demo``), unlocked, with status files on,
and its ``depot/`` and ``retour/`` folders."""

from __future__ import annotations

from typing import Any

from accounts.models import TechnicalAccount

from .models import EdiConnection
from .services import edi_connection_for_account, edi_status_files_set

LOGIN = "TECH-ACME"


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> None:
    account = TechnicalAccount.objects.filter(login=LOGIN).first()
    if account is None:
        return
    connection = edi_connection_for_account(account=account)
    EdiConnection.objects.filter(pk=connection.pk).update(locked_until=None, failed_logins=0)
    edi_status_files_set(connection=connection, enabled=True)
