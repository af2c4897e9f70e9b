# engage: one entry point for setting up, running and testing the service.
# `make run` and `make test` do all their own set-up on a fresh machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
# Each half of make test ends with its slowest tests, so a slower suite shows where.
SLOWEST ?= 20
BENCH_SECONDS ?= 600
SOAK_SECONDS ?= 1800

export ENGAGE_TEST_POSTGRES_URL ?= $(TEST_POSTGRES_URL)

.PHONY: help
help: ## List every target
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

engage/static/build/engage.css: engage/assets/engage.scss node_modules/.installed scripts/build-assets.mjs
	node scripts/build-assets.mjs

.PHONY: install
install: system-libs $(VENV)/.installed node_modules/.installed engage/static/build/engage.css translations ## Create .venv, install Python and front-end packages, build the branded assets, compile the translations

.PHONY: translations
translations: $(VENV)/.installed ## Compile the interface's translation catalogues (engage/translations/*/LC_MESSAGES/messages.po → .mo)
	$(BIN)/python scripts/i18n.py compile

.PHONY: messages
messages: $(VENV)/.installed ## Extract every marked string and update each language's catalogue (then translate what is new)
	$(BIN)/python scripts/i18n.py update

.PHONY: i18n-check
i18n-check: install ## Every resident-facing string translated in each complete language (Welsh), survey pages in the others
	$(BIN)/python scripts/i18n.py check

.PHONY: system-libs
system-libs: ## Install Debian's Pango and fonts (text and emoji) for PDF reports (WeasyPrint) when missing
	@if ! /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -q 'Liberation Sans' || ! fc-list 2>/dev/null | grep -q 'Noto Color Emoji'; then \
	  echo "Installing Debian's Pango and fonts for PDF reports"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-noto-color-emoji fontconfig >/dev/null; \
	fi

.PHONY: migrate
migrate: install ## Apply database migrations (ENGAGE_DATABASE_URL, default instance/engage.sqlite3)
	$(FLASK) db upgrade

.PHONY: demo
demo: migrate ## Load the demo data and print the demo staff sign-in (safe to repeat)
	ENGAGE_BASE_URL="$${ENGAGE_BASE_URL:-http://$(HOST):$(PORT)}" $(FLASK) demo load

.PHONY: run
run: demo ## Serve the product with gunicorn on http://127.0.0.1:5000 with demo data
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	ENGAGE_BASE_URL="$${ENGAGE_BASE_URL:-http://$(HOST):$(PORT)}" \
	  $(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) --access-logfile - \
	  --logger-class engage.platform.logmask.GunicornLogger wsgi:app

.PHONY: chromium
chromium: ## Install Debian's Chromium for the browser tests when it is missing
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@/usr/bin/chromium --version

.PHONY: lint
lint: install ## Ruff lint and formatting check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: types
types: install ## mypy (strict) over engage, surveys and analysis
	$(BIN)/mypy

.PHONY: contracts
contracts: install ## import-linter: engage → surveys → analysis, analysis stays pure
	$(BIN)/lint-imports

.PHONY: test-sqlite
test-sqlite: install chromium ## The whole pytest suite on SQLite
	ENGAGE_TEST_BACKEND=sqlite $(BIN)/pytest --durations=$(SLOWEST) $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: install chromium ## The whole pytest suite on PostgreSQL (a fresh database, dropped afterwards)
	@if $(BIN)/python scripts/check-postgres.py "$(ENGAGE_TEST_POSTGRES_URL)"; then \
	  ENGAGE_TEST_BACKEND=postgresql $(BIN)/pytest --durations=$(SLOWEST) $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL is required under CI but is not reachable at $(ENGAGE_TEST_POSTGRES_URL)." >&2; exit 1; \
	else \
	  echo ""; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!  SKIPPED the PostgreSQL half: no server at $(ENGAGE_TEST_POSTGRES_URL)"; \
	  echo "!!  Only SQLite was tested. Start PostgreSQL or set TEST_POSTGRES_URL."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

.PHONY: test
test: lint types contracts i18n-check chromium ## Everything CI runs: lint, types, contracts, all tests on SQLite and PostgreSQL
	@# The two databases' runs are independent (own databases, free ports), so they share the
	@# machine's cores; each run's output is printed whole when it finishes.
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

.PHONY: eval
eval: install ## Theme quality (NMI, ARI, ACC) against TF-IDF and MiniLM baselines, the 'Also' rate, stability and leave-one-set-out on ../shared/data/dev (about 10 min); redaction recall and precision
	$(BIN)/python -m analysis.evaluate
	$(BIN)/python -m analysis.redact_eval

.PHONY: bench
bench: install ## Benchmarks (about 35 min): theme analysis 1k/10k/100k, load on the resident journey vs a baseline, staff pages at 100k responses
	$(BIN)/python -m analysis.bench
	$(BIN)/python scripts/bench/load.py --seconds $(BENCH_SECONDS)
	$(BIN)/python scripts/bench/staff_pages.py

.PHONY: soak
soak: install ## Paced load on PostgreSQL for SOAK_SECONDS (default 30 min): no 5xx, exactly once, worker memory before/after
	$(BIN)/python scripts/bench/load.py --backends postgresql --seconds $(SOAK_SECONDS) --rate 100 --capacity-seconds 10

.PHONY: clean
clean: ## Remove caches and built assets (keeps .venv, node_modules and instance/)
	rm -rf engage/static/build .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
	find . -name __pycache__ -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +
