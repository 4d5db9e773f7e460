# Chorus — two commands set everything up on a fresh machine: `make run` and `make test`.
# Configuration comes only from the environment (see README.md).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Every runtime and test dependency, pinned with the hashes of its files (`make lock` rebuilds it).
LOCK   := requirements/lock.txt
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)

.PHONY: install lock run serve worker beat edi test test-deps lint format typecheck mypy-baseline migrate seed clean

# The virtualenv is created once and refreshed only when pyproject.toml or the lock file changes:
# exactly the locked versions, each file checked against its hash, then the project itself;
# a lock file behind pyproject.toml (missing package, version out of range) stops it.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) .ci/check_lock.py
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Re-resolve the lock file after a change to pyproject.toml's dependencies (or to take updates:
## `make lock LOCK_ARGS="--upgrade-package django"`, or LOCK_ARGS=--upgrade for everything).
## Resolved against PyPI alone, ignoring local mirrors, so that it lists the hashes of the files
## of every platform (not only this machine's wheels).
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
		$(VENV)/bin/pip-compile --quiet --generate-hashes \
		--extra test --strip-extras --index-url https://pypi.org/simple --no-emit-index-url \
		--no-emit-find-links --output-file $(LOCK) $(LOCK_ARGS) \
		pyproject.toml

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Development server on http://127.0.0.1:$(PORT)/ (SQLite + eager tasks unless DATABASE_URL,
## CELERY_BROKER_URL and EMAIL_URL are set; then start `make worker` beside it), with the EDI
## SFTP server in the background on 127.0.0.1:$${EDI_SFTP_PORT:-2222} (EDI=0: without it).
## Ctrl-C stops both; the SFTP server is also stopped if runserver exits on its own.
EDI ?= 1
run: seed
	@if [ "$(EDI)" = "1" ]; then \
		$(PY) manage.py edi_server & edi_pid=$$!; \
		trap 'kill $$edi_pid 2>/dev/null; wait $$edi_pid 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT); \
	else \
		$(PY) manage.py runserver 127.0.0.1:$(PORT); \
	fi

## Production-style server (gunicorn, several workers) on the same PORT and configuration.
## Same gunicorn options as docker-compose.yml (uploads are deposited in the background, so no
## request needs more than the timeout).
serve: seed
	$(VENV)/bin/gunicorn chorus.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $${WEB_CONCURRENCY:-4} --preload --timeout $${GUNICORN_TIMEOUT:-60} --graceful-timeout 30 \
		--access-logfile -

## The Celery worker. It runs the periodic tasks itself (embedded beat, `-B`: the sweeper that
## recovers a killed worker's work within a minute) unless WORKER_BEAT=0, for hosts where a
## separate `make beat` runs (exactly one beat per installation). QUEUES=a,b to serve some queues.
## On a host shared with the web server the worker runs at a lower CPU priority (WORKER_NICE,
## default 10; 0 for none): a connector's deposit is answered at once, and the integration,
## which nobody waits on, uses what the web tier leaves (issue #17: deposer/flux p95 under load).
worker: install
	@mkdir -p var
	nice -n $${WORKER_NICE:-10} $(VENV)/bin/celery -A chorus worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2} \
		-O fair --without-gossip --without-mingle --without-heartbeat \
		$$(test "$${WORKER_BEAT:-1}" = 0 || echo "-B --schedule=var/celerybeat-schedule") \
		$${QUEUES:+-Q $$QUEUES}

## EDI SFTP server alone (its own process, like the worker): 127.0.0.1:$${EDI_SFTP_PORT:-2222}.
edi: migrate
	$(PY) manage.py edi_server

beat: install
	@mkdir -p var
	$(VENV)/bin/celery -A chorus beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
test-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium manquant : installez le paquet Debian 'chromium' (sudo apt-get install chromium)"; exit 1; \
		fi; \
	fi

## The whole suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set).
test: install test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .

typecheck: install
	$(VENV)/bin/mypy .

## Rewrite the per-module mypy baseline in pyproject.toml from today's errors (to shrink it).
mypy-baseline: install
	$(PY) .ci/mypy_baseline.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3
