# One task runner. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_PORT ?= 54329
PG_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/eduplan_test
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=25

.PHONY: install demo test test-sqlite test-postgres system-deps postgres check bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: install system-deps
	$(BIN)/eduplan demo

# Debian packages the tests and the demo need: PostgreSQL, Chromium, CJK fonts, LibreOffice, poppler, cairo.
system-deps:
	bash scripts/system-deps.sh

postgres: system-deps
	bash scripts/postgres.sh start $(PG_PORT)

# Every test on SQLite, then the database tests again on PostgreSQL. Browser tests run once, on SQLite: what
# they add to the page tests (layout, scripts, fonts, the phone menu) does not depend on the database, and every
# page flow they drive has a `db` test through Django's client that runs on both.
test: install postgres
	$(PYTEST)
	$(MAKE) --no-print-directory test-postgres

test-postgres: install postgres
	DATABASE_URL=$(PG_URL) $(PYTEST) -m "db and not browser"

test-sqlite: install
	$(PYTEST) -m "not browser"

check: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

bench: install
	$(BIN)/python -m eduplan.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
