# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Start the service on the embedded SQLite database with demo data (127.0.0.1:8000).
run: $(VENV)/.runtime
	$(BIN)/baozu migrate
	$(BIN)/baozu seed-demo
	$(BIN)/baozu serve --host $(HOST) --port $(PORT)

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
