# Portolan: the two commands are `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
DNS_PORT ?= 8053
PG_URL ?= postgres://postgres@127.0.0.1:5432/portolan
REDIS_URL_TEST ?= redis://127.0.0.1:6379/0

.PHONY: setup run test lint fmt check services bench distributed clean frontend packages screenshots

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# (this machine's pip configuration names local package folders that may be absent;
	@#  its "Location … is ignored" notices are filtered out)
	@set -o pipefail; $(PY) -m pip install -q --upgrade pip 2>&1 | { grep -v "^WARNING: Location" || true; }
	@set -o pipefail; $(PY) -m pip install -q -e '.[dev]' 2>&1 | { grep -v -e "^WARNING: Location" || true; }
	@touch $@

setup: $(VENV)/.installed

# The browser app: npm packages from the lock file, bundled by esbuild into static/dist.
node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

FRONTEND_SOURCES := $(shell find static/src -type f 2>/dev/null) scripts/build-frontend.mjs
static/dist/.built: node_modules/.installed $(FRONTEND_SOURCES)
	@npm run -s build

frontend: static/dist/.built

# Debian packages for the tests and benchmarks: chromium, dig, dnsmasq.
packages:
	@scripts/ensure-packages.sh

# Embedded mode: SQLite, in-process channel layer and Celery tasks. No server to install.
run: setup frontend
	@$(PY) manage.py migrate -v0
	@$(PY) manage.py bootstrap >/dev/null
	@$(PY) manage.py demo
	@PORT=$(PORT) HOST=$(HOST) $(PY) manage.py serve --demo-open --dns-port $(DNS_PORT)

services:
	@scripts/ensure-services.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite against Postgres and Redis, plus a smoke run of the embedded SQLite mode.
test: setup services frontend packages lint check
	npm test --silent
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_URL_TEST) $(PY) -m pytest -q $(PYTEST_ARGS)

# Retake the README's screenshot of the demo topology (docs/demo-topology.png) in Chromium.
screenshots: setup services frontend packages
	PORTOLAN_UPDATE_SCREENSHOTS=1 DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_URL_TEST) \
		$(PY) -m pytest -q tests/e2e/test_dashboard_flows.py -k readme_screenshot

bench: setup services frontend packages
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_URL_TEST) $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) portolan.sqlite3 var .pytest_cache node_modules static/dist
