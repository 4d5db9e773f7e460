"""The SFTP server of the portal (``make edi``, ``manage.py edi_server``), on asyncssh.

Why asyncssh: a maintained, pure-Python SSHv2 server whose ``SFTPServer`` class is meant to be
subclassed (each request goes through one overridable method, with a virtual chroot built in),
with async authentication callbacks, so one process serves many connections and checks
passwords off the event loop. paramiko's server side needs a thread per connection and an
``SFTPServerInterface`` written from scratch; OpenSSH's ``sftp-server`` would need system
accounts, a root-owned chroot and its own key store instead of the portal's.

Each connection sees only its own home: ``depot/`` (write, rename, delete) and ``retour/`` (read,
delete). ``..`` and any path outside these two folders are refused.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import asyncssh
from asyncssh import SFTPAttrs, SFTPFailure, SFTPName, SFTPNoSuchFile, SFTPPermissionDenied
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.translation import gettext as _

from . import services, storage
from .models import EdiAction

logger = logging.getLogger("edi.server")
PURGE_EVERY = 3600.0
WRITE_FLAGS = asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT | asyncssh.FXF_TRUNC


def host_key(path: Path | None = None) -> asyncssh.SSHKey:
    """The server's persistent host key: generated once (Ed25519) into ``var/``, then reused."""
    path = Path(path or settings.EDI_HOST_KEY)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        path.write_bytes(key.export_private_key())
        path.chmod(0o600)
        Path(f"{path}.pub").write_bytes(key.export_public_key())
    return asyncssh.read_private_key(str(path))


def host_key_fingerprint(path: Path | None = None) -> str:
    """SHA256 fingerprint of the host key, as ``ssh`` prints it on first connection ("" before the
    server's first start)."""
    public = Path(f"{path or settings.EDI_HOST_KEY}.pub")
    if not public.exists():
        return ""
    return asyncssh.import_public_key(public.read_bytes()).get_fingerprint("sha256")


class Database:
    """Django ORM calls off the event loop. Each call closes its thread's connections when done:
    pool threads live as long as the server and would otherwise hold them forever."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="edi-db")

    @staticmethod
    def _run(function: Any, kwargs: dict[str, Any]) -> Any:
        close_old_connections()
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    async def call(self, function: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, partial(self._run, function, kwargs))


class EdiServer:
    """The process: SSH listener, per-connection SFTP sessions, and the cycle that takes files
    from ``depot/`` and writes ``retour/``."""

    def __init__(self, *, host: str, port: int, db_workers: int = 4) -> None:
        self.host, self.port = host, port
        # SQLite (the embedded default) has one writer at a time and answers "database is locked"
        # at once to a reader that tries to write while another thread writes: there, every
        # database call of the server goes through one thread. PostgreSQL: a pool, and the
        # cycle in its own thread (one cycle at a time).
        self.db = Database(db_workers if settings.USING_POSTGRES else 1)
        self.cycle_db = Database(1) if settings.USING_POSTGRES else self.db
        self.writing: set[str] = set()  # local paths open for writing: never taken while open
        self.listener: Any = None
        self.wake = asyncio.Event()
        self.background: set[asyncio.Future] = set()
        # Failed passwords per client address (the web login's second rule: 10 per 15 minutes
        # per IP), kept in this process: the server is one process.
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def address_blocked(self, address: str) -> bool:
        window = settings.EDI_LOCKOUT_MINUTES * 60
        now = time.monotonic()
        failures = self.failures[address]
        while failures and now - failures[0] > window:
            failures.popleft()
        return len(failures) >= settings.EDI_MAX_FAILED_PER_ADDRESS

    def address_failed(self, address: str) -> None:
        self.failures[address].append(time.monotonic())

    def spawn(self, function: Any, **kwargs: Any) -> None:
        """Run a database call in the background (journal lines): kept referenced until done."""
        future = asyncio.ensure_future(self.db.call(function, **kwargs))
        self.background.add(future)
        future.add_done_callback(self.background.discard)

    async def start(self) -> None:
        self.listener = await asyncssh.create_server(
            lambda: EdiSSHServer(self),
            self.host,
            self.port,
            server_host_keys=[host_key()],
            sftp_factory=lambda chan: EdiSFTPServer(chan, self),
            allow_scp=False,
            reuse_address=True,
        )
        self.port = self.listener.sockets[0].getsockname()[1]
        logger.info("EDI SFTP server on %s:%s (host key %s)", self.host, self.port, host_key_fingerprint())

    async def cycle_forever(self) -> None:
        last_purge = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                await self.cycle_db.call(services.edi_sweep, busy=frozenset(self.writing))
                if loop.time() - last_purge > PURGE_EVERY:
                    await self.cycle_db.call(services.edi_returns_purge)
                    last_purge = loop.time()
            except Exception:  # one bad cycle must not stop the server; logged
                logger.exception("EDI cycle failed")
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=settings.EDI_SCAN_SECONDS)
            except TimeoutError:
                pass
            self.wake.clear()

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
            await self.listener.wait_closed()


class EdiSSHServer(asyncssh.SSHServer):
    """Authentication: the technical account's login with its password or a registered key."""

    def __init__(self, server: EdiServer) -> None:
        self.server = server
        self.conn: Any = None
        self.peer = ""
        self.method = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else ""

    def begin_auth(self, username: str) -> bool:
        return True  # every login must authenticate

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        if self.server.address_blocked(self.peer):
            self.server.spawn(
                services.edi_log,
                action=EdiAction.VERROU,
                login=username,
                detail="address",
                remote_addr=self.peer,
            )
            return False
        connection = await self.server.db.call(
            services.edi_authenticate_password, login=username, password=password, remote_addr=self.peer
        )
        if connection is None:
            self.server.address_failed(self.peer)
        return self._accept(connection, "password")

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        line = key.export_public_key("openssh").decode()
        connection = await self.server.db.call(services.edi_key_allowed, login=username, public_key=line)
        return self._accept(connection, "publickey")

    def _accept(self, connection: Any, method: str) -> bool:
        if connection is None:
            return False
        self.conn.set_extra_info(
            edi_connection_id=connection.pk,
            edi_login=connection.account.login,
            edi_quota=connection.quota_bytes,
        )
        self.method = method
        return True

    def auth_completed(self) -> None:
        connection_id = self.conn.get_extra_info("edi_connection_id")
        self.server.spawn(
            services.edi_login_succeeded,
            connection_id=connection_id,
            method=self.method,
            remote_addr=self.peer,
        )


class _Handle:
    """An open file of a session: the real file plus what the session must know at close."""

    def __init__(self, file: Any, local: str, folder: str, name: str, writing: bool, used: int) -> None:
        self.file, self.local, self.folder, self.name, self.writing = file, local, folder, name, writing
        self.used = used  # bytes in the connection's folders when it was opened
        self.size = 0
        self.refused = ""


class EdiSFTPServer(asyncssh.SFTPServer):
    def __init__(self, chan: asyncssh.SSHServerChannel, server: EdiServer) -> None:
        conn = chan.get_connection()
        self.edi = server
        self.login = conn.get_extra_info("edi_login")
        self.connection_id = conn.get_extra_info("edi_connection_id")
        self.quota = int(conn.get_extra_info("edi_quota") or 0)
        peer = conn.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else ""
        self.box = storage.folders(self.login)
        super().__init__(chan, chroot=str(self.box.home).encode())

    # --- paths: only /, /depot, /retour and the files directly inside them --------------------
    def _parts(self, path: bytes) -> list[str]:
        text = path.decode("utf-8", "strict")
        parts = [p for p in text.replace("\\", "/").split("/") if p not in ("", ".")]
        if ".." in parts:
            raise SFTPPermissionDenied(_("Chemin refusé : « .. » n'est pas autorisé."))
        if parts and parts[0] not in (storage.DEPOT, storage.RETOUR):
            raise SFTPPermissionDenied(_("Chemin refusé : seuls depot/ et retour/ sont accessibles."))
        if len(parts) > 2:
            raise SFTPPermissionDenied(_("Chemin refusé : pas de sous-dossier dans depot/ ni retour/."))
        return parts

    def map_path(self, path: bytes) -> bytes:
        self._parts(path)
        return super().map_path(path)

    def _file_parts(self, path: bytes) -> tuple[str, str]:
        parts = self._parts(path)
        if len(parts) != 2:
            raise SFTPPermissionDenied(_("Opération possible seulement sur un fichier de depot/ ou retour/."))
        return parts[0], parts[1]

    def _log(self, action: str, **kwargs: Any) -> None:
        self.edi.spawn(self._log_sync, action=action, **kwargs)

    def _log_sync(self, **kwargs: Any) -> None:
        from .models import EdiConnection

        connection = EdiConnection.objects.select_related("account").get(pk=self.connection_id)
        services.edi_log(connection=connection, remote_addr=self.peer, **kwargs)

    # --- files ---------------------------------------------------------------------------------
    def open(self, path: bytes, pflags: int, attrs: SFTPAttrs) -> Any:
        folder, name = self._file_parts(path)
        writing = bool(pflags & WRITE_FLAGS)
        if writing and folder != storage.DEPOT:
            self._log(EdiAction.REFUS, name=f"{folder}/{name}", detail="écriture hors de depot/")
            raise SFTPPermissionDenied(_("retour/ est en lecture seule : déposez vos fichiers dans depot/."))
        local = self.map_path(path).decode()
        used = storage.usage(self.login) if writing else 0
        file = super().open(path, pflags, attrs)
        if writing:
            self.edi.writing.add(local)
        return _Handle(file, local, folder, name, writing, used)

    def read(self, file_obj: _Handle, offset: int, size: int) -> bytes:
        return super().read(file_obj.file, offset, size)

    def write(self, file_obj: _Handle, offset: int, data: bytes) -> int:
        end = offset + len(data)
        if end > services.max_file_bytes():
            file_obj.refused = "EDI-TAILLE"
            raise SFTPFailure(_("Fichier trop volumineux : 120 Mo au plus par dépôt."))
        if file_obj.used + max(end, file_obj.size) > self._quota():
            file_obj.refused = "EDI-QUOTA"
            raise asyncssh.SFTPQuotaExceeded(_("Quota disque de la connexion dépassé."))
        file_obj.size = max(file_obj.size, end)
        return super().write(file_obj.file, offset, data)

    def _quota(self) -> int:
        return self.quota

    def close(self, file_obj: _Handle) -> None:
        super().close(file_obj.file)
        if not file_obj.writing:
            if file_obj.folder == storage.RETOUR:
                self._log(EdiAction.RETRAIT, name=file_obj.name)
            return
        self.edi.writing.discard(file_obj.local)
        if file_obj.refused:
            # The partial file is removed and a CR says why: the supplier's system reads retour/.
            Path(file_obj.local).unlink(missing_ok=True)
            message = (
                _("Le fichier « %(name)s » dépasse 120 Mo, la taille maximale d'un dépôt : découpez-le.")
                if file_obj.refused == "EDI-TAILLE"
                else _(
                    "Le fichier « %(name)s » n'a pas été reçu : le quota disque de la connexion "
                    "(%(quota)d Mo) est atteint. Supprimez les fichiers déjà lus de retour/ puis "
                    "déposez-le à nouveau."
                )
            ) % {"name": file_obj.name, "quota": self._quota() // (1024 * 1024)}
            self.edi.spawn(self._refuse_sync, name=file_obj.name, code=file_obj.refused, message=message)
            return
        self._log(EdiAction.DEPOT, name=file_obj.name, size=file_obj.size)
        self.edi.wake.set()

    def _refuse_sync(self, *, name: str, code: str, message: str) -> None:
        from .models import EdiConnection

        connection = EdiConnection.objects.select_related("account__supplier_structure").get(
            pk=self.connection_id
        )
        services.edi_refuse(connection=connection, name=name, code=code, message=message)

    def fstat(self, file_obj: _Handle) -> Any:
        return super().fstat(file_obj.file)

    def fsetstat(self, file_obj: _Handle, attrs: SFTPAttrs) -> None:
        return None  # times and modes are the platform's: accepted and ignored

    def setstat(self, path: bytes, attrs: SFTPAttrs) -> None:
        self._parts(path)
        return None

    def lsetstat(self, path: bytes, attrs: SFTPAttrs) -> None:
        self._parts(path)
        return None

    def fsync(self, file_obj: _Handle) -> None:
        return super().fsync(file_obj.file)

    def remove(self, path: bytes) -> None:
        folder, name = self._file_parts(path)
        super().remove(path)
        self._log(EdiAction.SUPPRESSION, name=f"{folder}/{name}")

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._check_rename(oldpath, newpath)
        super().rename(oldpath, newpath)
        self.edi.wake.set()

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._check_rename(oldpath, newpath)
        super().posix_rename(oldpath, newpath)
        self.edi.wake.set()

    def _check_rename(self, oldpath: bytes, newpath: bytes) -> None:
        old_folder, _old = self._file_parts(oldpath)
        new_folder, _new = self._file_parts(newpath)
        if old_folder != storage.DEPOT or new_folder != storage.DEPOT:
            raise SFTPPermissionDenied(_("Renommage possible seulement à l'intérieur de depot/."))

    def mkdir(self, path: bytes, attrs: SFTPAttrs) -> None:
        raise SFTPPermissionDenied(_("Création de dossier interdite : seuls depot/ et retour/ existent."))

    def rmdir(self, path: bytes) -> None:
        raise SFTPPermissionDenied(_("Suppression de dossier interdite."))

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise SFTPPermissionDenied(_("Liens interdits."))

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise SFTPPermissionDenied(_("Liens interdits."))

    def readlink(self, path: bytes) -> bytes:
        raise SFTPNoSuchFile(_("Aucun lien ici."))

    async def scandir(self, path: bytes) -> Any:
        parts = self._parts(path)
        if len(parts) == 2:
            raise SFTPNoSuchFile(_("Ce n'est pas un dossier."))
        local = self.map_path(path).decode()
        # "." and ".." are listed with the folder's own attributes: ".." is never resolved.
        here = SFTPAttrs.from_local(os.stat(local))
        for dot in (b".", b".."):
            yield SFTPName(dot, attrs=here)
        with os.scandir(local) as entries:
            for entry in entries:
                if not parts and entry.name not in (storage.DEPOT, storage.RETOUR):
                    continue
                if entry.name.startswith(".") or entry.is_symlink():
                    continue
                attrs = SFTPAttrs.from_local(entry.stat(follow_symlinks=False))
                yield SFTPName(entry.name.encode(), attrs=attrs)


def run(*, host: str, port: int, stop: threading.Event | None = None, ready: Any = None) -> None:
    """Serve until SIGINT/SIGTERM (``make edi``) or ``stop`` is set (tests run it in a thread)."""

    async def main() -> None:
        server = EdiServer(host=host, port=port)
        await server.start()
        if ready is not None:
            ready(server)
        cycle = asyncio.ensure_future(server.cycle_forever())
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        if stop is None:
            import signal

            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, done.set)
            await done.wait()
        else:
            while not stop.is_set():
                await asyncio.sleep(0.1)
        cycle.cancel()
        await server.close()

    try:
        asyncio.run(main())
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SystemExit(f"Port {port} déjà utilisé : réglez EDI_SFTP_PORT.") from exc
        raise
