"""A real EDI SFTP server (``edi.server``, asyncssh) started in a thread of the test process, on
the test database and its own folders, and real paramiko clients."""

from __future__ import annotations

import base64
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paramiko
import pytest

from accounts.services import technical_account_create

PASSWORD = "Demo-Tech-2026!"
FIRST_PORT = 2216


def wait_for(
    condition: Callable[[], Any], *, timeout: float = 20, what: str = "", interval: float = 0.1
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    for port in range(FIRST_PORT, FIRST_PORT + 40):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port from 2216")


class EdiTestServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.stop = threading.Event()
        self.started = threading.Event()
        self.clients: list[paramiko.SSHClient] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        from edi.server import run

        try:
            run(host="127.0.0.1", port=self.port, stop=self.stop, ready=lambda _server: self.started.set())
        except BaseException as exc:  # reported by start()
            self.error = exc
            self.started.set()

    def start(self) -> EdiTestServer:
        self.thread.start()
        assert self.started.wait(20), "EDI server did not start"
        assert self.error is None, self.error
        return self

    def client(self, login: str, *, password: str | None = PASSWORD, key: paramiko.PKey | None = None) -> Any:
        from django.conf import settings

        # The client trusts only the server's persistent host key (var/edi_host_key.pub): what
        # a supplier checks against the fingerprint shown on the technical account page.
        kind, b64 = Path(f"{settings.EDI_HOST_KEY}.pub").read_text().split()[:2]
        ssh = paramiko.SSHClient()
        ssh.get_host_keys().add(
            f"[127.0.0.1]:{self.port}", kind, paramiko.PKey.from_type_string(kind, base64.b64decode(b64))
        )
        ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
        ssh.connect(
            "127.0.0.1",
            port=self.port,
            username=login,
            password=password,
            pkey=key,
            allow_agent=False,
            look_for_keys=False,
            timeout=10,
            banner_timeout=10,
            auth_timeout=10,
        )
        self.clients.append(ssh)
        return ssh.open_sftp()

    def close(self) -> None:
        for ssh in self.clients:
            ssh.close()
        self.stop.set()
        self.thread.join(10)


def put(sftp: Any, path: str, content: bytes) -> None:
    sftp.putfo(io.BytesIO(content), path, confirm=False)


def read(sftp: Any, path: str) -> bytes:
    buffer = io.BytesIO()
    sftp.getfo(path, buffer)
    return buffer.getvalue()


def wait_for_return(sftp: Any, marker: str, *, timeout: float = 30) -> tuple[str, bytes]:
    """The first file of ``retour/`` whose name or content holds ``marker``."""
    seen: dict[str, bytes] = {}

    def found() -> tuple[str, bytes] | None:
        for name in sorted(sftp.listdir("retour")):
            if name not in seen:
                seen[name] = read(sftp, f"retour/{name}")
            if marker in name or marker.encode() in seen[name]:
                return name, seen[name]
        return None

    return wait_for(found, timeout=timeout, what=f"a file with {marker!r} in retour/")


@pytest.fixture
def edi_settings(settings, tmp_path):
    settings.EDI_ROOT = tmp_path / "edi"
    settings.EDI_HOST_KEY = tmp_path / "edi_host_key"
    settings.EDI_STABLE_SECONDS = 0.3
    settings.EDI_SCAN_SECONDS = 0.2
    return settings


@pytest.fixture
def edi_server(edi_settings, transactional_db) -> Iterator[EdiTestServer]:
    server = EdiTestServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def tech_acme(acme):
    account, _password = technical_account_create(
        structure=acme, actor=None, login="TECH-ACME", password=PASSWORD
    )
    return account


@pytest.fixture
def tech_bakery(bakery):
    account, _password = technical_account_create(
        structure=bakery, actor=None, login="TECH-BOULANGERIE", password=PASSWORD
    )
    return account


@pytest.fixture
def cii(acme, beaufort) -> Callable[[str], bytes]:
    """A valid CII (the XML of the portal's own Factur-X sample), ACME → Beaufort, FINANCES."""
    from facturx import get_xml_from_pdf

    from cpro.samples import demo_facturx

    def make(number: str) -> bytes:
        _name, pdf = demo_facturx(
            supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number=number
        )
        _xml_name, xml = get_xml_from_pdf(pdf, check_xsd=False)
        return xml

    return make
