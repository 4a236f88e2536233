# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test lint migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Start the service on the embedded SQLite database with demo data (127.0.0.1:8000), and the
## job worker (reminders, e-mail/SMS) beside it in the background; stopping the server stops it.
run: $(VENV)/.runtime
	$(BIN)/baozu migrate
	$(BIN)/baozu seed-demo
	$(BIN)/baozu worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/baozu serve --host $(HOST) --port $(PORT)

## The job worker alone (scheduled reminders, e-mail and SMS deliveries; docs/jobs.md).
worker: $(VENV)/.runtime
	$(BIN)/baozu worker

## Run the whole test suite (SQLite by default; BAOZU_TEST_DATABASE_URL for PostgreSQL).
test: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

migrate: $(VENV)/.runtime
	$(BIN)/baozu migrate

seed: migrate
	$(BIN)/baozu seed-demo

clean:
	rm -rf $(VENV) baozu.db .pytest_cache
