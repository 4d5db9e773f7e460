"""The portal is configured only from the environment: an embedded default with no variable,
real PostgreSQL/Redis/SMTP when the variables are set, and a production mode that refuses to
start without a secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
    "'name': str(s.DATABASES['default']['NAME']),"
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND,"
    "'email_host': getattr(s, 'EMAIL_HOST', ''), 'debug': s.DEBUG, 'acks_late': s.CELERY_TASK_ACKS_LATE,"
    "'reject_on_worker_lost': s.CELERY_TASK_REJECT_ON_WORKER_LOST,"
    "'prefetch': s.CELERY_WORKER_PREFETCH_MULTIPLIER, 'accept': s.CELERY_ACCEPT_CONTENT,"
    "'time_limit': s.CELERY_TASK_TIME_LIMIT}))"
)
CONFIG_VARS = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
    "CACHE_URL",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _run(
    code: str, env: dict[str, str], settings: str = "chorus.settings.base", args: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings)
    cmd = [sys.executable, *(args or ["-c", code])]
    return subprocess.run(cmd, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_embedded_default_needs_no_variable(tmp_path):
    # Given no configuration variable at all
    result = _run(PROBE, {"CHORUS_VAR_DIR": str(tmp_path)})
    # Then the portal runs on SQLite in the project folder, tasks eagerly, mails to the console
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"].startswith(str(ROOT))
    assert conf["eager"] is True
    assert conf["email"] == "django.core.mail.backends.console.EmailBackend"
    assert conf["debug"] is True
    # and a secret key was generated for this installation, not shipped in the code
    assert (tmp_path / "secret_key").stat().st_size >= 50


def test_environment_switches_to_postgresql_redis_and_smtp(tmp_path):
    # Given the three variables of a real deployment
    env = {
        "DATABASE_URL": "postgres://chorus:secret@db.example:5432/chorus",
        "CELERY_BROKER_URL": "redis://cache.example:6379/0",
        "EMAIL_URL": "smtp://mail.example:2525",
        "CHORUS_VAR_DIR": str(tmp_path),
    }
    result = _run(PROBE, env)
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    # Then PostgreSQL, real workers on Redis and real SMTP are used
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["eager"] is False
    assert conf["broker"] == "redis://cache.example:6379/0"
    assert conf["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert conf["email_host"] == "mail.example"
    # and Celery is wired so that a killed worker loses nothing
    assert conf["acks_late"] is True and conf["reject_on_worker_lost"] is True
    assert conf["prefetch"] == 1 and conf["accept"] == ["json"] and conf["time_limit"] > 0


def test_production_refuses_to_start_without_secret_key():
    result = _run(PROBE, {"ALLOWED_HOSTS": "chorus.example"}, settings="chorus.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_passes_check_deploy_without_warning():
    env = {
        "SECRET_KEY": "x7#Lq9!vR2@pZ8$wN4^bT6&kM1*hJ3(eG5)dF0_cY-sA=uQ+oI" * 2,
        "ALLOWED_HOSTS": "chorus.example",
        "DATABASE_URL": "sqlite:////tmp/chorus-deploy-check.sqlite3",
    }
    result = _run(
        "",
        env,
        settings="chorus.settings.production",
        args=["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_celery_app_uses_django_settings():
    from chorus.celery import app

    assert app.main == "chorus"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json"


BROKER_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "from chorus.celery import app;"
    "print(json.dumps({'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': app.conf.broker_url,"
    "'options': app.conf.broker_transport_options, 'cache': s.CACHES['default']['BACKEND'],"
    "'cancel_on_loss': app.conf.worker_cancel_long_running_tasks_on_connection_loss}))"
)


@pytest.mark.parametrize(
    ("broker", "options", "cancel_on_loss", "cache"),
    [
        # Redis re-delivers after its visibility timeout; its cache is shared by the web workers.
        # A worker that loses Redis keeps its message until then: its running task may finish.
        (
            "redis://cache.example:6379/0",
            {"visibility_timeout": 600},
            False,
            "django.core.cache.backends.redis.RedisCache",
        ),
        # RabbitMQ re-delivers when the worker's connection closes: no visibility timeout, publisher
        # confirms, and a task cut from its broker stops (its message is already elsewhere); no
        # Redis to derive a cache from, so the in-process cache (CACHE_URL sets another).
        (
            "amqp://guest:guest@mq.example:5672//",
            {"confirm_publish": True},
            True,
            "django.core.cache.backends.locmem.LocMemCache",
        ),
    ],
    ids=["redis", "rabbitmq"],
)
def test_celery_runs_on_redis_or_rabbitmq_with_the_options_of_each(
    tmp_path, broker, options, cancel_on_loss, cache
):
    # Given a broker URL of either kind
    result = _run(BROKER_PROBE, {"CELERY_BROKER_URL": broker, "CHORUS_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    # Then tasks go to real workers through that broker, with the transport options that fit it
    assert conf["eager"] is False
    assert conf["broker"] == broker
    assert conf["options"] == options
    assert conf["cancel_on_loss"] is cancel_on_loss
    # and the settings do not assume Redis where there is none
    assert conf["cache"] == cache


CACHE_PROBE = (
    "import json, sys, django; django.setup(); from django.conf import settings as s;"
    "from django.core.cache import cache;"
    "value = sys.argv[1] if len(sys.argv) > 1 else '';"
    "value and cache.set('login-failures', value, 60);"
    "print(json.dumps({'cache': s.CACHES['default'], 'seen': cache.get('login-failures')}))"
)


def _cache_probe(env: dict[str, str], write: str = "") -> dict:
    result = _run("", env, args=["-c", CACHE_PROBE, write])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cache_has_its_own_variable_and_a_prefix_per_installation(tmp_path):
    # Given two installations on one Redis, each with its broker in its own database
    first = {
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        "CHORUS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "sqlite:////tmp/chorus-issue19-first.sqlite3",
    }
    second = {
        **first,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        "DATABASE_URL": "sqlite:////tmp/chorus-issue19-second.sqlite3",
    }
    one, two = _cache_probe(first)["cache"], _cache_probe(second)["cache"]
    # Then without CACHE_URL the cache follows the broker's own database, never a fixed DB 1
    assert one["LOCATION"] == "redis://127.0.0.1:6379/9"
    # and each installation has its own key prefix
    assert one["KEY_PREFIX"] and two["KEY_PREFIX"] and one["KEY_PREFIX"] != two["KEY_PREFIX"]
    # When CACHE_URL is set, it decides the location
    own = _cache_probe({**first, "CACHE_URL": "rediscache://127.0.0.1:6379/9"})["cache"]
    assert own["LOCATION"] == "redis://127.0.0.1:6379/9"
    assert own["KEY_PREFIX"] == one["KEY_PREFIX"]


def _redis_available() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_two_installations_on_one_redis_do_not_share_counters(tmp_path):
    # Given two installations sharing one Redis database for their cache
    first = {
        "CACHE_URL": "rediscache://127.0.0.1:6379/9",
        "CHORUS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "sqlite:////tmp/chorus-issue19-first.sqlite3",
    }
    second = {**first, "DATABASE_URL": "sqlite:////tmp/chorus-issue19-second.sqlite3"}
    # When the first one counts a login failure
    assert _cache_probe(first, write="5")["seen"] == "5"
    # Then the second one does not see it
    assert _cache_probe(second)["seen"] is None
