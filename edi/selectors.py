"""Queries of the EDI app: what the technical account page and the admin show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from accounts.models import TechnicalAccount

from .models import EdiConnection, EdiKey, EdiLog
from .server import host_key_fingerprint

LAST_EXCHANGES = 15


@dataclass
class EdiPanel:
    host: str
    port: int
    login: str
    fingerprint: str
    connection: EdiConnection | None
    keys: list[EdiKey] = field(default_factory=list)
    exchanges: list[EdiLog] = field(default_factory=list)


def edi_panel(*, account: TechnicalAccount) -> EdiPanel:
    """The EDI connection of a supplier's technical account (it may not exist before the first
    connection or the first registered key)."""
    connection = EdiConnection.objects.filter(account=account).first()
    keys: list[Any] = list(connection.keys.order_by("created_at")) if connection else []
    exchanges: list[Any] = list(connection.log.all()[:LAST_EXCHANGES]) if connection else []
    return EdiPanel(
        host=settings.EDI_PUBLIC_HOST,
        port=settings.EDI_SFTP_PORT,
        login=account.login,
        fingerprint=host_key_fingerprint(),
        connection=connection,
        keys=keys,
        exchanges=exchanges,
    )
