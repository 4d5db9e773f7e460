import importlib
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings.base")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import and compile now what Django otherwise loads on a worker's first requests: every
    view module (through the URLconf), the apps' task modules (the first ``task_send`` imports
    them, ≈ 0.2 s), the libraries of the cache and of the broker's transport (the first cache
    call imports redis-py, ≈ 0.2 s; the first message kombu's transport), the French catalogue,
    the base template.

    Measured (issue #17): a fresh gunicorn worker spends about a second of CPU on its first
    requests; four workers that each pay it cost 18 ms of CPU per deposit over a 300-deposit
    burst instead of 10. Under ``gunicorn --preload`` (``make serve``) this runs once in the
    master and the forked workers share it. No connection is opened here (none may cross a fork).
    """
    from celery import current_app
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation
    from kombu.transport import resolve_transport
    from kombu.utils.imports import symbol_by_name

    get_resolver().url_patterns  # noqa: B018 — the import of every urls and views module
    current_app.loader.import_default_modules()
    # Imports only: the cache client and the broker connection are opened on first use, in the
    # forked worker (py-spy over a 300-deposit burst: ≈ 0.8 s of gunicorn CPU importing them).
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        importlib.import_module("redis")
    transport = resolve_transport(current_app.conf.broker_url.split("://", 1)[0])
    if transport:
        symbol_by_name(transport)
    with translation.override("fr"):
        translation.gettext("Facture")
    get_template("base.html")


_warm_up()
