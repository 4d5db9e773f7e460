"""EDI operations: authentication, the ``depot/`` intake, the ``retour/`` outbox, keys, purge.

The intake never takes a file twice nor loses one:
1. *claim*: the file is renamed from ``depot/`` into the spool (``os.rename`` is atomic: of two
   scanners, one wins, the other gets ``FileNotFoundError``) and a row ``EdiFile`` (state RECU,
   ``spool_name`` unique) records it with the ``numeroFluxDepot`` chosen now;
2. *take* (task ``edi.depot_take``, by id, ``acks_late``): ``cpro.flux.flow_deposit`` with that
   number (the number is unique: a retry after a crash finds the flow instead of creating a second
   one), then a compare-and-set RECU → PRIS, then the spool file is removed (the flow's archive
   keeps the bytes);
3. a sweep re-enqueues claims left RECU and adopts spool files whose row was never written.

The outbox follows the history (``tracking.StatusEvent``) from the connection's cursor; nothing
below this app knows it exists.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncssh
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TechnicalAccount
from accounts.selectors import technical_account_authenticate
from common.tasks import task_send
from cpro.flux import flow_deposit, flow_number
from invoices.choices import Channel, FlowStatus
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.reasons import ReasonCode
from invoices.models import DepositFlow, Invoice
from invoices.validation.limits import MAX_BATCH_BYTES

from . import formats, storage
from .models import EdiAction, EdiConnection, EdiFile, EdiFileKind, EdiFileState, EdiKey, EdiLog

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure

logger = logging.getLogger("edi")
EXPORT_BATCH = 200  # status events exported per connection and per sweep (bounded work)
LEASE_SECONDS = 120
ORPHAN_SECONDS = 60  # a spool file this old with no row was claimed by a process that died
# A flow waits this long before it is integrated again: longer than a big batch takes
# (cpro.flow_process's time limit is 30 minutes).
RESUME_SECONDS = 2400


# --- Journal -------------------------------------------------------------------------------------
def edi_log(
    *,
    action: str,
    connection: EdiConnection | None = None,
    login: str = "",
    name: str = "",
    size: int | None = None,
    detail: str = "",
    remote_addr: str = "",
) -> None:
    login = login or (connection.account.login if connection else "")
    EdiLog.objects.create(
        connection=connection,
        login=login[:80],
        action=action,
        name=name[:255],
        size=size,
        detail=detail[:255],
        remote_addr=remote_addr[:64],
    )
    logger.info("edi %s %s %s %s %s", login, action, name, detail, remote_addr)


# --- Connections and keys ------------------------------------------------------------------------
def edi_connection_for_account(*, account: TechnicalAccount) -> EdiConnection:
    """The account's connection (created on first use) with its folders."""
    connection, _created = EdiConnection.objects.select_related("account").get_or_create(account=account)
    storage.folders(account.login)
    return connection


def edi_status_files_set(*, connection: EdiConnection, enabled: bool) -> EdiConnection:
    """Start (from now on: the cursor skips the past) or stop the status files."""
    changes: dict[str, Any] = {"status_files": enabled}
    if enabled and not connection.status_files:
        changes["status_cursor"] = StatusEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    EdiConnection.objects.filter(pk=connection.pk).update(**changes)
    connection.refresh_from_db()
    return connection


def key_fingerprint(public_key: str) -> tuple[str, str]:
    """(normalised OpenSSH line, SHA256 fingerprint); ValidationError when not a public key."""
    try:
        key = asyncssh.import_public_key(public_key.strip())
    except (asyncssh.KeyImportError, ValueError, TypeError) as exc:
        raise ValidationError(
            _(
                "Clé publique illisible : collez la ligne de votre fichier .pub "
                "(ssh-ed25519 AAAA… ou ssh-rsa AAAA…)."
            )
        ) from exc
    line = key.export_public_key("openssh").decode().strip()
    return line, key.get_fingerprint("sha256")


def edi_key_add(*, connection: EdiConnection, public_key: str, label: str, actor: Any) -> EdiKey:
    line, fingerprint = key_fingerprint(public_key)
    if EdiKey.objects.filter(connection=connection, fingerprint=fingerprint).exists():
        raise ValidationError(_("Cette clé est déjà enregistrée."))
    try:
        with transaction.atomic():
            key = EdiKey.objects.create(
                connection=connection,
                label=label[:100],
                public_key=line,
                fingerprint=fingerprint,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Cette clé est déjà enregistrée.")) from exc
    return key


def edi_key_remove(*, connection: EdiConnection, key_id: int) -> bool:
    deleted, _rows = EdiKey.objects.filter(connection=connection, pk=key_id).delete()
    return bool(deleted)


# --- Authentication ------------------------------------------------------------------------------
def _supplier_account(login: str) -> TechnicalAccount | None:
    """EDI deposits are a supplier's: only supplier structures' technical accounts connect."""
    return (
        TechnicalAccount.objects.select_related("supplier_structure")
        .filter(login=login or "", supplier_structure__isnull=False)
        .first()
    )


def _locked(connection: EdiConnection) -> bool:
    return connection.locked_until is not None and connection.locked_until > timezone.now()


def _failure(connection: EdiConnection, *, method: str, remote_addr: str) -> None:
    """Count a failure; the Nth in a row locks the connection for EDI_LOCKOUT_MINUTES (the web
    login's rule: 5 failures, 15 minutes)."""
    EdiConnection.objects.filter(pk=connection.pk).update(failed_logins=F("failed_logins") + 1)
    connection.refresh_from_db(fields=["failed_logins"])
    edi_log(connection=connection, action=EdiAction.ECHEC, detail=method, remote_addr=remote_addr)
    if connection.failed_logins >= settings.EDI_MAX_FAILED_LOGINS:
        until = timezone.now() + timedelta(minutes=settings.EDI_LOCKOUT_MINUTES)
        EdiConnection.objects.filter(pk=connection.pk).update(locked_until=until, failed_logins=0)
        edi_log(
            connection=connection,
            action=EdiAction.VERROU,
            remote_addr=remote_addr,
            detail=_("%(n)d échecs : connexion refusée jusqu'à %(until)s")
            % {"n": settings.EDI_MAX_FAILED_LOGINS, "until": timezone.localtime(until).strftime("%H:%M")},
        )


def edi_authenticate_password(*, login: str, password: str, remote_addr: str = "") -> EdiConnection | None:
    account = _supplier_account(login)
    if account is None:
        make_password(password)  # an unknown login takes as long as a wrong password
        edi_log(login=login, action=EdiAction.ECHEC, detail="password", remote_addr=remote_addr)
        return None
    connection = edi_connection_for_account(account=account)
    if _locked(connection):
        edi_log(connection=connection, action=EdiAction.VERROU, detail="password", remote_addr=remote_addr)
        return None
    if technical_account_authenticate(login=login, password=password) is None:
        _failure(connection, method="password", remote_addr=remote_addr)
        return None
    return connection


def _account_usable(account: TechnicalAccount) -> bool:
    structure = account.supplier_structure
    if structure is None or not structure.active:
        return False
    return account.active and account.expires_at > timezone.now()


def edi_key_allowed(*, login: str, public_key: str) -> EdiConnection | None:
    """The connection when this public key is registered on it (asked twice by SSH: before and
    after the client proves it holds the private key; not counted as a failure when absent,
    clients offer every key they have)."""
    account = _supplier_account(login)
    if account is None or not _account_usable(account):
        return None
    connection = edi_connection_for_account(account=account)
    if _locked(connection):
        return None
    try:
        _line, fingerprint = key_fingerprint(public_key)
    except ValidationError:
        return None
    return connection if connection.keys.filter(fingerprint=fingerprint).exists() else None


def edi_login_succeeded(*, connection_id: int, method: str, remote_addr: str = "") -> None:
    connection = EdiConnection.objects.select_related("account").get(pk=connection_id)
    EdiConnection.objects.filter(pk=connection_id).update(failed_logins=0, last_login_at=timezone.now())
    edi_log(connection=connection, action=EdiAction.CONNEXION, detail=method, remote_addr=remote_addr)


# --- depot/: claim and take ----------------------------------------------------------------------
class EdiPrincipal:
    """Who deposits an EDI flow: the structure of the connection, no portal user."""

    def __init__(self, connection: EdiConnection) -> None:
        self.supplier = connection.account.supplier_structure
        self.owner = None


def _ready(path: Path, *, now: float, busy: frozenset[str]) -> bool:
    """Complete: not a temporary name, not open for writing, unchanged for EDI_STABLE_SECONDS."""
    if storage.is_temporary(path.name) or str(path) in busy:
        return False
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    return path.is_file() and now - stat.st_mtime >= settings.EDI_STABLE_SECONDS


def edi_depot_scan(*, busy: frozenset[str] = frozenset()) -> list[int]:
    """Claim every complete file of every connection's ``depot/``; returns the claims' ids."""
    claimed: list[int] = []
    now = time.time()
    for login in storage.logins_with_folders():
        box = storage.folders(login)
        names = sorted(os.listdir(box.depot))
        ready = [box.depot / name for name in names if _ready(box.depot / name, now=now, busy=busy)]
        if not ready:
            continue
        account = _supplier_account(login)
        if account is None:
            continue
        connection = edi_connection_for_account(account=account)
        for path in ready:
            row = edi_depot_claim(connection=connection, path=path)
            if row is not None:
                claimed.append(row.pk)
    return claimed


def _spool_name(original: str) -> str:
    return f"{timezone.now():%Y%m%d%H%M%S}-{os.urandom(6).hex()}__{original}"


def edi_depot_claim(*, connection: EdiConnection, path: Path) -> EdiFile | None:
    """Move one file from ``depot/`` to the spool (atomic compare-and-set on the file system),
    record the claim and enqueue its intake after commit. None when another scanner won."""
    box = storage.folders(connection.account.login)
    spool_name = _spool_name(path.name)
    try:
        os.rename(path, box.spool / spool_name)
    except FileNotFoundError:
        return None
    return _claim_row(connection=connection, spool_name=spool_name)


def _claim_row(*, connection: EdiConnection, spool_name: str) -> EdiFile | None:
    box = storage.folders(connection.account.login)
    original = spool_name.split("__", 1)[1] if "__" in spool_name else spool_name
    size = (box.spool / spool_name).stat().st_size
    with transaction.atomic():
        row, created = EdiFile.objects.get_or_create(
            spool_name=spool_name,
            defaults={
                "connection": connection,
                "kind": EdiFileKind.DEPOT,
                "state": EdiFileState.RECU,
                "name": original[:255],
                "size": size,
                "flow_number": flow_number(),
            },
        )
        if created:
            row_id = row.pk
            transaction.on_commit(lambda: task_send("edi.depot_take", row_id))
    if created:
        edi_log(
            connection=connection, action=EdiAction.PRISE, name=original, size=size, detail=row.flow_number
        )
    return row if created else None


def edi_depot_take(*, edi_file_id: int) -> str | None:
    """Turn a claimed file into a deposit flow, once (idempotent; see the module docstring)."""
    row = (
        EdiFile.objects.select_related("connection__account__supplier_structure")
        .filter(pk=edi_file_id)
        .first()
    )
    if row is None or row.state != EdiFileState.RECU:
        return None
    connection = row.connection
    spooled = storage.folders(connection.account.login).spool / (row.spool_name or "")
    flow = DepositFlow.objects.filter(number=row.flow_number).first()
    if flow is None:
        if not spooled.is_file():
            logger.error("edi claim %s: spool file %s missing and no flow", row.pk, spooled)
            return None
        content = spooled.read_bytes()
        try:
            # Same path as deposer/flux: stored in the flow archive, integrated by cpro.flow_process.
            # No syntax declared: each document's own syntax is recognised by the intake.
            flow = flow_deposit(
                principal=EdiPrincipal(connection),
                content=content,
                filename=row.name,
                syntax="",
                channel=Channel.EDI,
                number=row.flow_number,
            )
        except IntegrityError:
            flow = DepositFlow.objects.get(number=row.flow_number)  # a concurrent retry won
    taken = EdiFile.objects.filter(pk=row.pk, state=EdiFileState.RECU).update(
        state=EdiFileState.PRIS, flow=flow, taken_at=timezone.now()
    )
    spooled.unlink(missing_ok=True)
    return flow.number if taken else None


def edi_spool_recover(*, older_than: float = ORPHAN_SECONDS) -> int:
    """Claims a dead process left behind: spool files with no row (adopted) and rows still RECU
    (re-enqueued: the task is idempotent)."""
    count = 0
    now = time.time()
    for login in storage.logins_with_folders():
        box = storage.folders(login)
        names = [n for n in os.listdir(box.spool) if not n.startswith(".") and "__" in n]
        known = set(EdiFile.objects.filter(spool_name__in=names).values_list("spool_name", flat=True))
        orphans = [n for n in names if n not in known and now - (box.spool / n).stat().st_mtime >= older_than]
        account = _supplier_account(login) if orphans else None
        if account is None:
            continue
        connection = edi_connection_for_account(account=account)
        for name in orphans:
            count += _claim_row(connection=connection, spool_name=name) is not None
    stale = timezone.now() - timedelta(seconds=older_than)
    for row_id in EdiFile.objects.filter(
        kind=EdiFileKind.DEPOT, state=EdiFileState.RECU, created_at__lt=stale
    ).values_list("pk", flat=True)[:500]:
        task_send("edi.depot_take", row_id)
        count += 1
    return count


def edi_flows_resume(*, older_than: float = RESUME_SECONDS) -> int:
    """EDI flows still waiting long after they were taken (their integration message was lost
    with a broker or a process): integrated again (``cpro.flow_process`` is idempotent)."""
    stale = timezone.now() - timedelta(seconds=older_than)
    flow_ids = list(
        EdiFile.objects.filter(
            kind=EdiFileKind.DEPOT,
            state=EdiFileState.PRIS,
            taken_at__lt=stale,
            flow__status=FlowStatus.EN_ATTENTE,
        ).values_list("flow_id", flat=True)[:100]
    )
    for flow_id in flow_ids:
        task_send("cpro.flow_process", flow_id)
    return len(flow_ids)


def edi_refuse(*, connection: EdiConnection, name: str, code: str, message: str) -> str:
    """A file refused before any flow exists (quota, size): an IN_REJETE CR saying why."""
    now = timezone.now()
    report = formats.refusal_name(at=now, original=name)
    content = formats.flow_report(
        flow_number="",
        filename=name,
        state=FlowStatus.REJETE,
        at=now,
        errors=[formats.ReportError(nature="TECHNIQUE", code=code, message=f"[{code}] {message}")],
        invoices=[],
        receiver=connection.account.login,
        receiver_name=_supplier_structure(connection).name,
    )
    storage.write_return(connection.account.login, report, content)
    EdiFile.objects.create(
        connection=connection,
        kind=EdiFileKind.CR,
        state=EdiFileState.REFUSE,
        name=report,
        size=len(content),
        report_name=name[:255],
    )
    edi_log(connection=connection, action=EdiAction.REFUS, name=name, detail=f"{code} → {report}")
    return report


# --- retour/: reports and status files (outbox) --------------------------------------------------
def _lease(connection_id: int) -> bool:
    now = timezone.now()
    return bool(
        EdiConnection.objects.filter(pk=connection_id)
        .filter(Q(export_lease_until__isnull=True) | Q(export_lease_until__lt=now))
        .update(export_lease_until=now + timedelta(seconds=LEASE_SECONDS))
    )


def _release(connection_id: int) -> None:
    EdiConnection.objects.filter(pk=connection_id).update(export_lease_until=None)


def edi_returns_export(*, connection_id: int) -> int:
    """Write the CRs of this connection's processed flows and, when it asks for them, one status
    file per history event after its cursor. At least once, never twice: names are fixed by the
    flow or the event, and a row per written file is unique per (connection, flow / event)."""
    if not _lease(connection_id):
        return 0
    try:
        connection = EdiConnection.objects.select_related("account__supplier_structure").get(pk=connection_id)
        return _export_reports(connection) + (_export_statuses(connection) if connection.status_files else 0)
    finally:
        _release(connection_id)


def _supplier_structure(connection: EdiConnection) -> SupplierStructure:
    structure = connection.account.supplier_structure
    assert structure is not None  # an EDI connection belongs to a supplier structure's technical account
    return structure


def _return_file_write(
    connection: EdiConnection, *, kind: str, name: str, content: bytes, **link: Any
) -> bool:
    """Write a file of ``retour/`` (storage first, never inside a transaction), then record it.
    False when it was recorded before a crash: the same name was rewritten with the same content."""
    storage.write_return(connection.account.login, name, content)
    try:
        with transaction.atomic():
            EdiFile.objects.create(
                connection=connection,
                kind=kind,
                state=EdiFileState.ECRIT,
                name=name,
                size=len(content),
                **link,
            )
    except IntegrityError:
        return False
    return True


def _export_reports(connection: EdiConnection) -> int:
    login, structure = connection.account.login, _supplier_structure(connection)
    pending = (
        EdiFile.objects.filter(connection=connection, kind=EdiFileKind.DEPOT, state=EdiFileState.PRIS)
        .exclude(flow__status=FlowStatus.EN_ATTENTE)
        .filter(report_name="")
        .select_related("flow")[:EXPORT_BATCH]
    )
    written = 0
    for row in pending:
        flow = row.flow
        assert flow is not None  # a file taken in (PRIS) has its deposit flow
        at = flow.processed_at or timezone.now()
        name = formats.report_name(at=at, flow_number=flow.number)
        invoices = list(Invoice.objects.filter(flow=flow).order_by("pk").values_list("number", "pk"))
        content = formats.flow_report(
            flow_number=flow.number,
            filename=row.name,
            state=flow.status,
            at=at,
            errors=formats.errors_of_flow(flow),
            invoices=invoices,
            receiver=login,
            receiver_name=structure.name,
        )
        _return_file_write(
            connection, kind=EdiFileKind.CR, name=name, content=content, flow=flow, flow_number=flow.number
        )
        EdiFile.objects.filter(pk=row.pk).update(report_name=name)
        edi_log(connection=connection, action=EdiAction.CR, name=name, size=len(content), detail=flow.status)
        written += 1
    return written


def _export_statuses(connection: EdiConnection) -> int:
    login, structure = connection.account.login, _supplier_structure(connection)
    cursor = connection.status_cursor
    # Indexed and bounded: primary key range after the cursor, this structure's invoices only.
    events = list(
        StatusEvent.objects.filter(pk__gt=cursor, invoice__supplier_id=structure.pk)
        .select_related("invoice__supplier", "invoice__recipient", "invoice__recipient_service")
        .order_by("pk")[:EXPORT_BATCH]
    )
    labels = dict(ReasonCode.choices)
    for event in events:
        name = formats.status_name(at=event.at, invoice_id=event.invoice_id, event_id=event.pk)
        content = formats.status_report(
            event=event,
            invoice=event.invoice,
            reason_label=str(labels.get(event.reason_code, event.reason_code)),
            receiver=login,
            receiver_name=structure.name,
        )
        if not _return_file_write(
            connection, kind=EdiFileKind.STATUT, name=name, content=content, event=event
        ):
            continue
        edi_log(
            connection=connection, action=EdiAction.STATUT, name=name, size=len(content), detail=event.status
        )
    if events:
        # Compare-and-set: a slower concurrent exporter cannot move the cursor backwards.
        EdiConnection.objects.filter(pk=connection.pk, status_cursor=cursor).update(
            status_cursor=events[-1].pk
        )
    return len(events)


def edi_sweep(*, busy: frozenset[str] = frozenset(), claim: bool = True) -> dict[str, int]:
    """One cycle of the EDI machinery: take complete files, recover, write reports.

    Only the SFTP server claims (``claim``): it alone knows which files are still open for
    writing; a periodic task in another process could take a stalled upload for a complete one.
    """
    claimed = edi_depot_scan(busy=busy) if claim else []
    recovered = edi_spool_recover() + edi_flows_resume()
    exported = 0
    for connection_id in EdiConnection.objects.filter(account__supplier_structure__isnull=False).values_list(
        "pk", flat=True
    ):
        exported += edi_returns_export(connection_id=connection_id)
    return {"claimed": len(claimed), "recovered": recovered, "exported": exported}


def edi_returns_purge(*, days: int | None = None) -> int:
    """Files of ``retour/`` older than EDI_RETENTION_DAYS (30) are deleted."""
    limit = time.time() - (days if days is not None else settings.EDI_RETENTION_DAYS) * 86400
    purged = 0
    for login in storage.logins_with_folders():
        box = storage.folders(login)
        connection = EdiConnection.objects.select_related("account").filter(account__login=login).first()
        for entry in os.scandir(box.retour):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                Path(entry.path).unlink(missing_ok=True)
                purged += 1
                if connection:
                    edi_log(connection=connection, action=EdiAction.PURGE, name=entry.name)
    return purged


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def max_file_bytes() -> int:
    """The API's bound on a deposit (``deposer/flux``: 120 MB per flow, MAX_BATCH_BYTES)."""
    return MAX_BATCH_BYTES
