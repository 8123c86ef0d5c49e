# argmap: `make run` to try it, `make test` to check it. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run: DATABASE_URL if set, else the local server.
PG_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/argmap)

# Does the PostgreSQL server of DATABASE_URL answer? (The database itself need not exist:
# the tests create their own.)
export PG_ANSWERS := import os, psycopg; from psycopg.conninfo import make_conninfo; \
	psycopg.connect(make_conninfo(os.environ["DATABASE_URL"], dbname="postgres", connect_timeout=3)).close()

.PHONY: run worker setup test test-fast lint check test-sqlite test-postgresql bench drill screenshots clean

run: setup
	@echo
	@echo "argmap is ready:"
	@echo "  public site   http://$(HOST):$(PORT)/"
	@echo "  editors       http://$(HOST):$(PORT)/admin/"
	@$(BIN)/python manage.py create_editor --demo | sed 's/^/  /'
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

setup: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_demo

# A Celery worker for background tasks (argmap/tasks.py); needs REDIS_URL (without it,
# tasks run inside the web process and no worker is needed).
worker: $(VENV)/.installed-run
	$(BIN)/celery -A config worker --loglevel INFO

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
		echo "argmap needs Python 3.10 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Install a newer Python, or run: make PYTHON=/path/to/python3.11 run"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed-run: $(VENV)/.python-ok requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

test: lint check test-sqlite test-postgresql

# The reference Argdown parser (@argdown/core, npm) that the Argdown tests parse argmap's
# export with: installed when Node's npm is there; without it those tests say what to install.
ARGDOWN := tests/argdown/node_modules/.package-lock.json
$(ARGDOWN): tests/argdown/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/argdown --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the reference Argdown parser's tests will say what to install."; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/hadolint Dockerfile

check: $(VENV)/.installed-dev
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: $(VENV)/.installed-dev $(ARGDOWN)
	DATABASE_URL= $(BIN)/python -m pytest

# The edit-test loop: the suite on SQLite without the tests marked slow (browser,
# schemathesis, the reference Argdown parser, benchmark runs, other processes, big maps),
# property tests a fifth as often (tests/properties.py), one process per core
# (pytest-xdist; a test file stays in one process). `make test` runs them all, in full.
test-fast: $(VENV)/.installed-dev $(ARGDOWN)
	DATABASE_URL= $(BIN)/python -m pytest -m "not slow" --hypothesis-profile=fast -n auto --dist loadfile $(ARGS)

# Runs when PostgreSQL answers; REQUIRE_POSTGRESQL=1 (as in CI) makes its absence a failure.
test-postgresql: $(VENV)/.installed-dev $(ARGDOWN)
	@if DATABASE_URL="$(PG_URL)" $(BIN)/python -c "$$PG_ANSWERS" 2>/dev/null; then \
		echo "DATABASE_URL=$(PG_URL) pytest"; \
		DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest; \
	elif [ "$(REQUIRE_POSTGRESQL)" = "1" ]; then \
		echo "PostgreSQL does not answer at $(PG_URL), and REQUIRE_POSTGRESQL=1." >&2; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL run is SKIPPED (set DATABASE_URL, or start the server)."; \
	fi

# Speed figures (printed, not asserted): python -m benchmarks (benchmarks/, docs/performance.md).
# On PostgreSQL when it answers, else on SQLite. Each size gets a process and a database of
# its own, made and migrated on the first run and kept, so a map is generated only once:
# argmap_bench_1000, argmap_bench_10000… (bench-1000.sqlite3… on SQLite).
# `make bench ARGS=--large` adds a 100,000-claim map, `ARGS=--huge` a 1,000,000-claim one.
BENCH_URL ?= $(shell $(PYTHON) -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/argmap_bench")))' '$(PG_URL)')
bench: $(VENV)/.installed-dev
	@if DATABASE_URL="$(BENCH_URL)" $(BIN)/python -c "$$PG_ANSWERS" 2>/dev/null; then \
		DATABASE_URL="$(BENCH_URL)" $(BIN)/python -m benchmarks $(ARGS); \
	else \
		echo "PostgreSQL does not answer: benchmarking on SQLite (bench-<size>.sqlite3)."; \
		DATABASE_URL= SQLITE_PATH=bench.sqlite3 $(BIN)/python -m benchmarks $(ARGS); \
	fi

# Reliability drills (drills/): a deployment of their own on loopback (PostgreSQL primary
# and replica, Redis, gunicorn, Celery), broken in each way production breaks, the figures
# written to docs/reliability.md. `make drill STEADY=600` for the documented ten minutes of
# steady load; ARGS=--only redis replica to run a few.
STEADY ?= 60
drill: $(VENV)/.installed-dev
	$(BIN)/python -m drills --steady $(STEADY) $(ARGS)

# Screenshots of every kind of public page, at desktop and phone widths, and of an editor's
# workflow in the admin (editing-*.png), into docs/screenshots/ (the browser tests that take
# them for the suite, pointed at that folder).
screenshots: $(VENV)/.installed-dev
	rm -f docs/screenshots/*.png
	DATABASE_URL= ARGMAP_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_site_browser.py \
		tests/test_admin_screenshots_browser.py -q -k test_screenshots_of

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
