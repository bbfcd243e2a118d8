# GCM Stakeholder Portal: `make` lists the targets. The two that matter: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run setup test install messages migrate lint format check-deploy system-deps worker beat makemessages backup restore production bench-load bench-faults clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install the pinned dependencies

messages: $(STAMP) ## Compile the translations (needs GNU gettext's msgfmt)
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=.venv-load --ignore=var -v0

migrate: $(STAMP)
	$(PY) manage.py migrate --no-input -v0

setup: install messages migrate ## Install, migrate, load the GCM reference data and the demo content
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_content

run: setup ## Set everything up and serve the portal at http://127.0.0.1:8000 (SQLite, tasks in-process)
	@echo ""
	@echo "  GCM Stakeholder Portal: http://$(HOST):$(PORT)/"
	@echo "  Administration:         http://$(HOST):$(PORT)/en/admin/ (demo staff login above)"
	@echo "  E-mails are saved as files under var/mail/ (open the newest to verify an account)."
	@echo ""
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

system-deps: ## Install Chromium, Redis and poppler from Debian when run as root and missing (browser, worker and PDF tests)
	@if [ -x /usr/bin/chromium ] && command -v redis-server >/dev/null && command -v pdftotext >/dev/null; then \
		echo "Chromium, Redis and poppler are installed."; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server gettext poppler-utils >/dev/null; \
	else \
		echo "Chromium or redis-server is missing: the browser and worker tests will be skipped."; \
		echo "pdftotext (Debian poppler-utils) is missing: the report PDF tests will fail."; \
		echo "Install the Debian packages chromium, redis-server and poppler-utils to run them."; \
	fi

test: install system-deps messages ## Set everything up and run the whole test suite (DATABASE_URL picks the database)
	$(PY) -m pytest

lint: install ## ruff, djlint, and a check that no model change lacks its migration
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check templates
	$(BIN)/djlint --lint templates
	$(PY) manage.py makemigrations --check --dry-run

format: install ## Format the Python code and the templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat templates

check-deploy: install ## Django's deployment checks against the production settings
	DJANGO_SETTINGS_MODULE=gcmportal.settings.production \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=portal.example.org \
	DATABASE_URL=$${DATABASE_URL:-postgres://gcm@127.0.0.1:5432/gcm} \
	CACHE_URL=redis://127.0.0.1:6379/1 \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	EMAIL_URL=smtp+tls://user:password@smtp.example.org:587 \
	$(PY) manage.py check --deploy --fail-level WARNING

makemessages: install ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(PY) manage.py makemessages --no-obsolete --ignore=$(VENV) --ignore=.venv-load --ignore=var -l ar -l zh_Hans -l fr -l ru -l es

worker: install ## A Celery worker (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
	$(BIN)/celery -A gcmportal worker --loglevel=INFO

beat: install ## Celery beat, the scheduler of periodic tasks (needs CELERY_BROKER_URL)
	$(BIN)/celery -A gcmportal beat --loglevel=INFO --schedule=var/celerybeat-schedule

production: install messages ## The portal as in production on this machine: https://127.0.0.1:8443 (gunicorn, PostgreSQL, Redis, worker, beat)
	ops/production-locally

backup: install ## Back up the database and the media files into a new folder under BACKUP_DIR (var/backups)
	$(PY) manage.py backup --to $${BACKUP_DIR:-var/backups}

restore: install ## Restore a backup (stop web and workers first): make restore FROM=var/backups/gcm-backup-…
	@test -n "$(FROM)" || { echo "Say which backup: make restore FROM=var/backups/gcm-backup-…"; exit 2; }
	$(PY) manage.py restore --from "$(FROM)" --yes

bench-load: install ## Load benchmark against `TRUSTED_PROXY_COUNT=1 make production` (50, 100, 200 users; locust in .venv-load)
	test -x .venv-load/bin/locust || { $(PYTHON) -m venv .venv-load && .venv-load/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-load.txt; }
	TRUSTED_PROXY_COUNT=1 ops/production-locally python bench/load.py $(ARGS)

bench-faults: install ## Fault drills on the production run's services (stop `make production` first; needs root)
	ops/production-locally python bench/faults.py $(ARGS)

clean: ## Remove the virtual environment and everything under var/ (database, mail, media)
	rm -rf $(VENV) .venv-load var
