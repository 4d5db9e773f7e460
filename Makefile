# Chorus — two commands set everything up on a fresh machine: `make run` and `make test`.
# Configuration comes only from the environment (see README.md).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run serve worker beat test test-deps lint format migrate seed clean

# The virtualenv is created once and refreshed only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Development server on http://127.0.0.1:$(PORT)/ (SQLite + eager tasks unless DATABASE_URL,
## CELERY_BROKER_URL and EMAIL_URL are set; then start `make worker` beside it).
run: seed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Production-style server (gunicorn, several workers) on the same PORT and configuration.
serve: seed
	$(VENV)/bin/gunicorn chorus.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $${WEB_CONCURRENCY:-4} --timeout 60 --access-logfile -

## The Celery worker. It runs the periodic tasks itself (embedded beat, `-B`: the sweeper that
## recovers a killed worker's work within a minute) unless WORKER_BEAT=0, for hosts where a
## separate `make beat` runs (exactly one beat per installation). QUEUES=a,b to serve some queues.
worker: install
	@mkdir -p var
	$(VENV)/bin/celery -A chorus worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2} \
		-O fair --without-gossip --without-mingle --without-heartbeat \
		$$(test "$${WORKER_BEAT:-1}" = 0 || echo "-B --schedule=var/celerybeat-schedule") \
		$${QUEUES:+-Q $$QUEUES}

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3
