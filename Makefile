# Two commands matter: `make run` (demo server on http://127.0.0.1:8000) and `make test`.
# DATABASE_URL and REDIS_URL are taken from the environment; without them the portal uses an
# embedded SQLite file in var/ and a filesystem Celery broker, so nothing else has to run.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_PY := $(VENV)/.installed-requirements
STAMP_NPM := node_modules/.installed-package-lock
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

RUN_SETTINGS ?= portal.settings.local
TEST_SETTINGS := portal.settings.test

.PHONY: help run test install lint format typecheck migrate demo check-migrations pytest browser-tests shell clean vendor

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_PY): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(STAMP_NPM): package.json package-lock.json
	if [ -n "$${CI:-}" ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	mkdir -p node_modules && touch $@

install: $(STAMP_PY) $(STAMP_NPM) ## Create .venv and install Python and npm dependencies (only when changed)
	mkdir -p var

migrate: install ## Apply database migrations
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) manage.py migrate --no-input

demo: migrate ## Load the demo data set (idempotent), its demo signing keys, and print the demo logins
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) manage.py load_demo
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) manage.py create_demo_signing_keys

# Background services for `make run`. The Celery worker goes here: start it in the background and
# stop it when runserver exits, e.g.
#   BACKGROUND = DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(VENV)/bin/celery -A portal worker -l info & trap "kill $$!" EXIT;
BACKGROUND ?=

run: demo ## Migrate, load demo data, start the development server (and the background services)
	$(BACKGROUND) DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) PY=$(PY) bin/run-dev.sh $(HOST):$(PORT)

lint: install ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## ruff check --fix, then ruff format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install ## mypy with django-stubs and djangorestframework-stubs (configured in pyproject.toml)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/mypy

check-migrations: install ## Fail if a model change has no migration
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run

pytest: install ## Run the test suite only (PYTEST_ARGS="-k agency" to narrow it)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

browser-tests: install ## Run only the browser tests (Chromium + axe-core + Nu HTML Checker)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m browser $(PYTEST_ARGS)

test: install lint typecheck check-migrations pytest ## Lint, type-check, check migrations, run every test (pytest -n 2)

shell: install ## Django shell
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) manage.py shell

TOM_SELECT := node_modules/tom-select/dist
vendor: $(STAMP_NPM) ## Copy the front-end libraries from node_modules to static/vendor/ (commit the result)
	mkdir -p static/vendor/tom-select
	cp $(TOM_SELECT)/js/tom-select.complete.min.js $(TOM_SELECT)/js/tom-select.complete.min.js.map \
		$(TOM_SELECT)/css/tom-select.min.css $(TOM_SELECT)/css/tom-select.min.css.map \
		node_modules/tom-select/LICENSE static/vendor/tom-select/

clean: ## Remove caches and test artifacts (keeps .venv, node_modules and var/)
	rm -rf test-artifacts .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +
