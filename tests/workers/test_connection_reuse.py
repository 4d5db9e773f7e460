"""A worker keeps its PostgreSQL connection from one task to the next (issue #17).

Celery's Django fixup closes every database connection before and after each task unless
``CELERY_DB_REUSE_MAX`` is set: a new PostgreSQL backend per task, whose fork and catalogue
warm-up cost the machine more CPU than the deposit flow's own SQL. With it set, the portal applies
Django's own rule around each task (``chorus.celery``): a healthy connection stays, one past
``CONN_MAX_AGE`` is replaced. PostgreSQL only: SQLite's test database lives in the connection.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup  # type: ignore[attr-defined]  # not in the stubs
from django.db import connection

from chorus.celery import _close_old_connections
from chorus.celery import app as celery_app

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend's identity needs PostgreSQL"
)

# What a worker's task looks like to the signal handlers (not run eagerly in the caller).
TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def run_tasks(fixup: DjangoWorkerFixup, count: int) -> set[int]:
    """The backends that served ``count`` tasks, each wrapped as a worker wraps it."""
    seen = set()
    for _ in range(count):
        fixup.on_task_prerun(sender=TASK)
        _close_old_connections(sender=TASK)
        seen.add(backend_pid())
        fixup.on_task_postrun(sender=TASK)
        _close_old_connections(sender=TASK)
    return seen


@pytest.fixture
def persistent_connections(transactional_db):
    """The worker's database settings: connections kept for CONN_MAX_AGE seconds."""
    before = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    yield
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = before


def test_one_backend_serves_a_workers_tasks(persistent_connections):
    # Given a worker's fixup, configured from the portal's settings (CELERY_DB_REUSE_MAX)
    fixup = DjangoWorkerFixup(celery_app)
    assert fixup.db_reuse_max and fixup.db_reuse_max >= 100
    # When it runs ten tasks
    # Then one PostgreSQL backend served them all
    assert len(run_tasks(fixup, 10)) == 1


def test_without_the_setting_each_task_had_its_own_backend(persistent_connections):
    # Given the fixup as Celery configures it by default (no CELERY_DB_REUSE_MAX)
    fixup = DjangoWorkerFixup(celery_app)
    fixup.db_reuse_max = None
    # When it runs three tasks, then each one opened a new backend: what the setting prevents
    assert len(run_tasks(fixup, 3)) == 3


def test_a_connection_past_its_age_is_replaced_between_tasks(persistent_connections):
    # Given a worker whose connection has outlived CONN_MAX_AGE
    fixup = DjangoWorkerFixup(celery_app)
    first = run_tasks(fixup, 1)
    connection.close_at = 0  # monotonic time long past
    # When the next task starts, then it runs on a new backend, as a web request would
    assert run_tasks(fixup, 1) != first
