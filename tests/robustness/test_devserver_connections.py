"""`make run` on PostgreSQL keeps a bounded number of database connections (issue 19, point 5).

The development server runs each HTTP connection in its own thread; a browser keeps several
keep-alive connections open. Each must not hold a PostgreSQL connection while it waits.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("CHORUS_TEST_DEVSERVER_PORT", "8119"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"),
        reason="needs DATABASE_URL on PostgreSQL",
    ),
]


def _backends(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        return cursor.fetchone()[0]


def _wait_for_port(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the development server did not start")


@pytest.mark.django_db(transaction=True)
def test_three_hundred_requests_do_not_grow_the_connection_count(tmp_path):
    # Given the development server (`make run`) on the test PostgreSQL database
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("CONN_MAX_AGE", "CACHE_URL")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="chorus.settings.base",
        CHORUS_VAR_DIR=str(tmp_path),
        CELERY_BROKER_URL="",
        PYTHONUNBUFFERED="1",
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_port(PORT, server)
        before = _backends(db["NAME"])
        # When 30 browser-like clients each send 10 requests on a kept-alive connection
        clients = [http.client.HTTPConnection("127.0.0.1", PORT, timeout=30) for _ in range(30)]
        for _round in range(10):
            for client in clients:
                client.request("GET", "/annuaire/recherche.json?q=mairie")
                response = client.getresponse()
                response.read()
                assert response.status == 200
        # Then, while those clients stay connected, the server holds no more connections
        time.sleep(0.5)
        during = _backends(db["NAME"])
        assert during <= before + 2, f"{during} connections to PostgreSQL (before: {before})"
        for client in clients:
            client.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
