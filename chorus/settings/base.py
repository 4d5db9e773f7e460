"""Base settings.

With no environment variable at all this is the *embedded default*: SQLite in the project
folder, Celery tasks run eagerly in-process, e-mails printed to the console, DEBUG on.
``DATABASE_URL``, ``CELERY_BROKER_URL`` and ``EMAIL_URL`` switch to PostgreSQL, Redis + real
workers and real SMTP.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("CHORUS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)


def _embedded_secret_key() -> str:
    """A random key generated once per installation and kept in ``var/`` (never committed):
    the embedded default must run with no variable, yet ship no default secret."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _embedded_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "dsfr",
    "widget_tweaks",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The project's apps, bottom layer first (README, "How the code is laid out").
    "accounts",
    "suppliers",
    "entities",
    "invoices",
    "notifications",
    "tracking",
    "cpro",
    "compliance",
    "helpcentre",
    "portalpro",
    "edi",
    "chorus",
]

MIDDLEWARE = [
    "chorus.middleware.PortalNotFoundPageMiddleware",  # the portal's 404 page under DEBUG too
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chorus.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.CurrentStructureMiddleware",
    # After authentication (its error page shows the header) and before every view.
    "chorus.input_guard.InputGuardMiddleware",
    # Last, so it sees the final answer: JSON errors under /cpro/ (issue 12).
    "cpro.middleware.CproJsonErrorsMiddleware",
]

ROOT_URLCONF = "chorus.urls"
WSGI_APPLICATION = "chorus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dsfr.context_processors.site_config",
                "accounts.context_processors.portal",
            ],
            # One formatter of amounts, units and dates in every template (pages, PDFs, e-mails).
            "builtins": ["common.format_tags"],
        },
    },
]
FORM_RENDERER = "chorus.form_renderer.PortalFormRenderer"
DSFR_MARK_OPTIONAL_FIELDS = True

# --- Database: SQLite file in the project folder unless DATABASE_URL is set --------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web requests and eager tasks share the file: wait for locks rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # Persistent connections pay off in gunicorn's few long-lived workers. The development
    # server runs each HTTP connection in its own thread, and a keep-alive thread holds its
    # database connection while it waits: dozens of idle connections until PostgreSQL refuses
    # clients. Django's docs: "don't enable them during development". Close at request end there.
    _devserver = sys.argv[1:2] == ["runserver"]
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if _devserver else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if USING_POSTGRES:
    # No JIT: PostgreSQL compiles a query whose *estimated* cost passes jit_above_cost, and a
    # capped COUNT over a million invoices is estimated far above it although it reads at most
    # COUNT_CAP rows: 170 ms of compilation for a 40 ms query (issue #17, search at 1 M
    # invoices). Short OLTP queries never gain from it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: its own variable, CACHE_URL (rate-limit counters and lock-outs live there, so every
# gunicorn worker must see the same one). Without CACHE_URL, a Redis broker's own database is
# used (never a fixed DB shared by every installation on that Redis), else in-process memory.
# Keys carry a prefix per installation, so two portals on one Redis never share counters.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chorus"}}


def _installation_prefix() -> str:
    """A stable name of this installation: its database (two portals never share one)."""
    db = DATABASES["default"]
    identity = f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
    return "chorus-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="") or _installation_prefix()

# --- Celery -----------------------------------------------------------------------------------
# Without a broker the embedded default runs every task eagerly, in-process, after commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Paris"
# A killed worker must lose nothing: acknowledge after the task ran, re-queue on worker loss.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes every database connection before and after each task unless
# this is set: a fresh PostgreSQL backend per task, whose fork and catalogue warm-up cost the
# machine ≈ 30 ms of CPU per deposit flow, more than the flow's own SQL (issue #17). Reuse them
# for that many tasks; between tasks `chorus.celery` still applies CONN_MAX_AGE and the health
# check, as Django does between requests.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# How an unacknowledged message (acks_late) comes back after a worker dies differs by broker:
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sentinel://")):
    # Redis has no consumer connection to watch: it re-delivers a message still unacknowledged
    # after this delay, even if its worker is alive and busy. It must exceed the longest task
    # time limit, or a long task runs twice at once.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 600)}
elif CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://")):
    # RabbitMQ re-delivers a message as soon as the connection of the worker holding it closes
    # (a killed worker), so there is no visibility timeout to set. Its own limit is the server's
    # `consumer_timeout` (rabbitmq.conf, 30 min by default): a delivery unacknowledged for longer
    # closes the channel, so it must exceed the longest task time limit (README, deployment).
    # Publisher confirms: `delay()` returns only once RabbitMQ has taken the message.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
    # A task still running when its worker loses the connection is cancelled: RabbitMQ has
    # already handed its message to another worker, so finishing it would run it
    # twice at once (Celery's advice with acks_late; the default in Celery 6). Not on Redis: there
    # the message stays with its worker until the visibility timeout, and the task may finish.
    CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
else:  # memory:// (eager tasks, the embedded default)
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_BEAT_SCHEDULE: dict = {}
# Flow integration (the heavy task: validation + the automatic chain) on a queue of its own when
# CHORUS_FLOW_QUEUE is set, so that workers on other hosts can serve it (bench/README.md).
if env.str("CHORUS_FLOW_QUEUE", default=""):
    CELERY_TASK_ROUTES = {"cpro.flow_process": {"queue": env.str("CHORUS_FLOW_QUEUE")}}
# A flow's task takes up to this many other single flows waiting with it, in one unit of work
# (``cpro.flux._flow_companions_claim``; issue #17); 0: each flow in its own task.
CHORUS_FLOW_COMPANIONS = env.int("CHORUS_FLOW_COMPANIONS", 15)
# The sweeper (``tracking.lifecycle_sweep``, every CHORUS_SWEEP_INTERVAL_SECONDS) re-enqueues
# work left this long: a chain of automatic steps takes well under a second, so a minute means a
# lost message or a killed worker, recovered without waiting for the visibility timeout.
CHORUS_SWEEP_GRACE_SECONDS = env.int("CHORUS_SWEEP_GRACE_SECONDS", 60)
# A buyer who has not chosen a preference gets each "new invoice" by e-mail up to this many a
# day, then the rest in the daily digest (issue #18 §5); choosing "every event" keeps them all.
NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY = env.int("NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY", 5)
# E-mails wait this long, so that what else reaches the same person meanwhile leaves in one e-mail.
NOTIFICATIONS_EMAIL_BATCH_SECONDS = env.int("NOTIFICATIONS_EMAIL_BATCH_SECONDS", 30)

# --- E-mail -----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Chorus <ne-pas-repondre@chorus.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Chorus] "
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# The sign-up offers « Vous avez un SIRET / Vous n'avez pas de SIRET » (Chorus Portal Pro).
ACCOUNT_SIGNUP_FORM_CLASS = "portalpro.signup.SignupForm"
# Lock-out after repeated failures: 5 failed logins per account per 15 minutes (and per IP).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/15m/ip,5/15m/key",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Chorus"

# --- Internationalisation: French first, English second ---------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: documents go through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Outside production, WhiteNoise serves the apps' static files directly (no collectstatic step,
# so that `make serve` starts at once); production uses collected, compressed, hashed files.
WHITENOISE_USE_FINDERS = True
# Uploads: invoice + attachments ≤ 120 MB (Chorus Pro rule). Files of the portal's forms are
# streamed to disk (FILE_UPLOAD_MAX_MEMORY_SIZE); other bodies are held in memory and refused
# beyond this size. It must exceed the API's largest body (cpro.api.base.DEPOSIT_MAX_BODY: one
# 20 MiB file in base64), so that the API states its own limit first.
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- REST framework (the Chorus Pro API lives under /cpro/) -------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Chorus (compatible Chorus Pro)",
    "DESCRIPTION": "API de dépôt et de suivi des factures, compatible avec l'API Chorus Pro (PISTE). "
    "Un seul fichier par appel, de 20 Mo au plus une fois décodé (corps JSON de 28 Mo au plus) ; "
    "les 120 Mo d'une facture et de ses pièces jointes s'atteignent en plusieurs appels.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is generated and checked by the test suite (tests/api, Schemathesis), not by
    # `manage.py check --deploy` at every start.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# Chorus Pro API: calls per minute and per OAuth client before 429 + Retry-After.
CPRO_RATE_LIMIT_PER_MINUTE = env.int("CPRO_RATE_LIMIT_PER_MINUTE", default=1200)
# Technical accounts (cpro-account): a login is locked after this many wrong passwords within
# the period, for the rest of the period (same policy as web logins: 5 per 15 minutes).
CPRO_ACCOUNT_LOCKOUT_FAILURES = env.int("CPRO_ACCOUNT_LOCKOUT_FAILURES", default=5)
CPRO_ACCOUNT_LOCKOUT_SECONDS = env.int("CPRO_ACCOUNT_LOCKOUT_SECONDS", default=900)

# --- Content-Security-Policy (django-csp): nothing but the portal's own files runs or styles a
# page; the few inline blocks (the API docs page) carry the request's nonce. A response that
# sets its own policy keeps it (the PDF preview: "sandbox").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# --- EDI: the SFTP drop and pick-up folders of suppliers' systems (edi/, `make edi`) ------------
EDI_SFTP_HOST = env.str("EDI_SFTP_HOST", default="127.0.0.1")
EDI_SFTP_PORT = env.int("EDI_SFTP_PORT", default=2222)
# The host name shown to suppliers on the technical account page (the address they connect to).
EDI_PUBLIC_HOST = env.str("EDI_PUBLIC_HOST", default=EDI_SFTP_HOST)
EDI_ROOT = Path(env.str("EDI_ROOT", default=str(VAR_DIR / "edi")))
# Generated once on the first start, then kept: a new key would make every client refuse us.
EDI_HOST_KEY = Path(env.str("EDI_HOST_KEY", default=str(VAR_DIR / "edi_host_key")))
EDI_QUOTA_BYTES = env.int("EDI_QUOTA_BYTES", default=500 * 1024 * 1024)
# A file closed (or renamed from a temporary name) is taken once unchanged for this long.
EDI_STABLE_SECONDS = env.float("EDI_STABLE_SECONDS", default=2.0)
EDI_SCAN_SECONDS = env.float("EDI_SCAN_SECONDS", default=1.0)
EDI_RETENTION_DAYS = env.int("EDI_RETENTION_DAYS", default=30)
# Lock-out like the web login (ACCOUNT_RATE_LIMITS): 5 failures of a login, or 10 from one
# address, then 15 minutes refused.
EDI_MAX_FAILED_LOGINS = env.int("EDI_MAX_FAILED_LOGINS", default=5)
EDI_LOCKOUT_MINUTES = env.int("EDI_LOCKOUT_MINUTES", default=15)
EDI_MAX_FAILED_PER_ADDRESS = env.int("EDI_MAX_FAILED_PER_ADDRESS", default=10)

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # the PDF preview view opts in with @xframe_options_sameorigin

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF they build at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Seeded data of the demo (make run): documented in the README.
DEMO_DATA = env.bool("DEMO_DATA", default=True)
