# The README's two commands are `make run` and `make test`; everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin

# Locations (see ingestion/settings.py); relative paths are relative to this folder.
export SLA_LANDING_DIR ?= $(CURDIR)/data/landing
export SLA_CONFIG ?= $(CURDIR)/config/contract.yml
export SLA_WAREHOUSE_DB ?= $(CURDIR)/data/warehouse.duckdb
export SLA_SERVING_DB ?= $(CURDIR)/data/serving.duckdb
# Dagster keeps its instance (dagster.yaml) and storage (.dagster_home/) in the project.
export DAGSTER_HOME := $(CURDIR)
export UV_PYTHON_DOWNLOADS := never
# the venv's tools (dbt, dagster) first, for every child process too
export PATH := $(CURDIR)/.venv/bin:$(PATH)

# the project's own packages (pyproject.toml's wheel packages): their bytecode is compiled at install
PROJECT_PACKAGES := contract ingestion assets checks dashboards simulator bench staffing reports presentation

DEMO_DAYS ?= 90
DEMO_SEED ?= 20130527
PORT ?= 8501

.PHONY: help install demo-data build serve run dagster-ui test browser bench lint clean

help:
	@echo "make run         install, generate demo data if the landing folder is empty, build, serve on :$(PORT)"
	@echo "make test        install what the tests need (Chromium too) and run the whole suite"
	@echo "make build       build the warehouse from the files in SLA_LANDING_DIR (no demo data, no serving)"
	@echo "make serve       serve the dashboards from the published copy"
	@echo "make dagster-ui  open the Dagster UI on http://localhost:3000"
	@echo "make bench       measure build, new-day and live-line times and memory (BENCH_ARGS=--quick: 7 days)"

$(UV):
	@echo "==> Bootstrapping uv $(UV_VERSION) into .tools/ (with $(PYTHON))"
	@$(PYTHON) -m venv .tools
	@.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode compiled at install: with PYTHONDONTWRITEBYTECODE set (as on the machines this runs
# on) Python would otherwise compile Dagster, dbt, pandas and Great Expectations from source in
# every process, about 3 s of each run's start and of each dbt invocation.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	@echo "==> Installing the pinned dependencies (uv.lock) into $(VENV)/"
	@$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@$(BIN)/python -m compileall -q -j 0 $(PROJECT_PACKAGES)
	@touch $@

install: $(VENV)/.installed

demo-data: install
	@if [ -n "$$(find $(SLA_LANDING_DIR) -type f 2>/dev/null | head -1)" ]; then \
		echo "==> $(SLA_LANDING_DIR) already has files: building from them (no demo data generated)"; \
	else \
		echo "==> Generating $(DEMO_DAYS) days of demo operation into $(SLA_LANDING_DIR)"; \
		$(BIN)/python -m simulator --out $(SLA_LANDING_DIR)/queue_log --days $(DEMO_DAYS) --seed $(DEMO_SEED); \
	fi

build: install
	@echo "==> Building the warehouse (Dagster job warehouse_job: load, dbt build, checks, publish)"
	@$(BIN)/python -m assets.build

serve: install
	@echo ""
	@echo "==> Dashboards: http://localhost:$(PORT)   (Ctrl-C to stop)"
	@echo "    Live:        the Dagster daemon watches $(SLA_LANDING_DIR) every 15 s and rebuilds"
	@echo "                 what new lines touch (log: .dagster_home/daemon.log)"
	@echo "    Dagster UI:  in another terminal, 'make dagster-ui', then http://localhost:3000"
	@echo "    Analysts:    duckdb $(SLA_SERVING_DB)   (read-only copy; see README)"
	@echo ""
	@mkdir -p .dagster_home
	@$(BIN)/dagster-daemon run -m assets.definitions > .dagster_home/daemon.log 2>&1 & daemon=$$!; \
		trap 'kill $$daemon 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python -m streamlit run dashboards/app.py --server.port $(PORT)

run: demo-data build serve

dagster-ui: install
	@$(BIN)/dagster dev -m assets.definitions -p 3000

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "==> Installing Chromium and ChromeDriver from Debian (browser tests)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

test: install browser
	@$(BIN)/python -m pytest

bench: install
	@$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	@$(BIN)/ruff check .
	@cd dbt_project && ../$(BIN)/sqlfluff lint models

clean:
	rm -rf data/warehouse.duckdb data/serving.duckdb .dagster_home dbt_project/target
